import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { detectAnomalies } from './anomaly.js';
import type { WatchEvent } from './event.js';
import { MAX_STATE_EVENTS, StateSaver, emptyStateFile, readStateFile, recordEvents, writeStateFile, type WatchStateFile } from './state-file.js';

const dir = mkdtempSync(join(tmpdir(), 'redsec-watch-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (): string => join(dir, `state-${n++}.json`);

const PW = 'Sup3r-secret-watcher-password';

function event(i: number, extra: Record<string, string> = {}): WatchEvent {
  return { time: new Date(i * 1000).toISOString(), target: 'prod', kind: 'config-drift', severity: 'high', summary: `drift ${i}`, evidence: { directive: 'dir', n: i, ...extra } };
}

/** A per-target state shaped as watch-core's TargetState keeps it. */
function targetState(): Record<string, unknown> {
  let anomaly = {};
  for (let i = 0; i < 25; i++) anomaly = detectAnomalies('prod', anomaly, { auth_failures: 0.1, connections: 3 }, new Date()).state;
  return {
    up: true,
    lastPollAt: 1_700_000_000_000,
    counters: { total_connections_received: 42 },
    commandCalls: { 'config|set': 2 },
    aclLog: { byId: true, counts: { '7': 3 } },
    config: { dir: '/var/lib/redis', requirepass: 'digest:0123456789abcdef' },
    baselineConfig: { dir: '/var/lib/redis' },
    baselineFrom: 'first-poll',
    users: { app: { enabled: true, rules: '~app:* resetchannels -@all +@read', passwords: 'digest:fedcba9876543210', nopass: false } },
    certsReported: ['01ab@2027-01-01'],
    anomaly,
    audit: { at: 7, failing: ['AUTH-NOPASS'] },
    // A field a newer watcher adds: kept as is.
    authRecent: [{ at: 1, source: '10.0.0.7', user: 'app', count: 3 }],
  };
}

function full(): WatchStateFile {
  const s = emptyStateFile();
  s.targets.prod = targetState();
  s.targets.down = { up: false, downSince: '2026-01-01T00:00:00.000Z', lastError: 'CONNREFUSED' };
  recordEvents(s, [event(1), event(2)]);
  return s;
}

describe('watch state file', () => {
  it('round-trips, mode 0600, no temporary file left, and a missing file is no state', () => {
    const p = file();
    expect(readStateFile(p)).toBeUndefined();
    const s = full();
    writeStateFile(p, s);
    expect(statSync(p).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const back = readStateFile(p)!;
    expect({ ...back, savedAt: s.savedAt }).toEqual(JSON.parse(JSON.stringify(s)));
    expect(Date.parse(back.savedAt)).toBeGreaterThan(0);
  });

  it("the watcher's credentials are masked in every string written, events and state alike", () => {
    const p = file();
    const s = full();
    // A hostile server echoed the password into a value the state and an event quote.
    (s.targets.prod as { lastError?: string }).lastError = `ERR ${PW}`;
    recordEvents(s, [event(3, { user: PW })]);
    writeStateFile(p, s, [PW, undefined]);
    const text = readFileSync(p, 'utf8');
    expect(text).not.toContain('Sup3r-se');
    expect(readStateFile(p)!.events.at(-1)!.evidence.user).toBe('***');
  });

  it('replacing keeps 0600 even when the old file was wider', () => {
    const p = file();
    writeFileSync(p, '{}', { mode: 0o644 });
    chmodSync(p, 0o644);
    writeStateFile(p, full());
    expect(statSync(p).mode & 0o777).toBe(0o600);
    expect((readStateFile(p)?.targets.prod as { audit: unknown }).audit).toEqual({ at: 7, failing: ['AUTH-NOPASS'] });
  });

  it('a write that cannot happen is one line naming the file, and the old state stays', () => {
    const sub = join(dir, `ro-${n++}`);
    mkdirSync(sub);
    const p = join(sub, 'state.json');
    writeStateFile(p, full());
    const before = readFileSync(p, 'utf8');
    chmodSync(sub, 0o500);
    try {
      // root ignores directory permissions: only assert where they apply.
      if (process.getuid?.() !== 0) expect(() => writeStateFile(p, emptyStateFile())).toThrow(/state\.json: cannot write state file \(EACCES\)$/);
      expect(readFileSync(p, 'utf8')).toBe(before);
    } finally {
      chmodSync(sub, 0o700);
    }
  });

  it('events are bounded, newest kept', () => {
    const s = emptyStateFile();
    for (let i = 0; i < MAX_STATE_EVENTS + 50; i += 10) recordEvents(s, Array.from({ length: 10 }, (_, j) => event(i + j)));
    expect(s.events).toHaveLength(MAX_STATE_EVENTS);
    expect(s.events[0]!.summary).toBe('drift 50');
  });

  it('the saver writes at most once a minute while quiet, within a second of new events, and at once on save()', () => {
    const p = file();
    const saver = new StateSaver(p);
    const s = emptyStateFile();
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
  const withTarget = (t: unknown) => JSON.stringify({ ...emptyStateFile(), targets: { prod: t } });
  const cases: [string, string, RegExp][] = [
    ['not JSON', '{"version":1,', /not a redsec watch state file: not JSON$/],
    ['another version', '{"version":2}', /version is not 1$/],
    ['an array', '[1,2,3]', /top level is malformed/],
    ['a wrong type in a known field', withTarget({ ...targetState(), counters: { total_connections_received: 'many' } }), /targets\.prod\.counters\.total_connections_received is malformed/],
    ['a missing up', withTarget({ lastPollAt: 1 }), /targets\.prod\.up is malformed/],
    ['a bad anomaly baseline', withTarget({ up: true, anomaly: { auth_failures: { mean: -1, deviation: 0, samples: 1 } } }), /targets\.prod\.anomaly\.auth_failures is malformed/],
    ['an unknown field nested too deep', withTarget({ up: true, extra: [[[[[[[[[[1]]]]]]]]]] }), /targets\.prod is malformed \(custom\)/],
    ['an unknown event kind', JSON.stringify({ ...emptyStateFile(), events: [{ ...event(1), kind: 'rm -rf' }] }), /events\.\[0\]\.kind is malformed/],
    ['deep nesting', `${'['.repeat(100_000)}${']'.repeat(100_000)}`, /malformed|not JSON/],
  ];
  for (const [what, text, expected] of cases) {
    it(what, () => {
      const p = file();
      writeFileSync(p, text, { mode: 0o600 });
      let thrown: unknown;
      try {
        readStateFile(p);
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

  it('a value in the file is never quoted in the error, and a hostile target name is escaped', () => {
    const p = file();
    writeFileSync(p, JSON.stringify({ ...emptyStateFile(), targets: { 'x\u001b[2J': { up: true, audit: { at: 1, failing: [PW, 7] } } } }));
    expect(() => readStateFile(p)).toThrow(/targets\.x\\x1b\[2J\.audit\.failing\.\[1\] is malformed/);
    expect(() => readStateFile(p)).not.toThrow(new RegExp(PW));
  });

  it('a target named __proto__ stays a plain key', () => {
    const p = file();
    writeFileSync(p, '{"version":1,"savedAt":"x","events":[],"targets":{"__proto__":{"up":false}}}');
    const s = readStateFile(p)!;
    expect(Object.keys(s.targets)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).up).toBeUndefined();
  });

  it('a file over the size limit is refused before it is read', () => {
    const p = file();
    writeFileSync(p, '{}');
    truncateSync(p, 65 * 1024 * 1024);
    expect(() => readStateFile(p)).toThrow(/larger than 64 MiB$/);
  });

  it('a directory or a FIFO is refused without blocking', () => {
    expect(() => readStateFile(dir)).toThrow(/not a regular file|EISDIR/);
    const fifo = join(dir, `fifo-${n++}`);
    execFileSync('mkfifo', [fifo]);
    expect(() => readStateFile(fifo)).toThrow(/not a regular file/);
  });
});
