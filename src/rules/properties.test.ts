import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ServerFacts } from '../facts/types.js';
import { escapeHtml } from '../report/escape.js';
import { RULES } from './catalog.js';
import { baselineFacts } from './fixture.js';
import { runRules } from './run.js';
import { aclSetuserCommand, shellQuote } from './shell.js';
import { bundledCveData } from '../cve/index.js';
import { cveVerdicts } from './ver/cve-verdict.js';

describe('properties', () => {
  it('shellQuote survives a real POSIX shell unchanged', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 24 }).filter((s) => !s.includes('\u0000')), (s) => {
        // The shell is the oracle: printf prints the word exactly as the shell parsed it.
        const out = execFileSync('sh', ['-c', `printf %s ${shellQuote(s)}`], { encoding: 'utf8' });
        expect(out).toBe(s);
      }),
      { numRuns: 40 },
    );
  });

  it('aclSetuserCommand keeps every word one shell word', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !/[\s\u0000]/.test(s)), (user) => {
        const words = execFileSync('sh', ['-c', `printf '%s\\n' ${aclSetuserCommand(user, '-@dangerous', '~app:*').slice('redis-cli '.length)}`], { encoding: 'utf8' });
        expect(words).toBe(`ACL\nSETUSER\n${user}\n-@dangerous\n~app:*\n`);
      }),
      { numRuns: 25 },
    );
  });

  it('escapeHtml leaves no markup and decodes back to the input', () => {
    const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        const e = escapeHtml(s);
        expect(e).not.toMatch(/[<>"']/);
        expect(decode(e)).toBe(s);
      }),
      { numRuns: 300 },
    );
  });

  it('branch-aware CVE verdicts: a 7.2.x release is affected by RediShell exactly when x < 11', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), (patch) => {
        const f = baselineFacts();
        f.version = `7.2.${patch}`;
        const v = cveVerdicts(f, bundledCveData());
        if ('unknown' in v) throw new Error('version should be known');
        expect(v.find((d) => d.entry.ids.includes('CVE-2025-49844'))?.status).toBe(patch < 11 ? 'affected' : 'fixed');
      }),
      { numRuns: 41 },
    );
  });

  it('whatever the collector could not see, every rule still answers once or more and nothing throws', () => {
    const knownFields = ['mode', 'config', 'renamedCommands', 'users', 'unauthenticated', 'info', 'modules', 'clients', 'aclLog', 'dryrun', 'tls', 'files', 'process'] as const;
    fc.assert(
      fc.property(fc.subarray([...knownFields]), fc.constantFrom<'live' | 'lint'>('live', 'lint'), (hidden, mode) => {
        const f = baselineFacts() as unknown as Record<string, unknown>;
        for (const k of hidden) f[k] = { known: false, why: `${k} hidden` };
        const findings = runRules(f as unknown as ServerFacts, { mode, profile: null, now: new Date('2026-11-28T00:00:00Z') });
        expect(new Set(findings.map((x) => x.id)).size).toBe(RULES.length);
        expect(findings.filter((x) => x.evidence.startsWith('the rule could not be evaluated'))).toEqual([]);
        if (hidden.includes('config')) {
          const passed = findings.filter((x) => x.status === 'pass' && /^(NET-BIND-ALL|NET-PROTECTED-MODE-OFF|CMD-(PROTECTED-CONFIGS|MODULE-CMD|DEBUG-CMD|LOCAL-MEANS-SSRF)|DATA-MAXMEMORY|LOG-)/.test(x.id));
          expect(passed).toEqual([]);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('the README lists every rule in catalog order', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const table = readme.slice(readme.indexOf('| id | checks | severity | level | modes |'));
    const ids = [...table.matchAll(/^\| `([A-Z0-9-]+)` \|/gm)].map((m) => m[1]);
    expect(ids).toEqual(RULES.map((r) => r.id));
  });
});
