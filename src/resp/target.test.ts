import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { maskUrl, parseTarget } from './target.js';
import { InputError } from '../errors.js';

describe('parseTarget', () => {
  it.each([
    ['redis://localhost', { host: 'localhost', port: 6379, tls: false, display: 'redis://localhost:6379' }],
    ['redis://10.0.0.5:6380', { host: '10.0.0.5', port: 6380, tls: false }],
    ['rediss://cache.internal:6390', { host: 'cache.internal', port: 6390, tls: true, display: 'rediss://cache.internal:6390' }],
    ['redis://app:s3cr%40t@h:1/2', { host: 'h', port: 1, user: 'app', password: 's3cr@t', db: 2, display: 'redis://app:***@h:1/2' }],
    ['redis://:pw@h', { host: 'h', password: 'pw', display: 'redis://:***@h:6379' }],
    ['redis://user@h', { host: 'h', user: 'user', display: 'redis://user@h:6379' }],
    ['redis://u:p@ss@h:7000', { host: 'h', port: 7000, user: 'u', password: 'p@ss' }],
    ['REDIS://H:1', { host: 'H', port: 1, tls: false }],
    ['redis://[::1]:6379', { host: '::1', port: 6379, display: 'redis://[::1]:6379' }],
    ['[::1]:7001', { host: '::1', port: 7001, tls: false }],
    ['::1', { host: '::1', port: 6379 }],
    ['127.0.0.1:6380', { host: '127.0.0.1', port: 6380, tls: false }],
    ['db.example.com', { host: 'db.example.com', port: 6379 }],
  ])('%s', (url, expected) => {
    expect(parseTarget(url)).toMatchObject(expected);
  });

  it.each([
    '',
    'http://h:6379',
    'unix:///tmp/redis.sock',
    'redis://',
    'redis://h:0',
    'redis://h:65536',
    'redis://h:port',
    'redis://h:6379/x',
    'redis://h:6379?db=1',
    'redis://[::1',
    'redis://h o:1',
    'u:p@h:1',
    'redis://u:%zz@h',
  ])('rejects %j with InputError on "url"', (url) => {
    expect(() => parseTarget(url)).toThrow(InputError);
    try {
      parseTarget(url);
    } catch (e) {
      expect((e as InputError).source).toBe('url');
    }
  });

  it('never shows the password, in the display or in any error', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 6, maxLength: 20 }).filter((s) => /^[A-Za-z0-9]+$/.test(s)),
        fc.constantFrom('h', 'h:1', 'h:99999', 'h:x', '[::1]:7', 'h/x', 'bad host'),
        (password, rest) => {
          const url = `redis://user:Zq9${password}@${rest}`;
          let shown: string;
          try {
            shown = parseTarget(url).display;
          } catch (e) {
            shown = (e as Error).message;
          }
          expect(shown).not.toContain(`Zq9${password}`);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('maskUrl masks even text that does not parse', () => {
    expect(maskUrl('redis://u:pw@h:1')).toBe('redis://u:***@h:1');
    expect(maskUrl('u:pw@h:x')).toBe('u:***@h:x');
    expect(maskUrl('redis://h:1')).toBe('redis://h:1');
  });
});
