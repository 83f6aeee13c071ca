import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { bundledCveData, dataAgeDays, parseCveData } from './load.js';

const TEXT = readFileSync(new URL('../../data/cve/cve-data.json', import.meta.url), 'utf8');
const withChange = (change: (d: Record<string, unknown>) => void): string => {
  const d = JSON.parse(TEXT) as Record<string, unknown>;
  change(d);
  return JSON.stringify(d);
};
const reject = (text: string) => {
  try {
    parseCveData(text, 'x.json');
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    const msg = (e as Error).message;
    expect(msg.split('\n')).toHaveLength(1);
    return msg;
  }
  throw new Error('accepted');
};

describe('CVE data loader', () => {
  it('the bundled file is valid, dated, and every entry names its source and advisory or URL', () => {
    const d = bundledCveData();
    expect(d.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(d.origin).toBe('bundled');
    for (const e of d.cves) {
      expect(e.source.length).toBeGreaterThan(0);
      expect(e.advisory ?? e.url).toMatch(/^(GHSA-|https:\/\/)/);
    }
    for (const id of ['CVE-2025-49844', 'CVE-2025-46817', 'CVE-2025-46818', 'CVE-2025-46819', 'CVE-2025-21605', 'CVE-2025-27151', 'CVE-2025-32023', 'CVE-2025-48367', 'CVE-2025-67733', 'CVE-2026-21863', 'CVE-2026-23631', 'CVE-2026-25243'])
      expect(d.cves.some((e) => e.ids.includes(id)), id).toBe(true);
  });
  it('rejects what is not the format, naming the file and the field, on one line', () => {
    expect(reject('{ "format": 1,')).toMatch(/^x\.json: not valid JSON/);
    expect(reject('[]')).toMatch(/^x\.json: \(top level\): expected an object/);
    expect(reject(withChange((d) => (d['format'] = 2)))).toMatch(/^x\.json: format: expected 1/);
    expect(reject(withChange((d) => (d['date'] = '2026-13-45x')))).toMatch(/^x\.json: date: expected a date YYYY-MM-DD/);
    expect(reject(withChange((d) => ((d['cves'] as { ids: unknown }[])[0]!.ids = ['CVE-1']))))
      .toMatch(/^x\.json: cves\[0\]\.ids\[0\]: expected a CVE id/);
    expect(reject(withChange((d) => (((d['cves'] as { redis: { fixed: Record<string, unknown> } }[])[0]!.redis.fixed['7.2'] = 'soon')))))
      .toMatch(/^x\.json: cves\[0\]\.redis\.fixed\["7\.2"\]: expected a version x\.y\.z, null/);
    expect(reject(withChange((d) => (((d['redis'] as { branches: Record<string, { latest: string }> }).branches['7.4']!.latest = '7.2.1')))))
      .toMatch(/7\.2\.1 is not on branch 7\.4/);
    expect(reject(withChange((d) => (d['cves'] as unknown[]).push((d['cves'] as unknown[])[0])))).toMatch(/is listed twice/);
  });
  it('refuses control characters and bidi overrides in any value (they would reach the report), keeping them out of the message', () => {
    for (const bad of ['\u001b[31mred', 'a\nb', 'evil\u202edcba']) {
      const msg = reject(withChange((d) => ((d['cves'] as { what: string }[])[0]!.what = bad)));
      expect(msg).toMatch(/^x\.json: cves\[0\]\.what: control characters are not allowed$/);
    }
    expect(reject(withChange((d) => (d['date'] = '\u001b[31m')))).not.toContain('\u001b');
  });
  it('counts the age in whole days', () => {
    const d = bundledCveData();
    expect(dataAgeDays(d, new Date(Date.parse(`${d.date}T00:00:00Z`) + 91 * 86_400_000 + 5))).toBe(91);
  });
});
