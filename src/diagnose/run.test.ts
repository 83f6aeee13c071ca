import { describe, expect, it } from 'vitest';
import { InputError, UsageError } from '../errors.js';
import { diagnose } from './run.js';
import { DiagnoseInputSchema } from './schema.js';

// Bad input fails before any connection is attempted (the ports below are never dialled).
describe('diagnose input errors', () => {
  it('rejects a bad URL, an unbalanced --command and an unreadable password file as input errors', async () => {
    await expect(diagnose({ url: 'http://127.0.0.1:1', env: {} })).rejects.toBeInstanceOf(InputError);
    await expect(diagnose({ url: 'redis://127.0.0.1:1', env: {}, command: 'SET "foo bar' })).rejects.toThrow(/command: unbalanced quotes/);
    await expect(diagnose({ url: 'redis://127.0.0.1:1', env: {}, command: '  ' })).rejects.toBeInstanceOf(UsageError);
    await expect(diagnose({ url: 'redis://127.0.0.1:1', env: {}, passwordFile: '/nonexistent/redsec.pw' })).rejects.toThrow(/cannot read password file/);
  });

  it('accepts the tool input schema as parsed by zod (optional fields may be undefined)', async () => {
    const input = DiagnoseInputSchema.parse({ url: 'redis://127.0.0.1:1', command: 'SET "x', tls: { ca: undefined } });
    await expect(diagnose({ ...input, env: {} })).rejects.toThrow(/unbalanced quotes/);
  });

  it('never echoes a password from the URL in an input error', async () => {
    const err = await diagnose({ url: 'redis://u:hunter2-Secret@bad host:1', env: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(String((err as Error).message)).not.toContain('hunter2-Secret');
  });
});
