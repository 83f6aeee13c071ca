/**
 * Durations as people write them on a command line: a whole number and a unit, "500ms", "15s",
 * "5m", "1h", "30d" (one unit, no fractions, no sign). Undefined for anything else, so each flag
 * words its own error.
 */
const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDurationMs(text: string): number | undefined {
  const m = /^(\d{1,9})(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * (UNITS[m[2] ?? ''] ?? NaN);
}
