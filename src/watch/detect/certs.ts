/**
 * Certificate expiry of the chain the poll's TLS handshake saw: each certificate expiring within
 * the window (or expired) is reported once per certificate (serial and notAfter: a renewed one is
 * new), with the days left.
 */
import type { Severity } from '../../report/types.js';
import type { WatchEvent } from '../event.js';
import { makeEvent, shown, type DetectInput, type DetectOutput } from './context.js';

const DAY = 86_400_000;

export function detectCerts({ prev, snap, opts }: DetectInput): DetectOutput {
  if (snap.certificates.length === 0) return { state: {}, events: [] };
  const windowDays = opts.certWindowDays ?? 30;
  const reported = new Set(prev.certsReported ?? []);
  const events: WatchEvent[] = [];
  const keep: string[] = [];
  snap.certificates.forEach((c, i) => {
    const id = `${c.serialHex ?? c.fingerprintSha256 ?? c.subject}@${c.notAfter}`;
    const left = (Date.parse(c.notAfter) - snap.at) / DAY;
    if (!Number.isFinite(left) || left > windowDays) return;
    keep.push(id);
    if (reported.has(id)) return;
    const severity: Severity = left <= 0 ? 'critical' : left <= 7 ? 'high' : 'medium';
    const days = Math.floor(left * 10) / 10;
    events.push(
      makeEvent(snap, 'cert-expiry', severity, `${i === 0 ? 'served' : 'chain'} certificate ${shown(c.subject, 80)} ${left <= 0 ? `expired ${-days} day(s) ago` : `expires in ${days} day(s)`} (${c.notAfter})`, {
        subject: shown(c.subject, 256),
        issuer: shown(c.issuer, 256),
        serial: c.serialHex ?? null,
        not_after: c.notAfter,
        days_left: days,
        window_days: windowDays,
        position: i,
      }, { investigate: `redsec tls inspect ${shown(snap.target)}` }),
    );
  });
  return { state: { certsReported: keep }, events };
}
