/**
 * `redsec mcp` against a TLS-only redis-server that requires client certificates: the operator's
 * per-target TLS files are used, a target without a client certificate fails with E604 (a tool
 * error for audit_server, a diagnosis for diagnose_connection), and no key material leaks.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../src/diagnose/index.js';
import type { Report } from '../../src/report/index.js';
import { testPki, type TestPki } from '../helpers/pki.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { startMcp, structuredOf, textOf, type McpSession } from './mcp-client.js';

const PW = 'mcp-tls-audit-secret-3c8e';

describe('redsec mcp: TLS targets', () => {
  let pki: TestPki;
  let server: RedisServer;
  let mcp: McpSession;
  const seen: string[] = [];

  beforeAll(async () => {
    pki = testPki();
    server = await startRedis({
      config: ['user default off', `user audit on >${PW} ~* &* +@all`].join('\n'),
      tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.ca, authClients: 'yes', plain: false },
    });
    const url = `rediss://audit@127.0.0.1:${server.tlsPort}`;
    mcp = await startMcp(
      [
        ...['--target', `mtls=${url}`, '--password-env', 'mtls=MCP_PW', '--cacert', `mtls=${pki.ca}`, '--cert', `mtls=${pki.clientCert}`, '--key', `mtls=${pki.clientKey}`],
        ...['--target', `nocert=${url}`, '--password-env', 'nocert=MCP_PW', '--cacert', `nocert=${pki.ca}`],
        '--timeout',
        '3000',
      ],
      { MCP_PW: PW },
    );
  });
  afterAll(async () => {
    await mcp?.close();
    await server?.stop();
  });

  it('audits over mutual TLS with the files named at start', async () => {
    const r = await mcp.call('audit_server', { target: 'mtls' });
    seen.push(JSON.stringify(r));
    expect(r.isError, textOf(r)).toBeFalsy();
    const report = structuredOf<Report>(r);
    expect(report.target).toBe(`rediss://audit@127.0.0.1:${server.tlsPort}`);
    expect(report.findings.find((f) => f.id === 'TLS-DISABLED')?.status).toBe('pass');
    expect(report.findings.find((f) => f.id === 'TLS-CLIENT-AUTH')?.status).toBe('pass');
    const d = await mcp.call('diagnose_connection', { target: 'mtls' });
    seen.push(JSON.stringify(d));
    expect(structuredOf<Diagnosis>(d).code).toBe('OK');
  });

  it('a target without the client certificate fails with E604', async () => {
    const r = await mcp.call('audit_server', { target: 'nocert' });
    seen.push(JSON.stringify(r));
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/^E604\b/);
    expect(r._meta?.['redsec/code']).toBe('E604');
    const d = await mcp.call('diagnose_connection', { target: 'nocert' });
    seen.push(JSON.stringify(d));
    const diagnosis = structuredOf<Diagnosis>(d);
    expect(diagnosis.code).toBe('E604');
    expect(diagnosis.problem?.kind).toMatch(/client/i);
  });

  it('shows neither the password nor key material', () => {
    const everything = seen.join('\n') + mcp.stderr();
    const keyBody = readFileSync(pki.clientKey, 'utf8').split('\n')[1] ?? '';
    expect(keyBody.length).toBeGreaterThan(20);
    expect(everything).not.toContain(PW);
    expect(everything).not.toContain(keyBody);
    expect(everything).not.toContain('PRIVATE KEY');
  });
});
