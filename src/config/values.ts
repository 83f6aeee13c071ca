/** Value conversions redis.conf shares with CONFIG GET: memory units, save pairs, buffer limits. */

const UNITS: Readonly<Record<string, bigint>> = {
  '': 1n,
  b: 1n,
  k: 1000n,
  kb: 1024n,
  m: 1000n ** 2n,
  mb: 1024n ** 2n,
  g: 1000n ** 3n,
  gb: 1024n ** 3n,
};

const ULLONG_MAX = 2n ** 64n - 1n;

/**
 * Bytes for "1gb", "100k", "512" as Redis 7's memtoull reads them: units case-insensitive, no
 * digits read as 0, strtoull saturating at 2^64-1, and the multiplication wrapping like C's.
 */
export function parseMemory(text: string): bigint | undefined {
  // By hand rather than /^(\d*)([^\d]*)$/: it runs for every memory line of a config file.
  let i = 0;
  while (i < text.length && isDigit(text.charCodeAt(i))) i++;
  for (let j = i; j < text.length; j++) if (isDigit(text.charCodeAt(j))) return undefined;
  const mul = UNITS[(i === text.length ? '' : text.slice(i)).toLowerCase()];
  if (mul === undefined || i >= 128) return undefined;
  const parsed = BigInt(i === 0 ? '0' : text.slice(0, i));
  return ((parsed > ULLONG_MAX ? ULLONG_MAX : parsed) * mul) % TWO_TO_64;
}

const TWO_TO_64 = 2n ** 64n;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** CONFIG GET's spelling of a memory value (bytes), or the text unchanged when it is not one. */
export function normalizeMemory(text: string): string {
  return parseMemory(text)?.toString() ?? text;
}

/** Client classes as CONFIG GET names them, in its order (replica is printed as slave). */
export const BUFFER_LIMIT_CLASSES = ['normal', 'slave', 'pubsub'] as const;

export function bufferLimitClass(name: string): (typeof BUFFER_LIMIT_CLASSES)[number] | undefined {
  const lower = name.toLowerCase();
  if (lower === 'replica') return 'slave';
  return (BUFFER_LIMIT_CLASSES as readonly string[]).includes(lower) ? (lower as (typeof BUFFER_LIMIT_CLASSES)[number]) : undefined;
}
