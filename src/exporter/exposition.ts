/**
 * The Prometheus text exposition format (version 0.0.4), written by hand because it is small and
 * every byte of it is ours to get right: one `# HELP` and one `# TYPE` line per family, its samples
 * right after them, label values escaped as the format says (backslash, double quote, newline),
 * values as Go's ParseFloat reads them (NaN, +Inf, -Inf). Label values come from servers we do not
 * trust: control characters become visible escapes first and values are cut to a bounded length, so
 * a reply can neither break a line of the exposition nor bloat it.
 */
import { visible } from '../text/visible.js';

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type MetricType = 'gauge' | 'counter';

export interface Sample {
  labels: Readonly<Record<string, string>>;
  value: number;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: MetricType;
  samples: Sample[];
}

/** Longest label value written; longer ones are cut and end in "...". */
export const MAX_LABEL_VALUE = 200;

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** A label value as the format wants it: visible, bounded, then `\`, `"` and newline escaped. */
export function escapeLabelValue(value: string): string {
  let v = visible(value);
  if (v.length > MAX_LABEL_VALUE) v = `${v.slice(0, MAX_LABEL_VALUE - 3)}...`;
  // A lone surrogate would become U+FFFD on the wire anyway; making it so here keeps lengths honest.
  v = v.replace(LONE_SURROGATE, '\ufffd');
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text: backslash and newline escaped (it is ours, but stays one line whatever it holds). */
export function escapeHelp(text: string): string {
  return visible(text).replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  // JavaScript's shortest round-trip form ("1e+21", "0.25") is valid for Go's ParseFloat.
  return Object.is(v, -0) ? '0' : String(v);
}

function renderLabels(labels: Readonly<Record<string, string>>): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return '';
  return `{${keys.map((k) => `${k}="${escapeLabelValue(labels[k] ?? '')}"`).join(',')}}`;
}

/**
 * The exposition of `families`, in order. Names are checked (a programming error throws); families
 * without samples are left out (a HELP/TYPE pair with no sample is legal but only noise). Two
 * samples with the same labels in one family are a programming error too: Prometheus would reject
 * the whole scrape.
 */
export function renderExposition(families: readonly MetricFamily[]): string {
  const out: string[] = [];
  const seenFamilies = new Set<string>();
  for (const f of families) {
    if (!NAME.test(f.name)) throw new Error(`invalid metric name ${JSON.stringify(f.name)}`);
    if (f.type === 'counter' && !f.name.endsWith('_total')) throw new Error(`counter ${f.name} must end in _total`);
    if (f.samples.length === 0) continue;
    if (seenFamilies.has(f.name)) throw new Error(`metric family ${f.name} rendered twice`);
    seenFamilies.add(f.name);
    out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    const seen = new Set<string>();
    for (const s of f.samples) {
      for (const k of Object.keys(s.labels)) if (!LABEL.test(k) || k.startsWith('__')) throw new Error(`invalid label name ${JSON.stringify(k)}`);
      const labels = renderLabels(s.labels);
      if (seen.has(labels)) throw new Error(`duplicate series ${f.name}${labels}`);
      seen.add(labels);
      out.push(`${f.name}${labels} ${formatValue(s.value)}`);
    }
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

/** Families of the same name (one per target) joined into one, samples in order. */
export function mergeFamilies(groups: readonly (readonly MetricFamily[])[]): MetricFamily[] {
  const byName = new Map<string, MetricFamily>();
  for (const group of groups) {
    for (const f of group) {
      const existing = byName.get(f.name);
      if (existing) existing.samples.push(...f.samples);
      else byName.set(f.name, { ...f, samples: [...f.samples] });
    }
  }
  return [...byName.values()];
}
