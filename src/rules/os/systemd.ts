import type { Rule, RuleResult } from '../types.js';
import { fail, notApplicable, pass, unknownResult } from '../result.js';
import { configValue } from '../config.js';

export const osSystemd: Rule = {
  id: 'OS-SYSTEMD',
  title: 'systemd unit without sandboxing',
  severity: 'low',
  rationale: 'NoNewPrivileges, ProtectSystem and ReadWritePaths limited to the data directory stop a file-write primitive from reaching /etc, cron or ~/.ssh even when CONFIG or a Lua bug is abused.',
  remediation: { text: 'Harden the unit.', config: '[Service]\nNoNewPrivileges=yes\nProtectSystem=strict\nReadWritePaths=/var/lib/redis /var/log/redis' },
  compliance: [],
  level: 3,
  modes: ['live', 'lint'],
  check(facts) {
    const unit = facts.systemd;
    if (!unit) return notApplicable('no systemd unit at hand: the server is not a systemd service on this host, or the audit runs elsewhere (lint: --systemd-unit FILE)');
    if (!unit.known) return unknownResult(`cannot read the unit: ${unit.why}`);
    const u = unit.value;
    const results: RuleResult[] = [];
    if (!u.noNewPrivileges) results.push(fail(`${u.file}: NoNewPrivileges is not set`));
    if (!u.protectSystem || !/^(strict|full|yes|true)$/i.test(u.protectSystem)) results.push(fail(`${u.file}: ProtectSystem=${u.protectSystem ?? '(unset)'}`));
    const dir = configValue(facts, 'dir');
    const dirPath = dir.known ? dir.value?.value : undefined;
    const extra = u.readWritePaths.filter((p) => !(dirPath && `${p}/`.startsWith(`${dirPath.replace(/\/+$/, '')}/`)) && !/^\/(var\/log|run|var\/run)\//.test(`${p}/`));
    if (u.readWritePaths.length === 0 && u.protectSystem === 'strict') results.push(fail(`${u.file}: ProtectSystem=strict without ReadWritePaths for the data directory`));
    if (extra.length > 0) results.push(fail(`${u.file}: ReadWritePaths beyond the data directory: ${extra.join(', ')}`));
    return results.length > 0 ? results : pass(`${u.file}: NoNewPrivileges, ProtectSystem=${u.protectSystem}, ReadWritePaths limited`);
  },
};
