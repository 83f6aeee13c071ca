import type { X509Certificate } from 'node:crypto';

export type ChainResult = { trusted: true; depth: number } | { trusted: false; reason: string };

const MAX_DEPTH = 8;

function validityProblem(cert: X509Certificate, now: Date, role: string): string | undefined {
  if (now < new Date(cert.validFrom)) return `${role} is not yet valid (notBefore ${new Date(cert.validFrom).toISOString()})`;
  if (now > new Date(cert.validTo)) return `${role} has expired (notAfter ${new Date(cert.validTo).toISOString()})`;
  return undefined;
}

/**
 * Name chaining plus the signature, deliberately not checkIssued(): OpenSSL's check also demands
 * CA key usage, which would hide the clearer "issuer is not a CA" reason below.
 */
const issuedBy = (cert: X509Certificate, issuer: X509Certificate): boolean => cert.issuer === issuer.subject && cert.verify(issuer.publicKey);

/**
 * Path validation the way a TLS client does it, offline: from the leaf up through the given
 * intermediates to one of the roots, each link's signature checked, each certificate valid at
 * `now`, every issuer a CA. Enough to name the usual Redis failures (wrong CA, expired,
 * self-signed); not a full RFC 5280 implementation (no policies, name constraints, revocation).
 */
export function verifyChain(leaf: X509Certificate, intermediates: X509Certificate[], roots: X509Certificate[], now: Date): ChainResult {
  let current = leaf;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const role = depth === 0 ? 'the certificate' : `issuer ${JSON.stringify(current.subject.replace(/\n/g, ', '))}`;
    const invalid = validityProblem(current, now, role);
    if (invalid) return { trusted: false, reason: invalid };
    // A certificate listed among the roots is trusted as such (e.g. a pinned self-signed leaf).
    if (roots.some((r) => r.fingerprint256 === current.fingerprint256)) return { trusted: true, depth };
    const root = roots.find((r) => issuedBy(current, r));
    if (root) {
      if (!root.ca) return { trusted: false, reason: `trusted certificate ${JSON.stringify(root.subject)} is not a CA certificate` };
      const rootInvalid = validityProblem(root, now, 'the CA certificate');
      if (rootInvalid) return { trusted: false, reason: rootInvalid };
      return { trusted: true, depth: depth + 1 };
    }
    const next = intermediates.find((i) => i !== current && issuedBy(current, i));
    if (!next) {
      if (issuedBy(current, current)) return { trusted: false, reason: `${role} is self-signed and not among the trusted CA certificates` };
      return { trusted: false, reason: `${role} was not issued by any trusted CA certificate (issuer ${JSON.stringify(current.issuer.replace(/\n/g, ', '))})` };
    }
    if (!next.ca) return { trusted: false, reason: `intermediate ${JSON.stringify(next.subject)} is not a CA certificate` };
    current = next;
  }
  return { trusted: false, reason: `chain longer than ${MAX_DEPTH} certificates` };
}
