import type * as X509 from '@peculiar/x509';
import { loadX509 } from './x509-lazy.js';
import { generateKeyPair, keyParams, privateKeyPem } from './keys.js';
import { randomSerialHex } from './serial.js';
import type { IssuedCert, KeyAlgorithm, Pki, PkiOptions } from './types.js';
import { InputError } from '../errors.js';
import { isIP } from 'node:net';
import type { webcrypto as WebCrypto } from 'node:crypto';

const DAY_MS = 86_400_000;
/** Back-date notBefore a little so a peer whose clock is slightly behind still accepts the cert. */
const CLOCK_SKEW_MS = 5 * 60_000;

type Keys = WebCrypto.CryptoKeyPair;

/** A CA able to sign: its key pair, its name as it appears in its certificate, its SKI. */
export interface Issuer {
  keys: Keys;
  name: X509.Name;
  keyId: string;
}

interface LeafSpec {
  commonName: string;
  notBefore: Date;
  notAfter: Date;
  extensions: X509.Extension[];
}

export function validity(now: Date, days: number): { notBefore: Date; notAfter: Date } {
  const start = Math.floor((now.getTime() - CLOCK_SKEW_MS) / 1000) * 1000;
  return { notBefore: new Date(start), notAfter: new Date(start + days * DAY_MS) };
}

/**
 * Built from typed values (UTF8String, as RFC 5280 asks), never from an RFC 4514 string: the
 * library's string and plain-JSON parsers mangle names containing quotes or backslashes.
 */
export function distinguishedName(commonName: string): X509.Name {
  return new (loadX509().Name)([{ CN: [{ utf8String: commonName }] }]);
}

/** The PEM texts and facts of a certificate just signed, with its key. */
export async function issued(cert: X509.X509Certificate, keys: Keys): Promise<IssuedCert> {
  return {
    certPem: `${cert.toString('pem')}\n`,
    keyPem: await privateKeyPem(keys.privateKey),
    serialHex: cert.serialNumber.toLowerCase(),
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    subject: cert.subject,
  };
}

export async function createCa(algorithm: KeyAlgorithm, keys: Keys, commonName: string, now: Date, days: number): Promise<{ cert: IssuedCert; issuer: Issuer }> {
  const x509 = loadX509();
  const ski = await x509.SubjectKeyIdentifierExtension.create(keys.publicKey);
  const name = distinguishedName(commonName);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerialHex(),
    name,
    ...validity(now, days),
    keys,
    signingAlgorithm: keyParams(algorithm).signing,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      ski,
    ],
  });
  return { cert: await issued(cert, keys), issuer: { keys, name, keyId: ski.keyId } };
}

export async function createLeaf(algorithm: KeyAlgorithm, keys: Keys, issuer: Issuer, spec: LeafSpec): Promise<IssuedCert> {
  const x509 = loadX509();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialHex(),
    subject: distinguishedName(spec.commonName),
    issuer: issuer.name,
    notBefore: spec.notBefore,
    notAfter: spec.notAfter,
    publicKey: keys.publicKey,
    signingKey: issuer.keys.privateKey,
    signingAlgorithm: keyParams(algorithm).signing,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      ...spec.extensions,
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      // AKI must equal the CA's SKI byte for byte, so reuse it rather than recompute.
      new x509.AuthorityKeyIdentifierExtension(issuer.keyId),
    ],
  });
  return issued(cert, keys);
}

/** A certificate lifetime redsec issues: whole days, 1 to 36500 (100 years). */
export function checkValidityDays(days: number, field: string): void {
  if (!Number.isInteger(days) || days < 1 || days > 36_500) throw new InputError(`must be a whole number of days from 1 to 36500, got ${days}`, field);
}

function checkOptions(opts: PkiOptions): void {
  checkValidityDays(opts.caValidityDays, 'caValidityDays');
  checkValidityDays(opts.leafValidityDays, 'leafValidityDays');
  if (opts.leafValidityDays > opts.caValidityDays) throw new InputError('a leaf must not outlive its CA', 'leafValidityDays');
  for (const ip of opts.serverIps) if (isIP(ip) === 0) throw new InputError(`not an IP address: ${JSON.stringify(ip)}`, 'serverIps');
  for (const dns of opts.serverDnsNames) {
    if (!/^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/.test(dns) || dns.length > 253) {
      throw new InputError(`not a DNS name: ${JSON.stringify(dns)}`, 'serverDnsNames');
    }
  }
  if (opts.serverDnsNames.length + opts.serverIps.length === 0) throw new InputError('the server certificate needs at least one DNS name or IP address', 'serverDnsNames');
  const seen = new Set<string>();
  for (const name of opts.clientNames) {
    if (name.length === 0 || name.length > 64) throw new InputError(`client name must be 1 to 64 characters: ${JSON.stringify(name)}`, 'clientNames');
    if (seen.has(name)) throw new InputError(`duplicate client name ${JSON.stringify(name)}`, 'clientNames');
    seen.add(name);
  }
}

/**
 * Issues a private CA, one Redis server certificate and one client certificate per name, with the
 * extensions of spec compliance-tls §4.3. Pure: nothing touches the filesystem.
 */
export async function generatePki(opts: PkiOptions): Promise<Pki> {
  const x509 = loadX509();
  checkOptions(opts);
  const now = opts.now ?? new Date();
  const algorithm = opts.keyAlgorithm;
  // Key generation runs on libuv's thread pool: start every key at once (RSA's prime search dominates).
  const [caKeys, serverKeys, ...clientKeys] = await Promise.all(Array.from({ length: opts.clientNames.length + 2 }, () => generateKeyPair(algorithm)));
  if (!caKeys || !serverKeys) throw new Error('unreachable: two keys were generated');
  const ca = await createCa(algorithm, caKeys, opts.caCommonName ?? 'redsec CA', now, opts.caValidityDays);
  const leafValidity = validity(now, opts.leafValidityDays);

  const san = new x509.SubjectAlternativeNameExtension([
    ...opts.serverDnsNames.map((value) => ({ type: 'dns' as const, value })),
    ...opts.serverIps.map((value) => ({ type: 'ip' as const, value })),
  ]);
  const server = await createLeaf(algorithm, serverKeys, ca.issuer, {
    commonName: opts.serverCommonName ?? opts.serverDnsNames[0] ?? opts.serverIps[0] ?? 'redis',
    ...leafValidity,
    // clientAuth too: Redis presents the same certificate on replication and cluster-bus links.
    extensions: [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]), san],
  });

  const clients: Pki['clients'] = [];
  for (const [i, name] of opts.clientNames.entries()) {
    const keys = clientKeys[i];
    if (!keys) throw new Error('unreachable: one key per client was generated');
    const cert = await createLeaf(algorithm, keys, ca.issuer, {
      commonName: name,
      ...leafValidity,
      extensions: [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])],
    });
    clients.push({ ...cert, name });
  }
  return { ca: ca.cert, server, clients };
}
