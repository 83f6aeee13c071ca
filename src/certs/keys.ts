import type { webcrypto as WebCrypto } from 'node:crypto';
import { webcrypto } from 'node:crypto';
import type { KeyAlgorithm } from './types.js';

export interface KeyParams {
  generate: WebCrypto.RsaHashedKeyGenParams | WebCrypto.EcKeyGenParams;
  /** Signature algorithm for certificates signed by this key. */
  signing: WebCrypto.Algorithm | WebCrypto.EcdsaParams;
}

/** WebCrypto parameters per algorithm: ECDSA signs with the curve's hash, RSA with SHA-256. */
export function keyParams(algorithm: KeyAlgorithm): KeyParams {
  switch (algorithm) {
    case 'ecdsa-p256':
      return { generate: { name: 'ECDSA', namedCurve: 'P-256' }, signing: { name: 'ECDSA', hash: 'SHA-256' } as WebCrypto.EcdsaParams };
    case 'ecdsa-p384':
      return { generate: { name: 'ECDSA', namedCurve: 'P-384' }, signing: { name: 'ECDSA', hash: 'SHA-384' } as WebCrypto.EcdsaParams };
    case 'rsa-2048':
    case 'rsa-3072':
    case 'rsa-4096':
      return {
        generate: {
          name: 'RSASSA-PKCS1-v1_5',
          modulusLength: Number(algorithm.slice(4)),
          publicExponent: new Uint8Array([1, 0, 1]),
          hash: 'SHA-256',
        },
        signing: { name: 'RSASSA-PKCS1-v1_5' },
      };
  }
}

export async function generateKeyPair(algorithm: KeyAlgorithm): Promise<WebCrypto.CryptoKeyPair> {
  const { generate } = keyParams(algorithm);
  return (await webcrypto.subtle.generateKey(generate, true, ['sign', 'verify'])) as WebCrypto.CryptoKeyPair;
}

export async function privateKeyPem(key: WebCrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  const b64 = der.toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN PRIVATE KEY-----\n${b64}-----END PRIVATE KEY-----\n`;
}
