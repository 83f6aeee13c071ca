/**
 * The monitoring files `redsec generate` writes, judged by the real tools: promtool check rules
 * (every level), promtool test rules with test/prometheus/redsec-rules.test.yml (input series for
 * every alert, exact labels and annotations, and quiet cases that must stay silent), and amtool
 * check-config plus a real alertmanager started with the example configuration. promtool and
 * amtool come from Debian's prometheus and prometheus-alertmanager packages (.ci/run installs them).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { METRICS } from '../../src/exporter/contract.js';
import { prometheusAlertNames, renderAlertmanagerExample, renderPrometheusRules } from '../../src/generate/index.js';
import { SEVERITIES } from '../../src/report/types.js';
import { cli } from '../helpers/run-cli.js';
import { startAlertmanager, type Alertmanager } from '../helpers/prometheus.js';

const root = mkdtempSync(join(tmpdir(), 'redsec-mon-'));
const bundle = join(root, 'bundle');
const unitTests = new URL('../prometheus/redsec-rules.test.yml', import.meta.url).pathname;
afterAll(() => rmSync(root, { recursive: true, force: true }));

function run(cmd: string, args: string[], cwd = root): { code: number; out: string; stdout: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 30_000 });
  if (r.error) throw new Error(`${cmd} could not run (${(r.error as NodeJS.ErrnoException).code}): install Debian's prometheus and prometheus-alertmanager packages`);
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}`, stdout: r.stdout };
}

interface RuleYaml {
  alert?: string;
  record?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

describe('monitoring/ files of a generated bundle', () => {
  beforeAll(async () => {
    const gen = await cli(['generate', '--level', 'hardened', '--exposure', 'private_network', '--out', bundle]);
    expect(gen.code, gen.stderr).toBe(0);
    expect(gen.stdout).toContain('monitoring/prometheus-rules.yml');
  });

  it('are written beside the rest, readable by a monitoring host (no secret in them)', () => {
    for (const f of ['prometheus-rules.yml', 'alertmanager-example.yml']) {
      expect((statSync(join(bundle, 'monitoring', f)).mode & 0o777).toString(8)).toBe('644');
    }
    const secrets = readFileSync(join(bundle, 'secrets.env'), 'utf8').match(/=(\S{16,})/g) ?? [];
    expect(secrets.length).toBeGreaterThan(0);
    const monitoring = ['prometheus-rules.yml', 'alertmanager-example.yml'].map((f) => readFileSync(join(bundle, 'monitoring', f), 'utf8')).join('');
    for (const s of secrets) expect(monitoring).not.toContain(s.slice(1));
  });

  it('promtool check rules accepts the rules of every level', () => {
    const files = (['basic', 'standard', 'hardened', 'compliance'] as const).map((level) => {
      const f = join(root, `rules-${level}.yml`);
      writeFileSync(f, renderPrometheusRules(level));
      return f;
    });
    const r = run('promtool', ['check', 'rules', join(bundle, 'monitoring', 'prometheus-rules.yml'), ...files]);
    expect(r.code, r.out).toBe(0);
    expect(r.out.match(/SUCCESS: \d+ rules found/g)).toHaveLength(5);
  });

  it('promtool test rules: every alert fires on its input series with its exact labels and annotations', () => {
    const dir = mkdtempSync(join(root, 'unit-'));
    copyFileSync(join(bundle, 'monitoring', 'prometheus-rules.yml'), join(dir, 'prometheus-rules.yml'));
    copyFileSync(unitTests, join(dir, 'redsec-rules.test.yml'));
    const r = run('promtool', ['test', 'rules', 'redsec-rules.test.yml'], dir);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('SUCCESS');
  });

  it('promtool test rules fails when a rule is broken (the unit tests are not vacuous)', () => {
    const dir = mkdtempSync(join(root, 'broken-'));
    const rules = readFileSync(join(bundle, 'monitoring', 'prometheus-rules.yml'), 'utf8');
    const broken = rules.replace('(increase(redsec_acl_auth_failures_total[5m])) > 10', '(increase(redsec_acl_auth_failures_total[5m])) > 1000');
    expect(broken).not.toBe(rules);
    writeFileSync(join(dir, 'prometheus-rules.yml'), broken);
    copyFileSync(unitTests, join(dir, 'redsec-rules.test.yml'));
    const r = run('promtool', ['test', 'rules', 'redsec-rules.test.yml'], dir);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('RedsecAuthFailureBurst');
  });

  it('the unit tests expect every alert of the file to fire at least once', () => {
    const tests = parse(readFileSync(unitTests, 'utf8')) as { tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[] };
    const firing = new Set(tests.tests.flatMap((t) => (t.alert_rule_test ?? []).filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname)));
    const names = prometheusAlertNames('hardened');
    expect(names.length).toBeGreaterThanOrEqual(18);
    expect(names.filter((n) => !firing.has(n))).toEqual([]);
  });

  it('every alert has a severity label, a summary, a description and a runbook naming a redsec command', () => {
    const doc = parse(readFileSync(join(bundle, 'monitoring', 'prometheus-rules.yml'), 'utf8')) as { groups: { name: string; rules: RuleYaml[] }[] };
    const alerts = doc.groups.flatMap((g) => g.rules).filter((r) => r.alert !== undefined);
    expect(alerts.map((a) => a.alert)).toEqual(prometheusAlertNames('hardened'));
    for (const a of alerts) {
      const sev = a.labels?.['severity'] ?? '';
      expect(sev === '{{ $labels.severity }}' || (SEVERITIES as readonly string[]).includes(sev), `${a.alert} severity ${sev}`).toBe(true);
      expect(a.annotations?.['summary'], a.alert).toMatch(/\S/);
      expect(a.annotations?.['description'], a.alert).toMatch(/\S/);
      expect(a.annotations?.['runbook'], a.alert).toMatch(/redsec (audit|diagnose|tls|rotate|exporter)\b/);
    }
    // The list: failed-auth burst, anomaly, drift, new user, dangerous command, level dropped, certificate expiry.
    for (const n of ['RedsecAuthFailureBurst', 'RedsecAuthFailureAnomaly', 'RedsecConfigDriftIoc', 'RedsecAclUserAdded', 'RedsecDangerousCommand', 'RedsecLevelDropped', 'RedsecCertExpiringSoon', 'RedsecTargetDown']) {
      expect(alerts.map((a) => a.alert)).toContain(n);
    }
    const anomaly = doc.groups.flatMap((g) => g.rules).filter((r) => r.record !== undefined).map((r) => r.expr).join('\n');
    expect(anomaly).toContain('avg_over_time(');
    expect(anomaly).toContain('stddev_over_time(');
  });

  it('README "Monitoring" lists every metric the exporter serves and every alert of the file', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('\n## Monitoring\n'), readme.indexOf('\n## Supported versions\n'));
    expect(section.length).toBeGreaterThan(1000);
    expect(Object.values(METRICS).map((m) => m.name).filter((n) => !section.includes(`\`${n}\``))).toEqual([]);
    expect(prometheusAlertNames('hardened').filter((n) => !section.includes(`\`${n}\``))).toEqual([]);
  });

  it('amtool check-config accepts the Alertmanager example', () => {
    const r = run('amtool', ['check-config', join(bundle, 'monitoring', 'alertmanager-example.yml')]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('SUCCESS');
    expect(r.out).toContain('2 receivers');
  });

  describe('a real alertmanager with the example configuration', () => {
    let am: Alertmanager | undefined;
    afterAll(async () => am?.stop());

    it('starts with it and routes a critical redsec alert to the page receiver, a medium one to the ticket receiver', async () => {
      const dir = mkdtempSync(join(root, 'am-'));
      const config = join(dir, 'alertmanager.yml');
      writeFileSync(config, renderAlertmanagerExample());
      am = await startAlertmanager(config, dir);
      const status = (await (await fetch(`${am.url}/api/v2/status`)).json()) as { config: { original: string } };
      expect(status.config.original).toContain('redsec-page');
      // amtool's routing test reads the same file the running alertmanager loaded.
      const page = run('amtool', ['config', 'routes', 'test', '--config.file', config, 'alertname=RedsecConfigDriftIoc', 'severity=critical']);
      expect(page.stdout.trim(), page.out).toBe('redsec-page');
      const ticket = run('amtool', ['config', 'routes', 'test', '--config.file', config, 'alertname=RedsecConfigDrift', 'severity=medium']);
      expect(ticket.stdout.trim(), ticket.out).toBe('redsec-ticket');
    });
  });
});
