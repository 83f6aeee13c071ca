import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InputError } from '../errors.js';
import { parseProfile, parseProfileJson } from './parse.js';
import { NETWORK_EXPOSURES, SECURITY_LEVELS, COMPLIANCE_FRAMEWORKS, ProfileSchema } from './schema.js';

const base = { security_level: 'standard', network_exposure: 'private_network' };

function errorOf(input: unknown): InputError {
  try {
    parseProfile(input);
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}

describe('parseProfile', () => {
  it('fills the defaults the generator relies on', () => {
    const p = parseProfile(base);
    expect(p).toMatchObject({ redis_version: '7.2', port: 6379, compliance_requirements: [], tls_key_algorithm: 'ecdsa-p256', config_dir: '/etc/redis', replication: false });
    expect(p.applications).toEqual([{ name: 'app', key_prefixes: ['app:'], channel_prefixes: ['app:'], access: 'read-write', scripting: false }]);
    expect(p.bind).toBeUndefined();
  });

  it.each([
    [{ ...base, security_level: 'paranoid' }, 'security_level', /expected one of/],
    [{ network_exposure: 'public' }, 'security_level', /required/],
    [{ ...base, port: '6379' }, 'port', /expected number/],
    [{ ...base, port: 70000 }, 'port', /<=65535|65535/],
    [{ ...base, compliance_requirements: 'pci_dss' }, 'compliance_requirements', /expected array/],
    [{ ...base, compliance_requirements: ['pci'] }, 'compliance_requirements[0]', /expected one of/],
    [{ ...base, replication: 'yes' }, 'replication', /expected boolean/],
    [{ ...base, colour: 'red' }, 'colour', /unknown field/],
    [{ ...base, applications: [{ name: 'a', key_prefixes: ['a:'], extra: 1 }] }, 'applications[0].extra', /unknown field/],
    [{ ...base, applications: [{ name: 'has space', key_prefixes: ['a:'] }] }, 'applications[0].name', /letters, digits/],
    [{ ...base, applications: [{ name: 'a', key_prefixes: ['a*'] }] }, 'applications[0].key_prefixes[0]', /glob|\*/],
    [{ ...base, applications: [{ name: 'a', key_prefixes: [] }] }, 'applications[0].key_prefixes', /at least one/],
    [{ ...base, applications: [{ name: 'admin', key_prefixes: ['a:'] }] }, 'applications[0].name', /reserved/],
    [{ ...base, applications: [{ name: 'a', key_prefixes: ['a:'] }, { name: 'a', key_prefixes: ['b:'] }] }, 'applications[1].name', /duplicate/],
    [{ ...base, applications: [{ name: 'a-b', key_prefixes: ['a:'] }, { name: 'a_b', key_prefixes: ['b:'] }] }, 'applications[1].name', /secrets.env/],
    [{ ...base, bind: ['10.0.0.300'] }, 'bind[0]', /IPv4 or IPv6/],
    [{ ...base, ips: ['127.0.0.1', 'localhost'] }, 'ips[1]', /IPv4 or IPv6/],
    [{ ...base, hostnames: ['bad host'] }, 'hostnames[0]', /DNS name/],
    [{ ...base, app_cidrs: ['10.0.0.0/33'] }, 'app_cidrs[0]', /CIDR/],
    [{ ...base, app_cidrs: ['0.0.0.0/0'] }, 'app_cidrs[0]', /every address/],
    [{ ...base, network_exposure: 'public', app_cidrs: ['203.0.113.0/24'] }, 'app_cidrs[0]', /single addresses/],
    [{ ...base, network_exposure: 'public', compliance_requirements: ['pci_dss'] }, 'network_exposure', /pci_dss/],
    [{ ...base, network_exposure: 'localhost', bind: ['10.0.0.5'] }, 'bind[0]', /loopback/],
    [{ ...base, cluster: true, port: 60000 }, 'port', /55535/],
    [{ ...base, redis_version: '5.0' }, 'redis_version', /expected one of/],
    [{ ...base, tls_key_algorithm: 'dsa' }, 'tls_key_algorithm', /expected one of/],
    [{ ...base, config_dir: 'relative/dir' }, 'config_dir', /absolute path/],
    [[], 'profile', /expected object/],
  ])('rejects %j naming %s', (input, field, message) => {
    const e = errorOf(input);
    expect(e.source).toBe(field);
    expect(e.message.startsWith(`${field}: `)).toBe(true);
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain('\n');
  });

  it('names the file for malformed JSON', () => {
    expect(() => parseProfileJson('{"security_level": ', 'p.json')).toThrow(/^p\.json: not valid JSON/);
  });

  it('accepts every level, exposure and compliance subset the seed allows (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SECURITY_LEVELS),
        fc.constantFrom(...NETWORK_EXPOSURES),
        fc.subarray([...COMPLIANCE_FRAMEWORKS]),
        (security_level, network_exposure, compliance_requirements) => {
          const input = { security_level, network_exposure, compliance_requirements };
          if (network_exposure === 'public' && compliance_requirements.includes('pci_dss')) {
            expect(errorOf(input).source).toBe('network_exposure');
          } else {
            expect(parseProfile(input)).toMatchObject(input);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('rejects any unknown top-level key, naming it (property)', () => {
    const known = new Set(Object.keys(ProfileSchema.shape));
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !known.has(k) && k !== '__proto__'),
        fc.jsonValue(),
        (key, value) => {
          expect(errorOf({ ...base, [key]: value }).source).toBe(key);
        },
      ),
      { numRuns: 100 },
    );
  });
});
