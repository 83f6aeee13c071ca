import { describe, expect, it } from 'vitest';
import { renderCaRotateJson, renderCaRotateText } from './ca-render.js';
import type { CaRotateResult } from './ca.js';

const result: CaRotateResult = {
  phase: 'switch',
  target: 'rediss://127.0.0.1:6380',
  applied: true,
  rotation: 'switched',
  server: { serves: 'new', trusts_old: true, trusts_new: true, ca_file: '/etc/redis/tls/ca.20261206T041639Z.overlap.crt', cert_file: '/etc/redis/tls/redis.20261206T041639Z.crt' },
  commands: ['CONFIG SET tls-cert-file /etc/redis/tls/redis.20261206T041639Z.crt tls-key-file /etc/redis/tls/redis.20261206T041639Z.key', 'CONFIG REWRITE'],
  files: [{ path: '/etc/redis/tls/evil\x1b[2J.crt', mode: '0644', what: 'server certificate' }],
  checks: [
    { name: 'client trusting the old CA only', ok: true, detail: 'refused: unknown ca (expected: is refused)' },
    { name: 'client trusting the new CA only', ok: false, detail: 'refused: \x1b]0;x\x07 (expected: connects)' },
    { name: 'client certificate from the old CA', ok: null, detail: 'not run' },
  ],
  ok: false,
  notes: ['next: run finish'],
};

describe('CA rotation report', () => {
  it('text: phase, what the server serves and trusts, files, commands, each check marked; control characters escaped', () => {
    const text = renderCaRotateText(result);
    expect(text).toContain('rotate ca switch: rediss://127.0.0.1:6380 — applied');
    expect(text).toContain('server: serves a certificate from the new CA; trusts old and new CA');
    expect(text).toContain('[ok  ] client trusting the old CA only');
    expect(text).toContain('[FAIL] client trusting the new CA only');
    expect(text).toContain('[-   ] client certificate from the old CA: not run');
    expect(text).toContain('result: VERIFICATION FAILED');
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
  });

  it('JSON round-trips the result, with no raw C1 or bidi character in its bytes', () => {
    const hostile = { ...result, notes: ['next: \u009b2J\u202eevil'] };
    const json = renderCaRotateJson(hostile);
    expect(JSON.parse(json)).toEqual(hostile);
    expect(json).not.toMatch(/[\u007f-\u009f\u202a-\u202e]/);
  });
});
