/**
 * OS-CONTAINER from `redsec lint --compose`: a Compose file as people write them for the official
 * images, next to the redis.conf it mounts. No Docker engine runs here; the image's behaviour
 * (protected mode off unless written down) comes from its entrypoint, see facts/compose.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/run-cli.js';

const root = mkdtempSync(join(tmpdir(), 'redsec-compose-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const p = join(root, name);
  writeFileSync(p, text, { mode: 0o600 });
  return p;
};

const conf = write('redis.conf', 'user default off\nuser app on >compose-app-pw ~app:* +@read +@write\n');
const withProtectedMode = write('protected.conf', 'protected-mode yes\nuser default off\n');

async function container(confPath: string, compose: string, extra: string[] = []) {
  const r = await cli(['lint', confPath, '--compose', write('docker-compose.yml', compose), ...extra, '--format', 'json', '--fail-on', 'critical']);
  return { r, finding: (JSON.parse(r.stdout || '{"findings":[]}') as { findings: { id: string; status: string; evidence: string }[] }).findings.find((f) => f.id === 'OS-CONTAINER') };
}

const COMPOSE = (ports: string, command = 'redis-server /usr/local/etc/redis/redis.conf') =>
  ['services:', '  app:', '    image: node:20', '  cache:', '    image: redis:7.2', `    command: ${command}`, `    ports: ${ports}`, '    volumes:', '      - ./redis.conf:/usr/local/etc/redis/redis.conf:ro', ''].join('\n');

describe('lint --compose', () => {
  it('the port published on 0.0.0.0 with the official image and no protected-mode line fails', async () => {
    const { finding } = await container(conf, COMPOSE('["6379:6379"]'));
    expect(finding).toMatchObject({ status: 'fail' });
    expect(finding?.evidence).toMatch(/docker-compose\.yml: services\.cache publishes 6379:6379 on all interfaces, and protected mode is off \(redis:7\.2 runs with protected mode off/);
  });

  it('passes when published on loopback only, or when the mounted config turns protected mode on', async () => {
    expect((await container(conf, COMPOSE('["127.0.0.1:6379:6379"]'))).finding).toMatchObject({ status: 'pass' });
    const on = await container(withProtectedMode, COMPOSE('["6379:6379"]'));
    expect(on.finding).toMatchObject({ status: 'pass' });
    expect(on.finding?.evidence).toMatch(/the config file sets protected-mode yes/);
  });

  it('bad input: a broken Compose file or an ambiguous service is one line and exit 2', async () => {
    const broken = await container(conf, 'services:\n  cache:\n    image: redis\n   ports: x\n');
    expect(broken.r.code).toBe(2);
    expect(broken.r.stderr.trim().split('\n')).toHaveLength(1);
    expect(broken.r.stderr).toMatch(/docker-compose\.yml:4: /);
    const two = await container(conf, 'services:\n  a:\n    image: redis\n  b:\n    image: redis\n');
    expect(two.r.code).toBe(2);
    expect(two.r.stderr).toMatch(/several services run redis or valkey \(a, b\); name one with --compose-service/);
    expect((await container(conf, 'services:\n  a:\n    image: redis\n  b:\n    image: redis\n    ports: ["6379:6379"]\n', ['--compose-service', 'b'])).finding).toMatchObject({ status: 'fail' });
  });
});
