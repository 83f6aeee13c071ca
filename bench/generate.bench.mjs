// Benchmark: a full `redsec generate` bundle (plan, secrets, CA + server + client certificates,
// every file rendered; nothing written) with ECDSA P-256 and with RSA-3072 keys, side by side
// with the openssl CLI generating the same number of keys of the same type.
// Run: npm run build && node bench/generate.bench.mjs
import { execFileSync } from 'node:child_process';
import { parseProfile, generateBundle } from '../dist/index.js';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timeBundle(algorithm, runs) {
  const profile = parseProfile({
    security_level: 'hardened',
    network_exposure: 'private_network',
    redis_version: '7.4',
    tls_key_algorithm: algorithm,
    hostnames: ['redis.internal'],
    ips: ['10.0.0.5'],
  });
  const times = [];
  let keys = 0;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const bundle = await generateBundle(profile);
    times.push(performance.now() - start);
    keys = bundle.files.filter((f) => f.path.endsWith('.key')).length;
  }
  return { ms: median(times), keys };
}

function timeOpenssl(algorithm, keys, runs) {
  const args = algorithm === 'ecdsa-p256'
    ? ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']
    : ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:3072'];
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    for (let k = 0; k < keys; k++) execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'ignore'] });
    times.push(performance.now() - start);
  }
  return median(times);
}

const cases = [
  ['ecdsa-p256', 15],
  ['rsa-3072', 3],
];
console.log('redsec generate bundle vs openssl generating the same keys (median of runs; lower is better)');
console.log('algorithm    keys  runs  redsec bundle ms  openssl keys ms  ratio (redsec/openssl)');
for (const [algorithm, runs] of cases) {
  await timeBundle(algorithm, 1); // warm-up: module loading, JIT
  const { ms, keys } = await timeBundle(algorithm, runs);
  const ref = timeOpenssl(algorithm, keys, runs);
  console.log(`${algorithm.padEnd(12)} ${String(keys).padStart(4)}  ${String(runs).padStart(4)}  ${ms.toFixed(1).padStart(16)}  ${ref.toFixed(1).padStart(15)}  ${(ms / ref).toFixed(2).padStart(22)}`);
}
