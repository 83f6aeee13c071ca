import { isIP } from 'node:net';
import { inspectCertificate } from '../certs/inspect.js';
import type { CertificateFacts, TlsSessionFacts } from '../facts/types.js';
import { analyseCertificate, analyseTls, type AnalyseOptions, type TlsAnalysis } from './analyse.js';
import type { MozillaProfileName } from './mozilla.js';

/** One inspected target: a certificate file, or a live TLS port. Secrets never enter it. */
export interface TlsInspection {
  kind: 'file' | 'live';
  /** The file name, or the URL with any password masked. */
  target: string;
  certificate: CertificateFacts | null;
  /** Live only: what the probe saw. */
  session?: {
    protocols: string[];
    ciphers: Record<string, string[]>;
    /** Per protocol, each accepted suite with its key exchange ("ECDH 253 (X25519)", "DH 2048", "RSA"). */
    cipherDetails?: Record<string, SuiteDetail[]>;
    /** Exactly which suites were tried (every one the probing OpenSSL can offer) and what never is. */
    cipherScope?: SuiteScope;
    clientAuth: TlsSessionFacts['clientAuth'];
    clientAuthEvidence?: string;
    negotiated?: { protocol: string; cipher: string; group?: string };
    /** Certificates the server sent, leaf first. */
    chainLength: number;
    handshakes?: number;
  };
  analysis: TlsAnalysis;
}

export interface InspectionOptions extends AnalyseOptions {
  profile: MozillaProfileName;
  /** Trusted CA certificates (PEM); without them trust is reported as unknown. */
  ca?: string | Uint8Array;
  /** Name or IP the client dials, checked against the SANs. */
  hostname?: string;
}

export interface SuiteDetail {
  suite: string;
  keyExchange: string;
}

export interface SuiteScope {
  openssl: string;
  tried: Record<string, string[]>;
  notTried: string;
}

/** What probeTls returns, as far as the analysis needs it (structural, so tls/ needs no socket code). */
export interface ProbeLike extends TlsSessionFacts {
  cipherDetails?: Record<string, SuiteDetail[]>;
  cipherScope?: SuiteScope | undefined;
  peerCertificates?: { der: Uint8Array }[];
  clientAuthEvidence?: string;
  negotiated?: { protocol: string; cipher: string; group?: string };
  handshakes?: number;
}

function nameOptions(hostname: string | undefined): { hostname?: string; ip?: string } {
  if (hostname === undefined) return {};
  return isIP(hostname) !== 0 ? { ip: hostname } : { hostname };
}

function derToPem(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}-----END CERTIFICATE-----\n`;
}

/** A certificate file (PEM bundle or DER) against a Mozilla profile. Throws InputError on bad input. */
export function inspectCertificateFile(file: string, content: string | Uint8Array, opts: InspectionOptions): TlsInspection {
  const certificate = inspectCertificate(content, {
    source: file,
    ...(opts.ca !== undefined ? { ca: opts.ca } : {}),
    ...(opts.now !== undefined ? { now: opts.now } : {}),
    ...nameOptions(opts.hostname),
  });
  return { kind: 'file', target: file, certificate, analysis: analyseCertificate(certificate, opts.profile, opts) };
}

/**
 * A live probe turned into an inspection: the leaf is re-read from the DER the server sent, so
 * trust (against `ca`, the server's own intermediates in between) and the SAN check are ours.
 */
export function inspectLiveTls(target: string, probe: ProbeLike, opts: InspectionOptions): TlsInspection {
  const chain = probe.peerCertificates ?? [];
  let certificate: CertificateFacts | null = probe.certificate ?? null;
  if (chain.length > 0) {
    certificate = inspectCertificate(chain.map((c) => derToPem(c.der)).join(''), {
      source: 'peer certificate',
      ...(opts.ca !== undefined ? { ca: opts.ca } : {}),
      ...(opts.now !== undefined ? { now: opts.now } : {}),
      ...nameOptions(opts.hostname),
    });
    delete certificate.file;
  }
  const session: TlsSessionFacts = { protocols: probe.protocols, ciphers: probe.ciphers, clientAuth: probe.clientAuth, ...(certificate ? { certificate } : {}) };
  return {
    kind: 'live',
    target,
    certificate,
    session: {
      protocols: probe.protocols,
      ciphers: probe.ciphers,
      ...(probe.cipherDetails !== undefined ? { cipherDetails: probe.cipherDetails } : {}),
      ...(probe.cipherScope !== undefined ? { cipherScope: probe.cipherScope } : {}),
      clientAuth: probe.clientAuth,
      ...(probe.clientAuthEvidence !== undefined ? { clientAuthEvidence: probe.clientAuthEvidence } : {}),
      ...(probe.negotiated ? { negotiated: { protocol: probe.negotiated.protocol, cipher: probe.negotiated.cipher, ...(probe.negotiated.group !== undefined ? { group: probe.negotiated.group } : {}) } } : {}),
      chainLength: chain.length,
      ...(probe.handshakes !== undefined ? { handshakes: probe.handshakes } : {}),
    },
    analysis: analyseTls(session, opts.profile, opts),
  };
}
