import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { profileJsonSchema } from './schema.js';
import { parseProfile } from './parse.js';

const committed = readFileSync(new URL('../../schema/profile.schema.json', import.meta.url), 'utf8');

describe('schema/profile.schema.json', () => {
  it('is exactly what scripts/gen-schemas.mjs writes from the zod schema', () => {
    expect(committed).toBe(`${JSON.stringify(profileJsonSchema(), null, 2)}\n`);
  });

  it('agrees with the zod schema on valid and invalid profiles', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
    const validate = ajv.compile(JSON.parse(committed) as object);
    const good = { security_level: 'hardened', network_exposure: 'private_network', compliance_requirements: ['hipaa'], bind: ['10.0.0.5', '::1'], applications: [{ name: 'orders', key_prefixes: ['orders:'], access: 'read-only' }], app_cidrs: ['10.1.0.0/24'] };
    expect(validate(good)).toBe(true);
    expect(() => parseProfile(good)).not.toThrow();
    for (const bad of [
      { ...good, extra: 1 },
      { ...good, security_level: 'max' },
      { ...good, port: 'x' },
      { ...good, bind: ['nope'] },
      { ...good, applications: [{ name: 'x', key_prefixes: ['a:'], other: true }] },
      { network_exposure: 'public' },
    ]) {
      expect(validate(bad)).toBe(false);
      expect(() => parseProfile(bad)).toThrow();
    }
  });
});
