// Reassembly of large replies by the RESP parser: a 64 MiB bulk string and an array of 200,000
// small bulk strings, fed in 64 KiB chunks (what a socket delivers), next to the same bytes fed in
// one piece (the lower bound: one parse, no reassembly). Before redsec joined chunks once per
// element, the chunked 64 MiB case copied the whole tail on every chunk (~32 GiB, about 15 s).
// Run: npm run build && node bench/resp.bench.mjs [rounds]
import { RespParser } from '../dist/index.js';

const ROUNDS = Math.max(1, Math.min(20, Number(process.argv[2] ?? 3)));
const CHUNK = 64 * 1024;

function bulk(size) {
  return Buffer.concat([Buffer.from(`$${size}\r\n`), Buffer.alloc(size, 0x61), Buffer.from('\r\n')]);
}

function array(n) {
  const item = Buffer.from('$16\r\nabcdefghijklmnop\r\n');
  return Buffer.concat([Buffer.from(`*${n}\r\n`), ...Array.from({ length: n }, () => item)]);
}

function parse(bytes, chunk) {
  const parser = new RespParser();
  let out = [];
  for (let i = 0; i < bytes.length; i += chunk) out = out.concat(parser.feed(bytes.subarray(i, i + chunk)));
  if (out.length !== 1) throw new Error('incomplete parse');
  return parser.copiedBytes;
}

function time(fn) {
  let best = Infinity;
  let result;
  for (let i = 0; i < ROUNDS; i++) {
    const start = process.hrtime.bigint();
    result = fn();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6);
  }
  return { ms: best, result };
}

const cases = [
  ['64 MiB bulk string', bulk(64 * 1024 * 1024 - 64)],
  ['array of 200,000 bulk strings (7.8 MiB)', array(200_000)],
];
console.log(`RESP parser, best of ${ROUNDS}: 64 KiB chunks vs one piece`);
for (const [name, bytes] of cases) {
  const chunked = time(() => parse(bytes, CHUNK));
  const whole = time(() => parse(bytes, bytes.length));
  const mib = bytes.length / (1 << 20);
  console.log(
    `${name.padEnd(42)} chunked ${chunked.ms.toFixed(0).padStart(6)} ms (${(mib / (chunked.ms / 1000)).toFixed(0)} MiB/s, copied ${(chunked.result / bytes.length).toFixed(2)}x)` +
      `  one piece ${whole.ms.toFixed(0).padStart(6)} ms  ratio ${(chunked.ms / whole.ms).toFixed(2)}`,
  );
}
