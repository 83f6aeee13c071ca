/**
 * A server that holds the audit's password in a value a finding quotes (here dbfilename, which
 * IOC-PERSIST-PATH prints) must not get it into the report: audit cleans every string of the
 * finished report of the credentials it used (full value and prefixes of 8+ characters), in the
 * library and in every format of the CLI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditTarget } from '../../src/audit/index.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { cli } from '../helpers/run-cli.js';

const PW = 'Xq7-echoed-admin-password-5e1b9c';

describe('the audit password in a quoted server value', () => {
  let server: RedisServer;
  beforeAll(async () => {
    // dbfilename holds the first 20 characters of the password, as a server's cut echo would
    // (dbfilename is a protected config on 7.0: set in the file, not with CONFIG SET).
    server = await startRedis({ config: `user default off\nuser admin on >${PW} ~* &* +@all\ndbfilename ${PW.slice(0, 20)}.rdb` });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('is masked in the library report and in every CLI format', async () => {
    const report = await auditTarget(`redis://admin@127.0.0.1:${server.port}`, { env: { REDSEC_PASSWORD: PW }, tlsProbe: false, profile: null });
    const json = JSON.stringify(report);
    expect(json).not.toContain(PW.slice(0, 8));
    const persist = report.findings.find((f) => f.id === 'IOC-PERSIST-PATH');
    expect(persist?.evidence).toContain('dbfilename ***.rdb');
    for (const format of ['text', 'json', 'sarif', 'markdown', 'html', 'junit', 'gitlab']) {
      const r = await cli(['audit', `redis://admin@127.0.0.1:${server.port}`, '--format', format], { REDSEC_PASSWORD: PW });
      expect(r.stdout.length, format).toBeGreaterThan(0);
      expect(r.stdout + r.stderr, format).not.toContain(PW.slice(0, 8));
    }
  });
});
