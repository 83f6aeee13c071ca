import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { METRICS } from '../../exporter/contract.js';
import { SECURITY_LEVELS } from '../../profile/index.js';
import { renderAlertmanagerExample } from './alertmanager.js';
import { LEVEL_NUMBER, prometheusAlertNames, prometheusRuleGroups, renderPrometheusRules } from './prometheus-rules.js';

interface Doc {
  groups: { name: string; rules: { alert?: string; record?: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> }[] }[];
}

describe('renderPrometheusRules', () => {
  it('reads back as YAML to exactly the rule groups (expressions and templates quoted intact)', () => {
    for (const level of SECURITY_LEVELS) {
      const doc = parse(renderPrometheusRules(level)) as Doc;
      const groups = prometheusRuleGroups(level);
      expect(doc.groups.map((g) => g.name)).toEqual(groups.map((g) => g.name));
      doc.groups.forEach((g, i) => {
        const want = groups[i]!.rules.map((r) =>
          'alert' in r
            ? { alert: r.alert, expr: r.expr, ...(r.for !== undefined ? { for: r.for } : {}), labels: { severity: r.severity }, annotations: { summary: r.summary, description: r.description, runbook: r.runbook } }
            : { record: r.record, expr: r.expr },
        );
        expect(g.rules).toEqual(want);
      });
    }
  });

  it('holds the level the bundle was generated for in the below-profile alert', () => {
    for (const level of SECURITY_LEVELS) {
      const below = (parse(renderPrometheusRules(level)) as Doc).groups.flatMap((g) => g.rules).find((r) => r.alert === 'RedsecLevelBelowProfile');
      expect(below?.expr).toBe(`redsec_level_achieved < ${LEVEL_NUMBER[level]}`);
      expect(below?.annotations?.['runbook']).toContain(`--profile ${level}`);
    }
  });

  it('names each alert once, each recorded series once', () => {
    const names = prometheusAlertNames('standard');
    expect(new Set(names).size).toBe(names.length);
    const records = prometheusRuleGroups('standard').flatMap((g) => g.rules.flatMap((r) => ('record' in r ? [r.record] : [])));
    expect(new Set(records).size).toBe(records.length);
    for (const r of records) expect(r).toMatch(/^redsec:[a-z_]+:rate5m(:[a-z0-9]+)?$/);
  });

  it('uses only metrics the exporter serves (its contract), and every metric family of the alerts exists', () => {
    const served = new Set(Object.values(METRICS).map((m) => m.name));
    const exprs = prometheusRuleGroups('hardened').flatMap((g) => g.rules.map((r) => r.expr)).join('\n');
    // Metric names, not the recorded redsec:... series nor label values inside quotes.
    const used = new Set([...exprs.replace(/"[^"]*"|`[^`]*`/g, '').matchAll(/\bredsec_[a-z_]+\b/g)].map((m) => m[0]));
    expect(used.size).toBeGreaterThanOrEqual(14);
    expect([...used].filter((n) => !served.has(n))).toEqual([]);
  });

  it('is deterministic', () => {
    expect(renderPrometheusRules('hardened')).toBe(renderPrometheusRules('hardened'));
  });
});

describe('renderAlertmanagerExample', () => {
  it('routes critical and high redsec alerts to the page receiver, with the given URLs and wait', () => {
    const doc = parse(renderAlertmanagerExample({ pageUrl: 'http://127.0.0.1:1/p', ticketUrl: 'http://127.0.0.1:1/t', groupWait: '1s' })) as {
      route: { group_wait: string; routes: { routes: { matchers: string[]; receiver: string }[] }[] };
      receivers: { name: string; webhook_configs: { url: string }[] }[];
    };
    expect(doc.route.group_wait).toBe('1s');
    expect(doc.route.routes[0]!.routes[0]).toMatchObject({ matchers: ['severity=~"critical|high"'], receiver: 'redsec-page' });
    expect(doc.receivers.map((r) => [r.name, r.webhook_configs[0]!.url])).toEqual([
      ['redsec-page', 'http://127.0.0.1:1/p'],
      ['redsec-ticket', 'http://127.0.0.1:1/t'],
    ]);
  });
});
