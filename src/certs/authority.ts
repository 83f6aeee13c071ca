/**
 * A CA that can sign after `redsec generate` has finished: made afresh (CA rotation) or loaded from
 * its PEM certificate and key, kept in memory to issue client certificates with generatePki's
 * extensions (renewals of certificates in service go through renew.ts). Pure: nothing touches the
 * filesystem.
 */
import { X509Certificate, createPrivateKey, createPublicKey, webcrypto, type KeyObject } from 'node:crypto';
import { InputError } from '../errors.js';
import { checkValidityDays, createCa, createLeaf, validity, type Issuer } from './issue.js';
import { generateKeyPair, keyParams } from './keys.js';
import { loadX509 } from './x509-lazy.js';
import type { IssuedCert, KeyAlgorithm } from './types.js';

export interface Authority {
  cert: IssuedCert;
  /** The CA key's algorithm: what it signs with. */
  algorithm: KeyAlgorithm;
  /** @internal the signing half, never serialised by redsec except as `cert.keyPem`. */
  issuer: Issuer;
}

/** The redsec key algorithm of a key, or undefined for one redsec does not issue (Ed25519, P-521, RSA-1024 ...). */
export function keyAlgorithmOfKey(key: KeyObject): KeyAlgorithm | undefined {
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'ec') {
    if (details?.namedCurve === 'prime256v1') return 'ecdsa-p256';
    if (details?.namedCurve === 'secp384r1') return 'ecdsa-p384';
    return undefined;
  }
  if (key.asymmetricKeyType === 'rsa') {
    const bits = details?.modulusLength;
    return bits === 2048 ? 'rsa-2048' : bits === 3072 ? 'rsa-3072' : bits === 4096 ? 'rsa-4096' : undefined;
  }
  return undefined;
}

export async function createAuthority(opts: { keyAlgorithm: KeyAlgorithm; commonName: string; validityDays: number; now?: Date | undefined }): Promise<Authority> {
  checkValidityDays(opts.validityDays, 'CA validity');
  const keys = await generateKeyPair(opts.keyAlgorithm);
  const { cert, issuer } = await createCa(opts.keyAlgorithm, keys, opts.commonName, opts.now ?? new Date(), opts.validityDays);
  return { cert, algorithm: opts.keyAlgorithm, issuer };
}

/**
 * A CA from its certificate and private key (PEM: PKCS#8, PKCS#1 or SEC1, unencrypted). Refuses a
 * certificate that is not a CA, a key that does not match it, or a key type redsec does not sign with.
 */
export async function loadAuthority(certPem: string, keyPem: string, source: { cert: string; key: string }): Promise<Authority> {
  const x509 = loadX509();
  let nodeCert: X509Certificate;
  try {
    nodeCert = new X509Certificate(certPem);
  } catch {
    throw new InputError('not a PEM certificate', source.cert);
  }
  if (!nodeCert.ca) throw new InputError('not a CA certificate (basicConstraints CA:TRUE missing)', source.cert);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(keyPem);
  } catch {
    throw new InputError('not an unencrypted PEM private key', source.key);
  }
  const algorithm = keyAlgorithmOfKey(privateKey);
  if (algorithm === undefined) throw new InputError('key type not supported for signing (ECDSA P-256/P-384 or RSA 2048/3072/4096)', source.key);
  const pub = (k: KeyObject): string => k.export({ type: 'spki', format: 'der' }).toString('base64');
  if (pub(createPublicKey(privateKey)) !== pub(nodeCert.publicKey)) throw new InputError('this key does not belong to the CA certificate', source.key);
  const { generate } = keyParams(algorithm);
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  const spki = nodeCert.publicKey.export({ type: 'spki', format: 'der' });
  const keys: webcrypto.CryptoKeyPair = {
    privateKey: await webcrypto.subtle.importKey('pkcs8', pkcs8, generate, true, ['sign']),
    publicKey: await webcrypto.subtle.importKey('spki', spki, generate, true, ['verify']),
  };
  const cert = new x509.X509Certificate(certPem);
  const ski = cert.getExtension(x509.SubjectKeyIdentifierExtension);
  const keyId = ski ? ski.keyId : (await x509.SubjectKeyIdentifierExtension.create(keys.publicKey)).keyId;
  return {
    cert: {
      certPem: `${cert.toString('pem')}\n`,
      keyPem,
      serialHex: cert.serialNumber.toLowerCase(),
      notBefore: cert.notBefore,
      notAfter: cert.notAfter,
      subject: cert.subject,
    },
    algorithm,
    // The issuer name is the certificate's own encoded subject, so chains match byte for byte.
    issuer: { keys, name: cert.subjectName, keyId },
  };
}

export interface LeafRequest {
  commonName: string;
  keyAlgorithm: KeyAlgorithm;
  validityDays: number;
  now?: Date | undefined;
}

function checkLeaf(auth: Authority, req: LeafRequest, now: Date): void {
  checkValidityDays(req.validityDays, 'certificate validity');
  if (now.getTime() + req.validityDays * 86_400_000 > auth.cert.notAfter.getTime()) throw new InputError(`a ${req.validityDays}-day certificate would outlive its CA (CA valid until ${auth.cert.notAfter.toISOString()})`, 'certificate validity');
}

/** A client certificate (clientAuth only), CN = the name. */
export async function issueClientCertificate(auth: Authority, req: LeafRequest): Promise<IssuedCert> {
  const x509 = loadX509();
  const now = req.now ?? new Date();
  checkLeaf(auth, req, now);
  const keys = await generateKeyPair(req.keyAlgorithm);
  return createLeaf(auth.algorithm, keys, auth.issuer, {
    commonName: req.commonName,
    ...validity(now, req.validityDays),
    extensions: [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])],
  });
}

