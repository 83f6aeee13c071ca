/**
 * verifyChain against openssl verify as the oracle, on chains generatePki cannot make
 * (an issuing intermediate, a non-CA issuer, an expired intermediate, a self-signed leaf).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { webcrypto } from 'node:crypto';

type CryptoKeyPair = webcrypto.CryptoKeyPair;
import { x509 } from '../../src/certs/provider.js';
import { inspectCertificate } from '../../src/certs/index.js';

const DAY = 86_400_000;
const ALG = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIG = { name: 'ECDSA', hash: 'SHA-256' } as const;

interface Made {
  pem: string;
  keys: CryptoKeyPair;
  name: string;
}

async function make(name: string, opts: { issuer?: Made; ca: boolean; from?: number; to?: number; selfSigned?: boolean }): Promise<Made> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(opts.ca, undefined, true),
    new x509.KeyUsagesExtension(opts.ca ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign : x509.KeyUsageFlags.digitalSignature, true),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ];
  if (!opts.ca) extensions.push(new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]), new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'localhost' }]));
  const validity = { notBefore: new Date(now + (opts.from ?? -1) * DAY), notAfter: new Date(now + (opts.to ?? 30) * DAY) };
  const cert = opts.issuer
    ? await x509.X509CertificateGenerator.create({
        subject: `CN=${name}`,
        issuer: `CN=${opts.issuer.name}`,
        publicKey: keys.publicKey,
        signingKey: opts.issuer.keys.privateKey,
        signingAlgorithm: SIG,
        ...validity,
        extensions: [...extensions, await x509.AuthorityKeyIdentifierExtension.create(opts.issuer.keys.publicKey)],
      })
    : await x509.X509CertificateGenerator.createSelfSigned({ name: `CN=${name}`, keys, signingAlgorithm: SIG, ...validity, extensions });
  return { pem: `${cert.toString('pem')}\n`, keys, name };
}

const dir = mkdtempSync(join(tmpdir(), 'redsec-chain-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function opensslVerify(leaf: string, roots: string, untrusted: string): Promise<boolean> {
  const id = Math.random().toString(36).slice(2);
  const files = { leaf: join(dir, `${id}-leaf.pem`), roots: join(dir, `${id}-roots.pem`), untrusted: join(dir, `${id}-untrusted.pem`) };
  writeFileSync(files.leaf, leaf);
  writeFileSync(files.roots, roots);
  writeFileSync(files.untrusted, untrusted);
  const args = ['verify', '-CAfile', files.roots, ...(untrusted ? ['-untrusted', files.untrusted] : []), files.leaf];
  return new Promise((resolve) => execFile('openssl', args, (err) => resolve(err === null)));
}

describe('verifyChain agrees with openssl verify', async () => {
  const root = await make('root', { ca: true, to: 3650 });
  const otherRoot = await make('other root', { ca: true, to: 3650 });
  const intermediate = await make('issuing', { ca: true, issuer: root, to: 365 });
  const expiredIntermediate = await make('issuing', { ca: true, issuer: root, from: -60, to: -1 });
  const notCa = await make('not a ca', { ca: false, issuer: root });
  const leaf = await make('localhost', { ca: false, issuer: intermediate });
  const leafUnderExpired = await make('localhost', { ca: false, issuer: expiredIntermediate });
  const leafUnderNotCa = await make('localhost', { ca: false, issuer: notCa });
  const selfSigned = await make('localhost', { ca: false });

  const cases: [string, Made, string, string, boolean, RegExp | null][] = [
    ['leaf + intermediate under the root', leaf, root.pem, intermediate.pem, true, null],
    ['intermediate missing', leaf, root.pem, '', false, /not issued by any trusted CA/],
    ['wrong root', leaf, otherRoot.pem, intermediate.pem, false, /issuer "CN=issuing" was not issued by any trusted CA/],
    ['intermediate expired', leafUnderExpired, root.pem, expiredIntermediate.pem, false, /has expired/],
    ['issuer is not a CA', leafUnderNotCa, root.pem, notCa.pem, false, /not a CA certificate/],
    ['self-signed leaf not trusted', selfSigned, root.pem, '', false, /self-signed and not among the trusted/],
    ['self-signed leaf pinned as trusted', selfSigned, selfSigned.pem, '', true, null],
  ];

  it.each(cases)('%s', async (_name, subject, roots, untrusted, expected, reason) => {
    expect(await opensslVerify(subject.pem, roots, untrusted)).toBe(expected);
    const facts = inspectCertificate(subject.pem + untrusted, { ca: roots });
    expect(facts.trusted).toBe(expected);
    if (reason) expect(facts.trustError).toMatch(reason);
    else expect(facts.trustError).toBeUndefined();
  });
});
