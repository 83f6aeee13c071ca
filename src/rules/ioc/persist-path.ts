import type { Rule, RuleResult } from '../types.js';
import { fail, pass, unknownResult } from '../result.js';
import { configValue } from '../config.js';
import { pci } from '../compliance.js';

/** Where the CONFIG SET dir/dbfilename attack writes: ssh keys, cron, system and web directories. */
const BAD_DIR = /(^|\/)(\.ssh|cron|crontabs|cron\.d|spool\/cron|etc|www|html|htdocs|public_html|wwwroot|root)(\/|$)/i;
const BAD_FILE = /^(authorized_keys\d*|root|crontab|.*\.(php\d?|phtml|jsp|aspx?|sh|py|pl|cgi)|shell.*|x+)$/i;

export const iocPersistPath: Rule = {
  id: 'IOC-PERSIST-PATH',
  title: 'dir/dbfilename point at a persistence path (possible compromise)',
  severity: 'critical',
  rationale: 'Attackers (Metasploit file_upload, fscan -rf, miner campaigns) CONFIG SET dir to ~/.ssh, cron or a web root and dbfilename to authorized_keys, root or a *.php shell, then SAVE. A live server configured like that has probably been attacked.',
  remediation: {
    text: 'Treat the host as compromised: check authorized_keys, crontabs and web roots, rotate secrets, then restore dir/dbfilename and lock them (enable-protected-configs no).',
    config: 'dir /var/lib/redis\ndbfilename dump.rdb\nenable-protected-configs no',
  },
  compliance: [pci('11.5.2'), pci('10.2.1.2')],
  level: 1,
  modes: ['live', 'lint'],
  check(facts) {
    const dir = configValue(facts, 'dir');
    const file = configValue(facts, 'dbfilename');
    if (!file.known) return unknownResult(`cannot read dbfilename: ${file.why}`);
    const results: RuleResult[] = [];
    if (dir.known && dir.value && BAD_DIR.test(dir.value.value)) results.push(fail(`dir ${dir.value.value}`, { location: dir.value.location }));
    if (file.value && BAD_FILE.test(file.value.value)) results.push(fail(`dbfilename ${file.value.value}`, { location: file.value.location }));
    if (results.length > 0) return results;
    if (!dir.known) return unknownResult(`dbfilename ${file.value?.value ?? ''} looks normal; dir unknown (${dir.why})`);
    return pass(`dir ${dir.value?.value ?? '(unset)'}, dbfilename ${file.value?.value ?? '(unset)'}`);
  },
};
