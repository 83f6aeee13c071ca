import { describe, expect, it } from 'vitest';
import { writableFor } from './password.js';

describe('writableFor: which allowlist a rotation connection carries', () => {
  it('only --apply gets the rotation allowlist; a dry run, a status and a plan get the read-only one', () => {
    expect(writableFor({ user: 'app', apply: true })).toBe('app');
    expect(writableFor({ user: 'app', apply: false })).toBeUndefined();
    expect(writableFor({ user: 'app', apply: undefined })).toBeUndefined();
    expect(writableFor({ user: 'app', apply: true, readOnly: true })).toBeUndefined();
  });
});
