import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { assertTlsRotationAllowed, isTlsRotationAllowed, isTlsRotationWrite, TLS_ROTATION_DIRECTIVES } from './tls-rotation-allowlist.js';
import { isAllowed } from './allowlist.js';
import { isRotationAllowed } from './rotation-allowlist.js';
import { ForbiddenCommandError } from '../errors.js';

describe('TLS rotation write allowlist', () => {
  it('admits CONFIG SET of TLS file directives to absolute paths, CONFIG REWRITE, and the audit reads', () => {
    for (const args of [
      ['CONFIG', 'SET', 'tls-cert-file', '/etc/redis/tls/redis.2.crt', 'tls-key-file', '/etc/redis/tls/redis.2.key'],
      ['config', 'set', 'TLS-CERT-FILE', '/a b/c.crt'],
      ['CONFIG', 'SET', 'tls-client-cert-file', '/x/c.crt', 'tls-client-key-file', '/x/c.key'],
      ['CONFIG', 'SET', 'tls-ca-cert-file', '/x/ca-bundle.crt'],
      ['CONFIG', 'REWRITE'],
      ['CONFIG', 'GET', 'tls-cert-file'],
      ['INFO', 'replication'],
      ['AUTH', 'admin', 'pw'],
    ]) expect(isTlsRotationAllowed(args), args.join(' ')).toBe(true);
  });

  it('refuses every other write, other directives, empty or relative paths, duplicates and control characters', () => {
    for (const args of [
      ['CONFIG', 'SET', 'tls-cert-file'],
      ['CONFIG', 'SET', 'tls-cert-file', ''],
      ['CONFIG', 'SET', 'tls-cert-file', 'redis.crt'],
      ['CONFIG', 'SET', 'tls-cert-file', '/a\n/b'],
      ['CONFIG', 'SET', 'tls-cert-file', '/a', 'tls-cert-file', '/b'],
      ['CONFIG', 'SET', 'tls-cert-file', '/a', 'tls-key-file'],
      ['CONFIG', 'SET', 'tls-key-file-pass', '/secret'],
      ['CONFIG', 'SET', 'tls-protocols', '/TLSv1'],
      ['CONFIG', 'SET', 'tls-port', '/0'],
      ['CONFIG', 'SET', 'tls-auth-clients', '/no'],
      ['CONFIG', 'SET', 'tls-ca-cert-dir', '/tmp'],
      ['CONFIG', 'SET', 'dir', '/tmp'],
      ['CONFIG', 'SET', 'dbfilename', '/x'],
      ['CONFIG', 'SET', 'tls-cert-file', '/a', 'dir', '/tmp'],
      ['CONFIG', 'SET', 'masterauth', '/x'],
      ['CONFIG', 'SET', 'tls-cert-file', `/${'a'.repeat(5000)}`],
      ['CONFIG', 'REWRITE', 'x'],
      ['CONFIG', 'RESETSTAT'],
      ['ACL', 'SETUSER', 'app', '>x'],
      ['ACL', 'SAVE'],
      ['SHUTDOWN'],
      ['FLUSHALL'],
      ['SET', 'k', 'v'],
      ['MULTI'],
      [],
    ]) expect(isTlsRotationAllowed(args), args.join(' ')).toBe(false);
  });

  it('refuses by name only, naming its own allowlist', () => {
    expect(() => assertTlsRotationAllowed([['CONFIG', 'SET', 'dir', '/tmp']])).toThrow(ForbiddenCommandError);
    expect(() => assertTlsRotationAllowed([['CONFIG', 'SET', 'dir', '/tmp']])).toThrow("refusing to send 'CONFIG SET': not on redsec's tls-rotation allowlist");
    // One bad command in a pipeline refuses the whole pipeline.
    expect(() => assertTlsRotationAllowed([['CONFIG', 'REWRITE'], ['FLUSHALL']])).toThrow("'FLUSHALL'");
  });

  it('stays apart from the other allowlists: the audit sends none of these writes, a password rotation none either', () => {
    for (const args of [['CONFIG', 'SET', 'tls-cert-file', '/a'], ['CONFIG', 'REWRITE']]) expect(isAllowed(args)).toBe(false);
    expect(isRotationAllowed(['CONFIG', 'SET', 'tls-cert-file', '/a'], 'app')).toBe(false);
  });

  it('a CONFIG SET is admitted exactly when every pair is an allowed directive (once) with an absolute printable path (property)', () => {
    const directive = fc.oneof(fc.constantFrom(...TLS_ROTATION_DIRECTIVES), fc.constantFrom('dir', 'tls-key-file-pass', 'tls-protocols', 'save', 'tls-port'));
    const value = fc.oneof(fc.constant('/etc/r/x.crt'), fc.constant(''), fc.constant('x.crt'), fc.string({ maxLength: 8 }).map((s) => `/${s}`));
    fc.assert(
      fc.property(fc.array(fc.tuple(directive, value), { minLength: 1, maxLength: 4 }), (pairs) => {
        const names = pairs.map(([d]) => d);
        // eslint-disable-next-line no-control-regex
        const ok = new Set(names).size === names.length && pairs.every(([d, v]) => TLS_ROTATION_DIRECTIVES.includes(d) && v.startsWith('/') && !/[\x00-\x1f\x7f]/.test(v));
        expect(isTlsRotationWrite(['CONFIG', 'SET', ...pairs.flat()])).toBe(ok);
      }),
      { numRuns: 300 },
    );
  });
});
