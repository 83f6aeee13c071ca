/**
 * End to end, with the real parts: Debian's prometheus (1 s scrape and rule evaluation) scrapes
 * `redsec exporter` (dist/cli.js) in front of two real redis-servers the way README "Scaling out"
 * says (/scrape?target=NAME, hashmod sharding keeping one server's shard), with the rules
 * `redsec generate` wrote loaded and a real alertmanager running the generated example routing.
 * 50 failed AUTHs in one burst from one client must make RedsecAuthFailureBurst fire in
 * Prometheus's HTTP API and reach the page receiver (a loopback webhook) through alertmanager.
 * Both tools are required (.ci/run installs them): a missing one fails the file with the package to
 * install, like the chromium test, rather than skipping a proof. monitoring-rules.test.ts proves the
 * rules with promtool alone as well.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderAlertmanagerExample } from '../../src/generate/index.js';
import { startAlertmanager, startPrometheus, type Alertmanager, type Prometheus } from '../helpers/prometheus.js';
import { freePort } from '../helpers/ports.js';
import { rawConnect } from '../helpers/raw-client.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { cli } from '../helpers/run-cli.js';

const CLI = new URL('../../dist/cli.js', import.meta.url).pathname;
const PASSWORD = 'exporter-test-password-0a9f';
const installed = (bin: string): boolean => !spawnSync(bin, ['--version'], { stdio: 'ignore' }).error;
const missing = ['prometheus', 'prometheus-alertmanager'].filter((bin) => !installed(bin));

interface Delivery {
  path: string;
  body: { alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string> }[] };
}

/** Prometheus's hashmod relabel action: the last 8 bytes of the MD5 as a big-endian integer, modulo. */
const hashmod = (value: string, modulus: number): number => Number(createHash('md5').update(value).digest().readBigUInt64BE(8) % BigInt(modulus));

/** Polls until check returns a value (not undefined) or the time is up. */
async function until<T>(what: string, check: () => Promise<T | undefined>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('Prometheus scraping redsec exporter, with the generated rules and alertmanager', () => {
  const root = mkdtempSync(join(tmpdir(), 'redsec-prom-'));
  let redis: RedisServer;
  let other: RedisServer;
  let exporter: ChildProcess | undefined;
  let exporterLog = '';
  let prom: Prometheus | undefined;
  let am: Alertmanager | undefined;
  let receiver: Server | undefined;
  const deliveries: Delivery[] = [];
  let target = '';
  let otherTarget = '';
  let modulus = 2;

  const query = async (q: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> => {
    const r = (await (await fetch(`${prom!.url}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
    return r.data.result;
  };

  beforeAll(async () => {
    if (missing.length > 0) throw new Error(`${missing.join(', ')} not found: apt-get install -y prometheus prometheus-alertmanager (.ci/run installs them)`);
    // The server and the bundle's rules.
    // enable-protected-configs: 7.0 refuses CONFIG SET dir without it, and the test provokes one.
    const serverConfig = `requirepass ${PASSWORD}\nuser app on >app-password-1 ~app:* +@read +@write\nenable-protected-configs yes\n`;
    const [server, second, gen] = await Promise.all([
      startRedis({ config: serverConfig }),
      startRedis({ config: serverConfig }),
      cli(['generate', '--level', 'standard', '--exposure', 'localhost', '--out', join(root, 'bundle')]),
    ]);
    redis = server;
    other = second;
    expect(gen.code, gen.stderr).toBe(0);
    target = `redis://127.0.0.1:${redis.port}`;
    otherTarget = `redis://127.0.0.1:${other.port}`;
    // A modulus that puts the two servers in different shards: this Prometheus keeps the first's.
    while (hashmod(target, modulus) === hashmod(otherTarget, modulus)) modulus++;

    // The exporter, as a user runs it.
    const pwFile = join(root, 'password');
    writeFileSync(pwFile, PASSWORD, { mode: 0o600 });
    const exporterPort = await freePort();
    exporter = spawn(process.execPath, [CLI, 'exporter', target, otherTarget, '--password-file', pwFile, '--listen', `127.0.0.1:${exporterPort}`, '--timeout', '3000'], { stdio: ['ignore', 'pipe', 'pipe'] });
    exporter.stdout!.on('data', (d: Buffer) => (exporterLog += d.toString()));
    exporter.stderr!.on('data', (d: Buffer) => (exporterLog += d.toString()));
    await until('the exporter to serve /metrics', async () => ((await fetch(`http://127.0.0.1:${exporterPort}/metrics`)).ok ? true : undefined), 15_000).catch((e: Error) => {
      throw new Error(`${e.message}: ${exporterLog.slice(-1000)}`);
    });

    // A webhook receiver standing in for the pager, and alertmanager with the generated routing.
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        deliveries.push({ path: req.url ?? '', body: JSON.parse(body) as Delivery['body'] });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => receiver!.listen(0, '127.0.0.1', r));
    const hook = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
    const amConfig = join(root, 'alertmanager.yml');
    writeFileSync(amConfig, renderAlertmanagerExample({ pageUrl: `${hook}/page`, ticketUrl: `${hook}/ticket`, groupWait: '1s' }));
    am = await startAlertmanager(amConfig, root);

    const config = join(root, 'prometheus.yml');
    writeFileSync(
      config,
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 1s',
        '  evaluation_interval: 1s',
        `rule_files: [${JSON.stringify(join(root, 'bundle', 'monitoring', 'prometheus-rules.yml'))}]`,
        'alerting:', '  alertmanagers:', `    - static_configs: [{ targets: ${JSON.stringify([`127.0.0.1:${am.port}`])} }]`,
        // README "Scaling out", as written there but for the ports and the shard.
        'scrape_configs:',
        '  - job_name: redsec',
        '    metrics_path: /scrape',
        `    static_configs: [{ targets: [${JSON.stringify(target)}, ${JSON.stringify(otherTarget)}] }]`,
        '    relabel_configs:',
        '      - source_labels: [__address__]',
        '        target_label: __param_target',
        '      - source_labels: [__param_target]',
        '        target_label: instance',
        '      - target_label: __address__',
        `        replacement: 127.0.0.1:${exporterPort}`,
        '      - source_labels: [__param_target]',
        `        modulus: ${modulus}`,
        '        target_label: __tmp_shard',
        '        action: hashmod',
        '      - source_labels: [__tmp_shard]',
        `        regex: '${hashmod(target, modulus)}'`,
        '        action: keep',
        '',
      ].join('\n'),
    );
    prom = await startPrometheus(config, root);
  }, 60_000);

  afterAll(async () => {
    exporter?.kill('SIGTERM');
    await Promise.all([prom?.stop(), am?.stop(), redis?.stop(), other?.stop(), new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()))]);
    rmSync(root, { recursive: true, force: true });
  });

  it('loads the generated rules and scrapes its shard through /scrape?target=: the target is up, labelled by the exporter', async () => {
    const rules = (await (await fetch(`${prom!.url}/api/v1/rules`)).json()) as { data: { groups: { rules: { name: string; type: string; health: string }[] }[] } };
    const alerting = rules.data.groups.flatMap((g) => g.rules).filter((r) => r.type === 'alerting');
    expect(alerting.map((r) => r.name)).toContain('RedsecAuthFailureBurst');
    expect(alerting.length).toBeGreaterThanOrEqual(18);
    const up = await until('redsec_up == 1', async () => ((await query('redsec_up == 1')).length > 0 ? true : undefined), 20_000);
    expect(up).toBe(true);
    // Only this shard's server is scraped, and the exporter's target label survives the relabelling.
    const series = await query('redsec_up');
    expect(series.map((s) => [s.metric['target'], s.metric['instance'], s.metric['job']])).toEqual([[target, target, 'redsec']]);
    const targets = (await (await fetch(`${prom!.url}/api/v1/targets?state=any`)).json()) as { data: { activeTargets: { labels: Record<string, string>; scrapeUrl: string }[]; droppedTargets: { discoveredLabels: Record<string, string> }[] } };
    expect(targets.data.activeTargets.map((t) => t.scrapeUrl)).toEqual([expect.stringContaining(`/scrape?target=${encodeURIComponent(target)}`)]);
    expect(targets.data.droppedTargets.map((t) => t.discoveredLabels['__address__'])).toEqual([otherTarget]);
  });

  it('fires RedsecAuthFailureBurst after 50 failed AUTHs from one client, and alertmanager pages', async () => {
    // Prometheus needs a sample from before the burst to see the counter rise.
    await until('two samples of redsec_acl_auth_failures_total', async () => ((await query('count_over_time(redsec_acl_auth_failures_total[1m]) >= 2')).length > 0 ? true : undefined), 20_000);
    const quiet = (await (await fetch(`${prom!.url}/api/v1/alerts`)).json()) as { data: { alerts: { labels: Record<string, string> }[] } };
    // Nothing the test provokes is alerted before it is provoked.
    expect(quiet.data.alerts.filter((a) => ['RedsecAuthFailureBurst', 'RedsecConfigDriftIoc', 'RedsecConfigDrift', 'RedsecDangerousCommand', 'RedsecAclUserAdded'].includes(a.labels['alertname'] ?? ''))).toEqual([]);

    const started = Date.now();
    const client = await rawConnect(redis.port);
    const replies = await client.pipeline(Array.from({ length: 50 }, (_, i) => ['AUTH', 'app', `wrong-${i}`]));
    client.close();
    expect(replies.every((r) => typeof r === 'object' && r !== null && 'error' in r && /WRONGPASS/.test(r.error))).toBe(true);

    const firing = await until(
      'RedsecAuthFailureBurst firing',
      async () => {
        const r = (await (await fetch(`${prom!.url}/api/v1/alerts`)).json()) as { data: { alerts: { state: string; labels: Record<string, string>; annotations: Record<string, string>; value: string }[] } };
        return r.data.alerts.find((a) => a.labels['alertname'] === 'RedsecAuthFailureBurst' && a.state === 'firing');
      },
      20_000,
    );
    console.info(`monitoring-prometheus: RedsecAuthFailureBurst firing ${Date.now() - started} ms after the burst`);
    expect(firing.labels).toMatchObject({ severity: 'high', target, job: 'redsec' });
    // A scrape may land inside the burst: the first firing evaluation can have seen part of it.
    expect(Number(firing.value)).toBeGreaterThan(10);
    await until('all 50 failures counted', async () => ((await query('max_over_time(redsec_acl_auth_failures_total[1m]) - min_over_time(redsec_acl_auth_failures_total[1m]) == 50')).length > 0 ? true : undefined), 10_000);
    expect(firing.annotations['runbook']).toBe(`redsec audit ${target} --user AUDITOR (AUTH-BRUTEFORCE-SIGNALS lists the ACL LOG failures by user and client address); redsec watch ${target} --user AUDITOR names each new one as it happens; redsec rotate password for a user whose password may be known`);
    // The password of the exporter never reaches Prometheus.
    expect(JSON.stringify(await query('{__name__=~"redsec_.+"}'))).not.toContain(PASSWORD);

    const paged = await until('the page receiver to get the alert', async () => deliveries.find((d) => d.body.alerts.some((a) => a.labels['alertname'] === 'RedsecAuthFailureBurst')), 20_000);
    console.info(`monitoring-prometheus: delivered through alertmanager ${Date.now() - started} ms after the burst`);
    expect(paged.path).toBe('/page');
    expect(paged.body.alerts.find((a) => a.labels['alertname'] === 'RedsecAuthFailureBurst')).toMatchObject({ status: 'firing', labels: { severity: 'high', target } });
  });

  it('fires RedsecConfigDriftIoc, RedsecAclUserAdded and RedsecDangerousCommand after CONFIG SET dir and ACL SETUSER intruder', async () => {
    const started = Date.now();
    const admin = await rawConnect(redis.port);
    expect(await admin.call('AUTH', PASSWORD)).toBe('OK');
    expect(await admin.call('CONFIG', 'SET', 'dir', mkdtempSync(join(root, 'x-')))).toBe('OK');
    expect(await admin.call('ACL', 'SETUSER', 'intruder', 'on', '>intruder-password-1', '+@all', '~*')).toBe('OK');
    admin.close();
    const alerts = await until(
      'RedsecConfigDriftIoc, RedsecAclUserAdded and RedsecDangerousCommand firing',
      async () => {
        const r = (await (await fetch(`${prom!.url}/api/v1/alerts`)).json()) as { data: { alerts: { state: string; labels: Record<string, string> }[] } };
        const firing = r.data.alerts.filter((a) => a.state === 'firing');
        const drift = firing.find((a) => a.labels['alertname'] === 'RedsecConfigDriftIoc');
        const added = firing.find((a) => a.labels['alertname'] === 'RedsecAclUserAdded');
        const commands = firing.filter((a) => a.labels['alertname'] === 'RedsecDangerousCommand').map((a) => a.labels['command']).sort();
        return drift && added && commands.length === 2 ? { drift, added, commands } : undefined;
      },
      20_000,
    );
    console.info(`monitoring-prometheus: drift, new-user and dangerous-command alerts firing ${Date.now() - started} ms after CONFIG SET dir and ACL SETUSER`);
    expect(alerts.drift.labels).toMatchObject({ severity: 'critical', directive: 'dir', target });
    expect(alerts.added.labels).toMatchObject({ severity: 'high', change: 'added', target });
    expect(alerts.commands).toEqual(['acl|setuser', 'config|set']);
  });
});
