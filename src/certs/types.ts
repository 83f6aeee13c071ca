/** Key algorithms redsec issues certificates with (spec compliance-tls §4.1). */
export type KeyAlgorithm = 'ecdsa-p256' | 'ecdsa-p384' | 'rsa-2048' | 'rsa-3072' | 'rsa-4096';

export const KEY_ALGORITHMS: readonly KeyAlgorithm[] = ['ecdsa-p256', 'ecdsa-p384', 'rsa-2048', 'rsa-3072', 'rsa-4096'];

export interface IssuedCert {
  certPem: string;
  /** Unencrypted PKCS#8 PEM: whoever writes it to disk must use mode 0600. */
  keyPem: string;
  /** Lowercase hex, 16 bytes, positive. */
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  /** RFC 4514 form, e.g. "CN=redsec CA". */
  subject: string;
}

export interface Pki {
  ca: IssuedCert;
  server: IssuedCert;
  clients: (IssuedCert & { name: string })[];
}

export interface PkiOptions {
  keyAlgorithm: KeyAlgorithm;
  caCommonName?: string;
  serverCommonName?: string;
  serverDnsNames: string[];
  serverIps: string[];
  /** One client certificate per name; CN = name (the ACL user by convention). */
  clientNames: string[];
  caValidityDays: number;
  leafValidityDays: number;
  /** Issue as if at this time (tests use it to make already-expired certificates). */
  now?: Date;
}
