/** Severity arithmetic for the catalog's "↑" (raise for public exposure or compliance). */
import { SEVERITIES, type Severity } from '../report/types.js';
import type { RuleContext } from './types.js';

export function raiseSeverity(s: Severity): Severity {
  const i = SEVERITIES.indexOf(s);
  return SEVERITIES[Math.max(0, i - 1)] ?? s;
}

export function isPublicOrCompliance(ctx: RuleContext): boolean {
  const p = ctx.profile;
  if (!p) return false;
  return p.network_exposure === 'public' || p.security_level === 'compliance' || p.compliance_requirements.length > 0;
}

export function hasCompliance(ctx: RuleContext, ...frameworks: string[]): boolean {
  const req = ctx.profile?.compliance_requirements ?? [];
  if (frameworks.length === 0) return req.length > 0 || ctx.profile?.security_level === 'compliance';
  return req.some((r) => frameworks.includes(r));
}

const LEVELS: Record<string, number> = { basic: 1, standard: 2, hardened: 3, compliance: 4 };

/** The profile's maturity level (1-4), or 0 without a profile. */
export function profileLevel(ctx: RuleContext): number {
  return ctx.profile ? (LEVELS[ctx.profile.security_level] ?? 0) : 0;
}
