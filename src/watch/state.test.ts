import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { detectAnomalies } from './anomaly.js';
import type { WatchEvent } from './event.js';
import { parseSnapshot } from './snapshot.js';
import {
  MAX_SEEN_KEYS,
  MAX_STATE_EVENTS,
  StateSaver,
  emptyState,
  isSecretDirective,
  markSeen,
  readWatchState,
  recordEvents,
  rememberSnapshot,
  restoreSnapshot,
  writeWatchState,
  type WatchState,
} from './state.js';

const dir = mkdtempSync(join(tmpdir(), 'redsec-watch-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (): string => join(dir, `state-${n++}.json`);

const PW = 'Sup3r-secret-requirepass-value';
const MASTERAUTH = 'replica-link-secret-value-9';
const HASH = 'a'.repeat(64);
const HASH2 = 'b'.repeat(64);

function snapshot(opts: { requirepass?: string; masterauth?: string; hash?: string; dir?: string } = {}) {
  return parseSnapshot(
    [
      '# Server\r\nredis_version:7.0.15\r\n',
      '# Clients\r\nconnected_clients:3\r\n',
      '# Stats\r\ntotal_connections_received:42\r\n',
      '# Commandstats\r\ncmdstat_config|set:calls=2,usec=75,usec_per_call=37.50,rejected_calls=0,failed_calls=1\r\n',
      '# Replication\r\nrole:master\r\n',
      ['dir', opts.dir ?? '/var/lib/redis', 'requirepass', opts.requirepass ?? PW, 'masterauth', opts.masterauth ?? MASTERAUTH, 'primaryauth', '', 'maxclients', '10000'],
      ['user default off nopass', `user app on #${opts.hash ?? HASH} ~app:* resetchannels -@all +@read`],
      [['count', '1', 'reason', 'auth', 'context', 'toplevel', 'object', 'AUTH', 'username', 'app', 'age-seconds', '1.5', 'client-info', 'id=3 addr=127.0.0.1:5000 laddr=x']],
      [],
      'id=3 addr=10.0.0.9:5000 user=app name= cmd=get\n',
    ],
    { target: 'prod', at: 1_700_000_000_000, durationMs: 2, commandsSent: 11 },
    { clients: true },
  );
}

function event(i: number): WatchEvent {
  return { time: new Date(i * 1000).toISOString(), target: 'prod', kind: 'config-drift', severity: 'high', summary: `drift ${i}`, evidence: { directive: 'dir', n: i } };
}

describe('watch state: no secrets, and restored so detectors compare like with like', () => {
  it('secret directives are known by name (Valkey primaryauth too), other values are kept', () => {
    for (const d of ['requirepass', 'masterauth', 'primaryauth', 'tls-key-file-pass', 'tls-client-key-file-pass']) expect(isSecretDirective(d)).toBe(true);
    for (const d of ['dir', 'masteruser', 'bind', 'protected-mode', 'tls-key-file']) expect(isSecretDirective(d)).toBe(false);
  });

  it('the stored snapshot holds no password, no ACL hash and no client address', () => {
    const s = emptyState();
    const stored = rememberSnapshot(snapshot(), s.salt);
    const json = JSON.stringify(stored);
    for (const secret of [PW, MASTERAUTH, HASH, '10.0.0.9']) expect(json).not.toContain(secret);
    expect(stored.clients).toBeUndefined();
    expect(stored.config.known && stored.config.value.dir).toBe('/var/lib/redis');
    expect(stored.config.known && stored.config.value.primaryauth).toBe('');
  });

  it('restored against an unchanged live poll it equals the live poll (nothing to report after a restart)', () => {
    const s = emptyState();
    const live = snapshot();
    const restored = restoreSnapshot(rememberSnapshot(live, s.salt), live, s.salt);
    expect(restored.config).toEqual(live.config);
    expect(restored.users).toEqual(live.users);
    expect(restored.aclLog).toEqual(live.aclLog);
  });

  it('a secret or a password that changed while stopped still differs after restore, without revealing either value', () => {
    const s = emptyState();
    const stored = rememberSnapshot(snapshot(), s.salt);
    const live = snapshot({ requirepass: 'another-secret-value', hash: HASH2, dir: '/tmp/x' });
    const restored = restoreSnapshot(stored, live, s.salt);
    const rc = restored.config.known ? restored.config.value : {};
    const lc = live.config.known ? live.config.value : {};
    expect(rc.requirepass).not.toBe(lc.requirepass);
    expect(rc.masterauth).toBe(MASTERAUTH);
    expect(rc.dir).toBe('/var/lib/redis');
    expect(restored.users).not.toEqual(live.users);
    expect(JSON.stringify(restored)).not.toContain(PW);
    expect(JSON.stringify(restored)).not.toContain(HASH);
  });

  it('digests are salted per state file: two files do not share them', () => {
    const a = JSON.stringify(rememberSnapshot(snapshot(), emptyState().salt).config);
    const b = JSON.stringify(rememberSnapshot(snapshot(), emptyState().salt).config);
    expect(a).not.toBe(b);
  });
});

describe('watch state file', () => {
  function full(): WatchState {
    const s = emptyState();
    let anomaly = {};
    for (let i = 0; i < 25; i++) anomaly = detectAnomalies('prod', anomaly, { auth_failures: 0.1, connections: 3 }, new Date()).state;
    s.targets.prod = { previous: rememberSnapshot(snapshot(), s.salt), baseline: rememberSnapshot(snapshot(), s.salt), up: true, since: 5, anomaly, failing: ['AUTH-NOPASS'], auditedAt: 7 };
    markSeen(s.targets.prod, 'cert-expiry:01ab:30d', 9);
    s.targets.down = { up: false, since: 11 };
    recordEvents(s, [event(1), event(2)]);
    return s;
  }

  it('round-trips, mode 0600, no temporary file left, and a missing file is no state', () => {
    const p = file();
    expect(readWatchState(p)).toBeUndefined();
    const s = full();
    writeWatchState(p, s);
    expect(statSync(p).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const back = readWatchState(p)!;
    expect({ ...back, savedAt: s.savedAt }).toEqual(JSON.parse(JSON.stringify(s)));
    expect(Date.parse(back.savedAt)).toBeGreaterThan(0);
  });

  it('replacing keeps 0600 even when the old file was wider, and never leaves half a file', () => {
    const p = file();
    writeFileSync(p, '{}', { mode: 0o644 });
    chmodSync(p, 0o644);
    writeWatchState(p, full());
    expect(statSync(p).mode & 0o777).toBe(0o600);
    expect(readWatchState(p)?.targets.prod?.failing).toEqual(['AUTH-NOPASS']);
  });

  it('a write that cannot happen is one line naming the file, and the old state stays', () => {
    const sub = join(dir, `ro-${n++}`);
    mkdirSync(sub);
    const p = join(sub, 'state.json');
    writeWatchState(p, full());
    const before = readFileSync(p, 'utf8');
    chmodSync(sub, 0o500);
    try {
      // root ignores directory permissions: only assert where they apply.
      if (process.getuid?.() !== 0) {
        expect(() => writeWatchState(p, emptyState())).toThrow(InputError);
        expect(() => writeWatchState(p, emptyState())).toThrow(/^.*state\.json: cannot write state file \(EACCES\)$/);
      }
      expect(readFileSync(p, 'utf8')).toBe(before);
    } finally {
      chmodSync(sub, 0o700);
    }
  });

  it('events and seen keys are bounded, newest kept', () => {
    const s = emptyState();
    for (let i = 0; i < MAX_STATE_EVENTS + 50; i += 10) recordEvents(s, Array.from({ length: 10 }, (_, j) => event(i + j)));
    expect(s.events).toHaveLength(MAX_STATE_EVENTS);
    expect(s.events[0]!.summary).toBe('drift 50');
    const mem = {};
    for (let i = 0; i < MAX_SEEN_KEYS + 5; i++) expect(markSeen(mem, `k${i}`, i)).toBe(true);
    expect(markSeen(mem, `k${MAX_SEEN_KEYS + 4}`, 0)).toBe(false);
    expect(Object.keys((mem as { seen: object }).seen)).toHaveLength(MAX_SEEN_KEYS);
    expect(markSeen(mem, 'k0', 1)).toBe(true);
  });

  it('the saver writes at most once a minute while quiet, within a second of new events, and at once on save()', () => {
    const p = file();
    const saver = new StateSaver(p);
    const s = emptyState();
    expect(saver.maybeSave(s, false, 100_000)).toBe(true);
    expect(saver.maybeSave(s, false, 130_000)).toBe(false);
    expect(saver.maybeSave(s, true, 100_500)).toBe(false);
    // The pending events are not forgotten by a quiet poll after them.
    expect(saver.maybeSave(s, false, 101_200)).toBe(true);
    expect(saver.maybeSave(s, false, 120_000)).toBe(false);
    expect(saver.maybeSave(s, false, 161_200)).toBe(true);
  });
});

describe('watch state file: hostile or corrupt files are one-line bad input', () => {
  const cases: [string, string, RegExp][] = [
    ['not JSON', '{"version":1,', /not a redsec watch state file: not JSON$/],
    ['another version', '{"version":2}', /version is not 1$/],
    ['an array', '[1,2,3]', /top level is malformed/],
    ['a wrong type deep inside', JSON.stringify({ ...emptyState(), targets: { prod: { previous: { target: 1 } } } }), /targets\.prod\.previous\.target is malformed/],
    ['a bad anomaly baseline', JSON.stringify({ ...emptyState(), targets: { prod: { anomaly: { auth_failures: { mean: -1, deviation: 0, samples: 1 } } } } }), /targets\.prod\.anomaly\.auth_failures is malformed/],
    ['an unknown event kind', JSON.stringify({ ...emptyState(), events: [{ ...event(1), kind: 'rm -rf' }] }), /events\.\[0\]\.kind is malformed/],
    ['deep nesting', `${'['.repeat(100_000)}${']'.repeat(100_000)}`, /malformed|not JSON/],
    ['a bad salt', JSON.stringify({ ...emptyState(), salt: 'x' }), /salt is malformed/],
  ];
  for (const [what, text, expected] of cases) {
    it(`${what}`, () => {
      const p = file();
      writeFileSync(p, text, { mode: 0o600 });
      let thrown: unknown;
      try {
        readWatchState(p);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(InputError);
      const msg = (thrown as Error).message;
      expect(msg).toMatch(expected);
      expect(msg.startsWith(p)).toBe(true);
      expect(msg).not.toContain('\n');
      expect(msg.length).toBeLessThan(400);
    });
  }

  it('a value in the file is never quoted in the error', () => {
    const p = file();
    writeFileSync(p, JSON.stringify({ ...emptyState(), targets: { prod: { failing: [PW, 7] } } }));
    expect(() => readWatchState(p)).toThrow(/targets\.prod\.failing\.\[1\] is malformed/);
    expect(() => readWatchState(p)).not.toThrow(new RegExp(PW));
  });

  it('a target named __proto__ stays a plain key', () => {
    const p = file();
    writeFileSync(p, `{"version":1,"savedAt":"x","salt":"${'0'.repeat(32)}","events":[],"targets":{"__proto__":{"up":false}}}`);
    const s = readWatchState(p)!;
    expect(Object.keys(s.targets)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).up).toBeUndefined();
  });

  it('a file over the size limit is refused before it is read', () => {
    const p = file();
    writeFileSync(p, '{}');
    truncateSync(p, 300 * 1024 * 1024);
    expect(() => readWatchState(p)).toThrow(/larger than 256 MiB$/);
  });

  it('a directory or a FIFO is refused without blocking', () => {
    expect(() => readWatchState(dir)).toThrow(/not a regular file|EISDIR/);
    const fifo = join(dir, `fifo-${n++}`);
    execFileSync('mkfifo', [fifo]);
    expect(() => readWatchState(fifo)).toThrow(/not a regular file/);
  });
});
