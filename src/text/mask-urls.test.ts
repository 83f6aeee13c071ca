import { describe, expect, it } from 'vitest';
import { maskUrlPasswords } from './mask-urls.js';

describe('maskUrlPasswords', () => {
  it('masks the password of each URL in a message and nothing else', () => {
    expect(maskUrlPasswords('E603: redis://app:s3cret@127.0.0.1:16401: WRONGPASS invalid username-password pair')).toBe(
      'E603: redis://app:***@127.0.0.1:16401: WRONGPASS invalid username-password pair',
    );
    expect(maskUrlPasswords('E603: 127.0.0.1:16401: WRONGPASS')).toBe('E603: 127.0.0.1:16401: WRONGPASS');
    expect(maskUrlPasswords('a rediss://u:p@h:1 and redis://:pw@x')).toBe('a rediss://u:***@h:1 and redis://:***@x');
    expect(maskUrlPasswords('redis://u:p@ss@host:1/0')).toBe('redis://u:***@host:1/0');
    expect(maskUrlPasswords('redis://host:6379 no user')).toBe('redis://host:6379 no user');
    expect(maskUrlPasswords('user@host: not a URL')).toBe('user@host: not a URL');
  });
  it('stays linear on a hostile message', () => {
    const s = `${'://a:b'.repeat(50_000)}@`;
    expect(maskUrlPasswords(s).length).toBeLessThanOrEqual(s.length + 3);
  });
});
