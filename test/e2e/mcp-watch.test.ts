/**
 * MCP watch_events through the real stdio server (`redsec mcp --watch FILE`), reading the state
 * file a watcher writes: filters, the window, a rewrite seen on the next call, hostile event text
 * shown as escapes, a corrupt file refused at start (exit 2, one line) and as a tool error later,
 * and no tool at all without --watch.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/run-cli.js';
import { startMcp, structuredOf, textOf } from './mcp-client.js';
import type { WatchEvent } from '../../src/watch/event.js';
import { emptyStateFile, recordEvents, writeStateFile } from '../../src/watch/state-file.js';

const dir = mkdtempSync(join(tmpdir(), 'redsec-mcp-watch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ago = (ms: number): string => new Date(Date.now() - ms).toISOString();
function ev(target: string, kind: WatchEvent['kind'], severity: WatchEvent['severity'], ageMs: number, summary: string): WatchEvent {
  return { time: ago(ageMs), target, kind, severity, summary, evidence: { n: 1 } };
}

interface Out {
  matched: number;
  truncated: boolean;
  watcher_saved_at: string | null;
  events: WatchEvent[];
}

describe('MCP watch_events', () => {
  it('serves the recent events of the state file, filtered, and sees the watcher rewrite it', async () => {
    const path = join(dir, 'state.json');
    const s = emptyStateFile();
    recordEvents(s, [
      ev('prod', 'auth-failure', 'medium', 3 * 3600_000, 'three hours ago'),
      ev('prod', 'auth-bruteforce', 'high', 30 * 60_000, '50 failed AUTH from 10.0.0.7'),
      ev('staging', 'config-drift', 'critical', 20 * 60_000, 'dir changed'),
      ev('prod', 'anomaly', 'medium', 10 * 60_000, 'new connections at 40/s'),
    ]);
    s.events.at(-1)!.baseline = { observed: 40, expected: 2, deviation: 0.5, threshold: 5 };
    writeStateFile(path, s);
    const m = await startMcp(['--watch', path]);
    try {
      const tools = (await m.client.listTools()).tools;
      const tool = tools.find((t) => t.name === 'watch_events');
      expect(tool?.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });

      const lastHour = structuredOf<Out>(await m.call('watch_events', {}));
      expect(lastHour.events.map((e) => e.summary)).toEqual(['50 failed AUTH from 10.0.0.7', 'dir changed', 'new connections at 40/s']);
      expect(lastHour.events[2]!.baseline).toEqual({ observed: 40, expected: 2, deviation: 0.5, threshold: 5 });
      expect(lastHour.watcher_saved_at).not.toBeNull();

      const prodHigh = structuredOf<Out>(await m.call('watch_events', { target: 'prod', min_severity: 'high', since: '1d' }));
      expect(prodHigh.events.map((e) => e.kind)).toEqual(['auth-bruteforce']);
      const kinds = structuredOf<Out>(await m.call('watch_events', { kinds: ['auth-failure', 'anomaly'], since: '4h', limit: 1 }));
      expect(kinds).toMatchObject({ matched: 2, truncated: true });
      expect(kinds.events.map((e) => e.kind)).toEqual(['anomaly']);
      const text = textOf(await m.call('watch_events', { since: ago(25 * 60_000) }));
      expect(text).toMatch(/^2 event\(s\) since /);
      expect(text).toContain('staging  config-drift  critical  dir changed');
      expect(text).toContain('(observed 40, expected 2, threshold 5)');

      // The watcher writes again: a new event, with hostile text from a server in it.
      recordEvents(s, [ev('prod', 'acl-change', 'high', 0, 'user intruder\u001b[2J added\u202e')]);
      writeStateFile(path, s);
      const again = await m.call('watch_events', { since: '5m' });
      expect(structuredOf<Out>(again).events.map((e) => e.kind)).toEqual(['acl-change']);
      expect(textOf(again)).not.toMatch(/[\u001b\u202e]/);
      expect(textOf(again)).toContain('user intruder');

      const bad = await m.call('watch_events', { since: 'yesterday' });
      expect(bad.isError).toBe(true);
      expect(textOf(bad)).toMatch(/since: expected an ISO 8601 time or a duration/);

      // A file corrupted under a running server: a tool error, the server lives on.
      writeFileSync(path, '{"version":1,"targets":');
      const corrupt = await m.call('watch_events', {});
      expect(corrupt.isError).toBe(true);
      expect(textOf(corrupt)).toMatch(/not a redsec watch state file: not JSON$/);
      writeStateFile(path, s);
      expect(structuredOf<Out>(await m.call('watch_events', { since: '5m' })).events).toHaveLength(1);
    } finally {
      await m.close();
    }
  });

  it('a watcher that has not written yet: no events, said so; without --watch there is no such tool', async () => {
    const m = await startMcp(['--watch', join(dir, 'not-yet.json')]);
    try {
      const r = await m.call('watch_events', {});
      expect(structuredOf<Out>(r)).toMatchObject({ matched: 0, watcher_saved_at: null, events: [] });
      expect(textOf(r)).toContain('has not written its state file yet');
    } finally {
      await m.close();
    }
    const plain = await startMcp([]);
    try {
      expect((await plain.client.listTools()).tools.map((t) => t.name)).not.toContain('watch_events');
    } finally {
      await plain.close();
    }
  });

  it('a corrupt state file at start is exit 2 with one line', async () => {
    const path = join(dir, 'corrupt.json');
    writeFileSync(path, JSON.stringify({ version: 1, savedAt: 'x', targets: {}, events: [{ kind: 'nope' }] }));
    const r = await cli(['mcp', '--watch', path]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^redsec: .*corrupt\.json: not a redsec watch state file: events\.\[0\]\.time is malformed/);
  });
});
