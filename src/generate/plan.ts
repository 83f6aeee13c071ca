import type { Profile } from '../profile/index.js';
import { planChecklist } from './checklist.js';
import { planDirectives } from './directives.js';
import { planFirewall } from './firewall-plan.js';
import { planTls } from './tls-plan.js';
import { planUsers } from './users.js';
import { planWarnings } from './warnings.js';
import type { Plan } from './types.js';

/** Where the server listens: the profile's bind, else its IPs plus loopback, else loopback. */
function resolveBind(p: Profile): { bind: string[]; defaulted: boolean } {
  if (p.bind) return { bind: [...p.bind], defaulted: false };
  const loopback = ['127.0.0.1', '-::1'];
  if (p.network_exposure === 'localhost') return { bind: loopback, defaulted: false };
  if (p.ips.length > 0) return { bind: [...p.ips, ...loopback], defaulted: false };
  return { bind: loopback, defaulted: true };
}

/**
 * Profile → desired state. Pure and deterministic: no secrets, no certificates, no clock.
 * The audit reuses it to compute the gap between a server and a target profile.
 */
export interface PlanOptions {
  /** Set when the requested version is newer than the tables the plan is built from (a warning says so). */
  newerThanTables?: string | undefined;
}

export function buildPlan(profile: Profile, opts: PlanOptions = {}): Plan {
  const { bind, defaulted } = resolveBind(profile);
  const tlsDir = `${profile.config_dir}/tls`;
  const aclFile = `${profile.config_dir}/users.acl`;
  const tls = planTls(profile, bind, tlsDir);
  const base = {
    schema_version: 1 as const,
    profile,
    version: profile.redis_version,
    bind,
    clientPort: profile.port,
    aclFile,
    directives: planDirectives({ profile, bind, tls, aclFile, tlsDir }),
    users: planUsers(profile),
    tls,
    firewall: planFirewall(profile),
  };
  const warnings = planWarnings(base, defaulted);
  if (opts.newerThanTables !== undefined) warnings.unshift({ id: 'VERSION-NEWER-THAN-TABLES', severity: 'warning', message: opts.newerThanTables });
  const withWarnings = { ...base, warnings };
  return { ...withWarnings, checklist: planChecklist(withWarnings) };
}
