/**
 * Reports from a real redis-server 7.0.15: a live audit and a lint of the same config file,
 * rendered in every format. A hostile user name comes from the server itself (ACL user names may
 * hold any non-space bytes); SARIF is checked against the official 2.1.0 schema, JSON against
 * redsec's report schema, and no password may appear in any output.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { auditTarget, lintFiles } from '../../src/audit/index.js';
import { REPORT_FORMATS, renderReport, reportJsonSchema } from '../../src/report/index.js';
import type { Report } from '../../src/report/types.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv | Ajv2020) => void;
const ADMIN_PW = 'report-admin-pw-7f3c9e1b';
const APP_PW = 'report-app-pw-2d8a4c6e';
// No quotes: redis.conf would need them escaped; everything else here is hostile to HTML and shells.
const HOSTILE = '<img/src=x/onerror=alert(1)>&|`$(id)`';
const CONFIG = [
  'user default off',
  `user admin on >${ADMIN_PW} ~* &* +@all`,
  `user app on >${APP_PW} ~* resetchannels +@all`,
  `user ${HOSTILE} on nopass ~* +@all`,
  'protected-mode no',
  'timeout 0',
].join('\n');

function sarifValidator() {
  const require = createRequire(import.meta.url);
  const official = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as Record<string, unknown>;
  const { $schema: _drop, id, ...rest } = official;
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile({ ...rest, $id: String(id) });
}

describe('reports from a real server', () => {
  let server: RedisServer;
  let live: Report;
  let lint: Report;
  let confPath: string;

  beforeAll(async () => {
    server = await startRedis({ config: CONFIG });
    live = await auditTarget(`redis://admin:${ADMIN_PW}@127.0.0.1:${server.port}`, { profile: null });
    confPath = join(server.dir, 'lint.conf');
    writeFileSync(confPath, `${CONFIG}\n`);
    lint = lintFiles(confPath, { profile: null, redisVersion: '7.0' });
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('the hostile user exists on the server and reaches the findings', () => {
    const f = live.findings.find((x) => x.id === 'AUTH-ANY-NOPASS-USER' && x.status === 'fail');
    expect(f?.evidence).toBe(`user ${HOSTILE} is on and nopass`);
  });

  it('SARIF is valid against the official 2.1.0 schema; lint results carry file and line', () => {
    const validate = sarifValidator();
    for (const r of [live, lint, [live, lint]]) {
      const sarif: unknown = JSON.parse(renderReport(r, 'sarif'));
      expect(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    }
    const run = (JSON.parse(renderReport(lint, 'sarif')) as { runs: { results: { ruleId: string; locations: { physicalLocation?: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] }).runs[0]!;
    const pm = run.results.find((r) => r.ruleId === 'NET-PROTECTED-MODE-OFF');
    expect(pm?.locations[0]?.physicalLocation?.region.startLine).toBe(5);
    expect(pm?.locations[0]?.physicalLocation?.artifactLocation.uri).toMatch(/lint\.conf$/);
  });

  it('JSON validates against schema/report.schema.json', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(reportJsonSchema());
    for (const r of [live, lint]) expect(validate(JSON.parse(renderReport(r, 'json'))), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
  });

  it('HTML escapes the hostile name everywhere', () => {
    const html = renderReport(live, 'html');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img/src=x/onerror=alert(1)&gt;&amp;|`$(id)`');
  });

  it('no format carries a password', () => {
    for (const r of [live, lint])
      for (const format of REPORT_FORMATS) {
        const text = renderReport(r, format, { color: false });
        expect(text, format).not.toContain(ADMIN_PW);
        expect(text, format).not.toContain(APP_PW);
      }
  });

  it('lint and live agree on the rules the configuration decides', () => {
    const failing = (r: Report) => new Set(r.findings.filter((f) => f.status === 'fail').map((f) => f.id));
    const l = failing(live);
    const o = failing(lint);
    for (const id of ['NET-PROTECTED-MODE-OFF', 'NET-IDLE-TIMEOUT', 'AUTH-ANY-NOPASS-USER', 'ACL-ALLCOMMANDS', 'ACL-ALLKEYS', 'ACL-DANGEROUS']) {
      expect(l.has(id), `live ${id}`).toBe(true);
      expect(o.has(id), `lint ${id}`).toBe(true);
    }
    // In lint the finding points at the user's line.
    expect(lint.findings.find((f) => f.id === 'ACL-ALLCOMMANDS' && f.evidence.startsWith('user app'))?.location?.line).toBe(3);
  });
});
