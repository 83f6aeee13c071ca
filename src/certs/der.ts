/**
 * Just enough DER to read a certificate's outer signatureAlgorithm OID, which neither
 * node:crypto nor @peculiar/x509 exposes by name.
 */

interface Tlv {
  tag: number;
  /** Offset of the value. */
  start: number;
  /** Offset just past the value. */
  end: number;
}

function readTlv(der: Uint8Array, offset: number): Tlv {
  const tag = der[offset];
  let lengthByte = der[offset + 1];
  if (tag === undefined || lengthByte === undefined) throw new RangeError('truncated DER');
  let pos = offset + 2;
  let length = lengthByte;
  if (lengthByte & 0x80) {
    const count = lengthByte & 0x7f;
    if (count === 0 || count > 4) throw new RangeError('unsupported DER length');
    length = 0;
    for (let i = 0; i < count; i++) {
      lengthByte = der[pos++];
      if (lengthByte === undefined) throw new RangeError('truncated DER');
      length = length * 256 + lengthByte;
    }
  }
  if (pos + length > der.length) throw new RangeError('truncated DER');
  return { tag, start: pos, end: pos + length };
}

function decodeOid(bytes: Uint8Array): string {
  const first = bytes[0] ?? 0;
  const parts = [Math.min(2, Math.floor(first / 40)), first - Math.min(2, Math.floor(first / 40)) * 40];
  let value = 0;
  for (const b of bytes.subarray(1)) {
    value = value * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

/** The OID of Certificate.signatureAlgorithm (RFC 5280 §4.1.1.2). */
export function signatureAlgorithmOid(certificateDer: Uint8Array): string {
  const certificate = readTlv(certificateDer, 0);
  const tbs = readTlv(certificateDer, certificate.start);
  const algorithm = readTlv(certificateDer, tbs.end);
  const oid = readTlv(certificateDer, algorithm.start);
  if (certificate.tag !== 0x30 || tbs.tag !== 0x30 || algorithm.tag !== 0x30 || oid.tag !== 0x06) throw new RangeError('not an X.509 certificate');
  return decodeOid(certificateDer.subarray(oid.start, oid.end));
}
