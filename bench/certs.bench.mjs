// Certificate issuance and inspection, redsec next to the openssl CLI, in one run.
// Run: npm run build && node bench/certs.bench.mjs [rounds]
// Issuance: a CA, a server leaf (SANs, serverAuth+clientAuth) and a client leaf, per key type,
// by generatePki() and by the five `openssl req`/`x509` invocations a hand-made PKI needs
// (including their process start-ups: that is what issuing by hand costs).
// Inspection: inspectCertificate() + analyseCertificate() with chain and SAN checks, next to
// `openssl x509 -text` + `openssl verify -verify_hostname` on the same files.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyseCertificate, generatePki, inspectCertificate } from '../dist/index.js';

const ROUNDS = Math.max(1, Math.min(50, Number(process.argv[2] ?? 5)));
const dir = mkdtempSync(join(tmpdir(), 'redsec-bench-certs-'));
const openssl = (args) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

const KEYS = {
  'ecdsa-p256': ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  'rsa-2048': ['-newkey', 'rsa:2048'],
};

writeFileSync(join(dir, 'server.ext'), 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
writeFileSync(join(dir, 'client.ext'), 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');

function opensslPki(key) {
  openssl(['req', '-x509', ...KEYS[key], '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '3650', '-subj', '/CN=bench CA',
    '-addext', 'basicConstraints=critical,CA:TRUE,pathlen:0', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  for (const [name, cn] of [['server', 'localhost'], ['client', 'app']]) {
    openssl(['req', '-new', ...KEYS[key], '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`]);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', '0x' + '1'.repeat(32),
      '-out', `${name}.crt`, '-days', '90', '-extfile', `${name}.ext`]);
  }
}

const options = { serverDnsNames: ['localhost'], serverIps: ['127.0.0.1'], clientNames: ['app'], caValidityDays: 3650, leafValidityDays: 90 };

async function time(fn) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS; i++) await fn();
  return Number(process.hrtime.bigint() - start) / 1e6 / ROUNDS;
}

const rows = [];
for (const key of Object.keys(KEYS)) {
  await generatePki({ ...options, keyAlgorithm: key }); // warm-up
  const ours = await time(() => generatePki({ ...options, keyAlgorithm: key }));
  const theirs = await time(() => opensslPki(key));
  rows.push([`issue CA+server+client ${key}`, ours, theirs]);
}

const pki = await generatePki({ ...options, keyAlgorithm: 'ecdsa-p256' });
writeFileSync(join(dir, 'r-ca.crt'), pki.ca.certPem);
writeFileSync(join(dir, 'r-server.crt'), pki.server.certPem);
const inspectOurs = await time(() => analyseCertificate(inspectCertificate(pki.server.certPem, { ca: pki.ca.certPem, hostname: 'localhost' }), 'modern'));
const inspectTheirs = await time(() => {
  openssl(['x509', '-in', 'r-server.crt', '-noout', '-text']);
  openssl(['verify', '-CAfile', 'r-ca.crt', '-purpose', 'sslserver', '-verify_hostname', 'localhost', 'r-server.crt']);
});
rows.push(['inspect + verify + SAN (ecdsa-p256)', inspectOurs, inspectTheirs]);

rmSync(dir, { recursive: true, force: true });
console.log(`rounds: ${ROUNDS} (ms per round, lower is better)`);
console.log(`${'task'.padEnd(40)}${'redsec'.padStart(10)}${'openssl'.padStart(10)}${'ratio'.padStart(8)}`);
for (const [task, ours, theirs] of rows) {
  console.log(`${task.padEnd(40)}${ours.toFixed(1).padStart(10)}${theirs.toFixed(1).padStart(10)}${(theirs / ours).toFixed(2).padStart(7)}x`);
}
console.log('ratio = openssl time / redsec time (above 1: redsec is faster). RSA keygen is a random prime search: expect spread.');
