import { chmodCommand, shellQuote } from '../shell.js';
import { configValue } from '../config.js';
import type { ServerFacts } from '../../facts/types.js';
import type { Remediation } from '../../report/types.js';
import type { Rule, RuleResult } from '../types.js';
import { fail, notApplicable, pass, unknownResult } from '../result.js';
import { withheld } from '../withheld.js';
import { pci } from '../compliance.js';
import type { FileFacts } from '../../facts/types.js';

export const dataDirPerms: Rule = {
  id: 'DATA-DIR-PERMS',
  title: 'Data directory writable, or data files readable, by others',
  severity: 'medium',
  rationale: 'A world-writable dir lets any local user plant or swap RDB/AOF files; RDB/AOF readable by others hand out the whole dataset.',
  remediation: {
    text: 'Give the data a directory of its own, owned by the server\'s user and closed to others; never change the mode of a directory the host shares (the temporary directory must stay 1777).',
    config: 'dir /var/lib/redis',
    command: 'install -d -o redis -g redis -m 0750 /var/lib/redis   # then: dir /var/lib/redis in redis.conf, move the data files while the server is down',
  },
  compliance: [pci('3.5.1'), pci('7.2.1')],
  level: 2,
  modes: ['live', 'lint'],
  check(facts, ctx) {
    if (!facts.files.known)
      return ctx.mode === 'live' ? notApplicable(`file modes are only visible on the server's host (${facts.files.why})`) : unknownResult(`file modes unknown: ${facts.files.why}`);
    const relevant = facts.files.value.filter((f) => f.kind === 'dir' || f.kind === 'data');
    const unseen = withheld(facts, new Set<FileFacts['kind']>(['dir', 'data']));
    const bad: RuleResult[] = [];
    // Files inside a directory others cannot enter (no o+x) are out of their reach whatever their mode.
    const closedDir = relevant.some((d) => d.kind === 'dir' && (d.mode & 0o001) === 0);
    for (const f of relevant) {
      const mode = (f.mode & 0o777).toString(8).padStart(3, '0');
      if (f.kind === 'dir' && (f.mode & 0o002) !== 0) {
        const shared = isSharedDirectory(f.path, f.mode);
        bad.push(fail(`${f.path} has mode ${mode}: world-writable${shared ? ' (a directory shared with the rest of the host)' : ''}`, { remediation: shared ? moveDirRemediation(facts, f.path) : { text: 'Close the directory to other users.', command: chmodCommand('o-rwx', f.path) } }));
      }
      if (f.kind === 'data' && (f.mode & 0o004) !== 0 && !closedDir) bad.push(fail(`${f.path} has mode ${mode}: readable by others`, { remediation: { text: 'Close the file to other users.', command: chmodCommand('o-rwx', f.path) } }));
    }
    if (bad.length > 0) return bad;
    if (unseen) return unknownResult(unseen);
    if (relevant.length === 0) return notApplicable('the data directory is not at hand');
    return pass(`${relevant.length} path(s) closed to other users`);
  },
};

/** System directories other programs use too: their modes must stay as they are (/tmp is 1777). */
const SHARED_DIRS = new Set(['/', '/tmp', '/var/tmp', '/dev/shm', '/var', '/home', '/usr', '/etc', '/opt', '/srv', '/run', '/mnt', '/media', '/root', '/var/lib', '/var/run']);

/** A shared system directory, or any sticky world-writable one (the /tmp pattern). */
export function isSharedDirectory(path: string, mode: number): boolean {
  const clean = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return SHARED_DIRS.has(clean) || ((mode & 0o1000) !== 0 && (mode & 0o002) !== 0);
}

const DEDICATED_DIR = '/var/lib/redis';

/** Moving the data out of a shared directory: a dedicated directory, the data files moved while the server is down. */
function moveDirRemediation(facts: ServerFacts, from: string): Remediation {
  const db = configValue(facts, 'dbfilename');
  const aof = configValue(facts, 'appenddirname');
  const names = [db.known && db.value?.value ? db.value.value : 'dump.rdb', aof.known && aof.value?.value ? aof.value.value : 'appendonlydir'];
  const src = shellQuote(from.replace(/\/+$/, '') || '/');
  return {
    text: `${from} is shared with the rest of the host: do not change its mode (that breaks other programs). Move the data to a directory of its own, owned by the server's user, 0750: create it, set dir in redis.conf, stop the server with a final save, move the data files, start it again.`,
    config: `dir ${DEDICATED_DIR}`,
    command: [
      `install -d -o redis -g redis -m 0750 ${DEDICATED_DIR}`,
      `# in redis.conf: dir ${DEDICATED_DIR}   (dir is a protected config: CONFIG SET cannot change it)`,
      'redis-cli SHUTDOWN SAVE   # a final save to the old dir; stop your supervisor first if it restarts the server (systemctl stop redis-server)',
      `for f in ${names.map(shellQuote).join(' ')}; do if [ -e ${src}/"$f" ]; then mv ${src}/"$f" ${DEDICATED_DIR}/; fi; done`,
      `chown -R redis:redis ${DEDICATED_DIR}`,
      'systemctl start redis-server   # or however the server is started',
    ].join('\n'),
  };
}
