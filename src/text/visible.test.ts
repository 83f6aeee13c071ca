import { describe, expect, it } from 'vitest';
import { hasUnsafe, visible } from './visible.js';

describe('visible', () => {
  it('escapes terminal controls, newlines and bidi overrides', () => {
    expect(visible('a\x1b]0;pwned\x07b')).toBe('a\\x1b]0;pwned\\x07b');
    expect(visible('user\n[PASS] AUTH-NOPASS-DEFAULT')).toBe('user\\n[PASS] AUTH-NOPASS-DEFAULT');
    expect(visible('\r\t\x00\x7f\x9b')).toBe('\\r\\t\\x00\\x7f\\x9b');
    expect(visible('abc\u202edef\u2028')).toBe('abc\\u202edef\\u2028');
  });

  it('leaves printable text, including non-ASCII, alone', () => {
    expect(visible('plain café ✓ C:\\path')).toBe('plain café ✓ C:\\path');
    expect(hasUnsafe('plain')).toBe(false);
    expect(hasUnsafe('a\x1bb')).toBe(true);
    expect(hasUnsafe('a\x1bb')).toBe(true);
  });
});
