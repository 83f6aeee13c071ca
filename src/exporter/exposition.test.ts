import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { escapeLabelValue, formatValue, MAX_LABEL_VALUE, mergeFamilies, renderExposition, type MetricFamily } from './exposition.js';

/** Reads one escaped label value back as the format defines it (\\, \", \n). */
function unescape(v: string): string {
  return v.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

describe('Prometheus text exposition', () => {
  it('writes HELP and TYPE once per family, then its samples', () => {
    const text = renderExposition([
      { name: 'redsec_up', help: 'Up.', type: 'gauge', samples: [{ labels: { target: 'a' }, value: 1 }, { labels: { target: 'b' }, value: 0 }] },
      { name: 'redsec_x_total', help: 'X.', type: 'counter', samples: [] },
    ]);
    expect(text).toBe('# HELP redsec_up Up.\n# TYPE redsec_up gauge\nredsec_up{target="a"} 1\nredsec_up{target="b"} 0\n');
  });

  it('escapes backslash, double quote and newline in label values, and shows control characters', () => {
    expect(escapeLabelValue('a\\b"c')).toBe('a\\\\b\\"c');
    // visible() turns the newline into the two characters \n first; the backslash is then escaped.
    expect(escapeLabelValue('x\ny')).toBe('x\\\\ny');
    expect(escapeLabelValue('\x1b[31mred')).toBe('\\\\x1b[31mred');
    expect(escapeLabelValue('\ud800')).toBe('\ufffd');
  });

  it('cuts long label values', () => {
    expect(escapeLabelValue('a'.repeat(10_000))).toHaveLength(MAX_LABEL_VALUE);
  });

  it('writes values as Go reads them', () => {
    expect([NaN, Infinity, -Infinity, 0, -0, 1.5, 1e21, -3].map(formatValue)).toEqual(['NaN', '+Inf', '-Inf', '0', '0', '1.5', '1e+21', '-3']);
  });

  it('refuses what Prometheus would reject: bad names, counters without _total, duplicate series', () => {
    const g = (name: string, type: 'gauge' | 'counter' = 'gauge'): MetricFamily => ({ name, help: 'h', type, samples: [{ labels: {}, value: 1 }] });
    expect(() => renderExposition([g('1bad')])).toThrow(/invalid metric name/);
    expect(() => renderExposition([g('redsec_calls', 'counter')])).toThrow(/_total/);
    expect(() => renderExposition([{ ...g('redsec_a'), samples: [{ labels: { t: 'x' }, value: 1 }, { labels: { t: 'x' }, value: 2 }] }])).toThrow(/duplicate/);
    expect(() => renderExposition([{ ...g('redsec_a'), samples: [{ labels: { 'bad-name': 'x' }, value: 1 }] }])).toThrow(/label name/);
  });

  it('merges one family per target into one', () => {
    const f = (t: string): MetricFamily[] => [{ name: 'redsec_up', help: 'h', type: 'gauge', samples: [{ labels: { target: t }, value: 1 }] }];
    expect(mergeFamilies([f('a'), f('b')])).toEqual([{ name: 'redsec_up', help: 'h', type: 'gauge', samples: [{ labels: { target: 'a' }, value: 1 }, { labels: { target: 'b' }, value: 1 }] }]);
  });

  it('any label value stays on one line, quoted, free of raw controls, and reads back to its visible form (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (value) => {
        const text = renderExposition([{ name: 'redsec_t', help: 'h', type: 'gauge', samples: [{ labels: { v: value }, value: 1 }] }]);
        const lines = text.split('\n');
        expect(lines).toHaveLength(4);
        const sample = lines[2] ?? '';
        // eslint-disable-next-line no-control-regex
        expect(sample).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
        const m = /^redsec_t\{v="((?:[^"\\]|\\.)*)"\} 1$/.exec(sample);
        expect(m).not.toBeNull();
        expect(unescape(m?.[1] ?? '').length).toBeLessThanOrEqual(MAX_LABEL_VALUE);
      }),
      { numRuns: 300 },
    );
  });
});
