import { X509Certificate } from 'node:crypto';
import { InputError } from '../errors.js';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;

/**
 * Every certificate in a PEM bundle (or one DER certificate), in file order. Anything that is
 * not a certificate is an InputError naming `source`, never a stack trace.
 */
export function parseCertificates(input: string | Uint8Array, source = 'certificate'): X509Certificate[] {
  const text = typeof input === 'string' ? input : Buffer.from(input).toString('latin1');
  if (!text.includes('-----BEGIN')) {
    if (typeof input === 'string') throw new InputError('no PEM certificate found', source);
    return [parseOne(Buffer.from(input), source, 'not a PEM or DER certificate')];
  }
  const blocks = [...text.matchAll(PEM_BLOCK)];
  if (blocks.length === 0) throw new InputError('no PEM certificate found (other PEM blocks only)', source);
  return blocks.map((m, i) => {
    const der = Buffer.from((m[1] ?? '').replace(/\s+/g, ''), 'base64');
    return parseOne(der, source, `PEM block ${i + 1} is not a valid X.509 certificate`);
  });
}

function parseOne(der: Buffer, source: string, message: string): X509Certificate {
  try {
    return new X509Certificate(der);
  } catch {
    throw new InputError(message, source);
  }
}
