import { describe, expect, it } from 'vitest';
import { TargetError } from '../errors.js';
import { errorText } from './result.js';

describe('errorText', () => {
  it('masks only the URL password, keeping the code and the address readable', () => {
    const e = new TargetError('E603', 'WRONGPASS invalid username-password pair', 'redis://app:s3cret@127.0.0.1:16401');
    expect(errorText(e)).toBe('E603: redis://app:***@127.0.0.1:16401: WRONGPASS invalid username-password pair');
    expect(errorText(new TargetError('E603', 'WRONGPASS', '127.0.0.1:16401'))).toBe('E603: 127.0.0.1:16401: WRONGPASS');
  });
});
