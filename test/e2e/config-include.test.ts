/**
 * Oracle for `include`: relative paths resolve against the server's working directory (moved by
 * `dir`), not the including file; globs expand sorted, skip dot files, read directories as empty,
 * and tolerate no match; a missing file, an error inside an included file and a cycle all stop
 * both redis-server and the parser.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadConfigFile } from '../../src/config/load.js';
import { effectiveConfig } from '../../src/config/effective.js';
import { ConfigSyntaxError, InputError } from '../../src/errors.js';
import { startRedis } from '../helpers/redis-server.js';
import { rawConnect } from '../helpers/raw-client.js';

const VERSION = '7.0' as const;
let trees: string[] = [];

/** Writes a file tree into a fresh temp dir; the main file's first line moves the server there. */
function tree(files: Record<string, string>): { root: string; main: string } {
  const root = mkdtempSync(join(tmpdir(), 'redsec-inc-'));
  trees.push(root);
  for (const [name, text] of Object.entries(files)) {
    const p = join(root, name);
    mkdirSync(dirname(p), { recursive: true });
    if (name.endsWith('/')) mkdirSync(p, { recursive: true });
    else writeFileSync(p, text.replaceAll('$ROOT', root));
  }
  return { root, main: join(root, 'main.conf') };
}

afterEach(() => {
  for (const t of trees) rmSync(t, { recursive: true, force: true });
  trees = [];
});

async function configGet(port: number, names: string[]): Promise<Record<string, string>> {
  const c = await rawConnect(port);
  try {
    const out: Record<string, string> = {};
    for (const name of names) out[name] = ((await c.call('CONFIG', 'GET', name)) as string[])[1] as string;
    return out;
  } finally {
    c.close();
  }
}

/** Parses as redis-server started in `cwd` would, returning the error instead of throwing it. */
function tryLoad(main: string, cwd: string) {
  try {
    const parsed = loadConfigFile(main, { cwd, version: VERSION, check: true });
    return { parsed, error: undefined };
  } catch (e) {
    if (!(e instanceof ConfigSyntaxError)) throw e;
    return { parsed: undefined, error: e };
  }
}

describe('include vs redis-server 7.0', () => {
  it('resolves relative includes against the working directory, not the including file', async () => {
    const { root, main } = tree({
      'main.conf': 'dir $ROOT\ninclude sub/a.conf\n',
      'sub/a.conf': 'maxclients 111\ninclude b.conf\n',
      'b.conf': 'timeout 7\n',
      'sub/b.conf': 'timeout 99\n',
    });
    const { parsed, error } = tryLoad(main, '/');
    expect(error).toBeUndefined();
    const mine = effectiveConfig(parsed!, VERSION);
    expect(mine.values['timeout']).toEqual({ value: '7', location: { file: 'b.conf', line: 1 } });
    const timeoutDirective = parsed!.directives.find((d) => d.name === 'timeout');
    expect(timeoutDirective?.includedFrom).toEqual([
      { file: main, line: 2 },
      { file: 'sub/a.conf', line: 2 },
    ]);
    const server = await startRedis({ configFile: main });
    try {
      expect(await configGet(server.port, ['timeout', 'maxclients'])).toEqual({
        timeout: mine.values['timeout']?.value,
        maxclients: mine.values['maxclients']?.value,
      });
    } finally {
      await server.stop();
    }
    expect(root).not.toBe('');
  });

  it('expands globs sorted, without dot files, directories read as empty, no match tolerated', async () => {
    const { main } = tree({
      'main.conf': 'dir $ROOT\ninclude conf.d/*.conf\ninclude none.d/*.conf\ninclude conf.d/[2-3]?-*.conf\nmaxmemory-policy allkeys-lru\n',
      'conf.d/20-b.conf': 'timeout 2\nhz 20\n',
      'conf.d/10-a.conf': 'timeout 1\nhz 10\nmaxclients 100\n',
      'conf.d/.hidden.conf': 'lfu-log-factor 99\n',
      'conf.d/05-x.txt': 'lfu-decay-time 99\n',
      'conf.d/dir.conf/': '',
      'conf.d/30-c.conf': 'maxclients 300\n',
    });
    const { parsed, error } = tryLoad(main, '/');
    expect(error).toBeUndefined();
    expect(parsed!.files).toEqual([main, 'conf.d/10-a.conf', 'conf.d/20-b.conf', 'conf.d/30-c.conf', 'conf.d/dir.conf', 'conf.d/20-b.conf', 'conf.d/30-c.conf']);
    const mine = effectiveConfig(parsed!, VERSION);
    expect(mine.duplicates.find((d) => d.name === 'timeout')?.locations).toHaveLength(3);
    expect(mine.values['lfu-log-factor']).toEqual({ value: '10', isDefault: true });
    const server = await startRedis({ configFile: main });
    try {
      const names = ['timeout', 'hz', 'maxclients', 'maxmemory-policy', 'lfu-log-factor', 'lfu-decay-time'];
      const live = await configGet(server.port, names);
      for (const name of names) expect({ name, value: mine.values[name]?.value }).toEqual({ name, value: live[name] });
    } finally {
      await server.stop();
    }
  });

  it('reads glob matches as one text: a file without a final newline runs into the next', async () => {
    const { main } = tree({
      'main.conf': 'dir $ROOT\ninclude conf.d/*.conf\n',
      'conf.d/1.conf': 'hz 10\ntimeout 1',
      'conf.d/2.conf': 'timeout 2\n',
    });
    const { error } = tryLoad(main, '/');
    expect(error).toMatchObject({ file: 'conf.d/1.conf', line: 2, reason: 'wrong number of arguments' });
    const server = await startRedis({ configFile: main, expectFailure: true });
    try {
      expect(server.log()).toContain("at line 2\n>>> 'timeout 1timeout 2'\nwrong number of arguments\n");
    } finally {
      await server.stop();
    }
  });

  it('reports an error inside an included file at that file\'s line', async () => {
    const { main } = tree({
      'main.conf': 'dir $ROOT\n\n\ninclude inc.conf\n',
      'inc.conf': '# comment\nmaxclients 10\nappendonly perhaps\n',
    });
    const { error } = tryLoad(main, '/');
    expect(error).toMatchObject({ file: 'inc.conf', line: 3, reason: "argument must be 'yes' or 'no'" });
    const server = await startRedis({ configFile: main, expectFailure: true });
    try {
      expect(server.log()).toContain(`at line 3\n>>> 'appendonly perhaps'\n${error?.reason}\n`);
    } finally {
      await server.stop();
    }
  });

  it('refuses a dir that does not exist, at its line', async () => {
    const { main } = tree({ 'main.conf': 'maxclients 10\ndir $ROOT/nope\n' });
    const { error } = tryLoad(main, '/');
    expect(error).toMatchObject({ file: main, line: 2, reason: 'No such file or directory' });
    const server = await startRedis({ configFile: main, expectFailure: true });
    try {
      expect(server.log()).toContain('at line 2\n');
      expect(server.log()).toContain(`\n${error?.reason}\n`);
    } finally {
      await server.stop();
    }
  });

  it('refuses a missing include file with Redis\'s message', async () => {
    const { main } = tree({ 'main.conf': 'dir $ROOT\ninclude missing.conf\n' });
    const { error } = tryLoad(main, '/');
    expect(error).toMatchObject({ file: main, line: 2 });
    const server = await startRedis({ configFile: main, expectFailure: true });
    try {
      expect(server.log()).toContain(error!.reason);
    } finally {
      await server.stop();
    }
  });

  it('detects include cycles (redis-server recurses until it crashes)', async () => {
    const { main } = tree({
      'main.conf': 'dir $ROOT\ninclude a.conf\n',
      'a.conf': 'timeout 1\ninclude b.conf\n',
      'b.conf': 'include a.conf\n',
    });
    const { error } = tryLoad(main, '/');
    expect(error).toMatchObject({ file: 'b.conf', line: 1, reason: 'include cycle: a.conf -> b.conf -> a.conf' });
    const server = await startRedis({ configFile: main, expectFailure: true });
    try {
      expect(server.log()).not.toContain('Ready to accept connections');
    } finally {
      await server.stop();
    }
  });

  it('reports a missing main file as bad input, not a crash', () => {
    const { root } = tree({});
    expect(() => loadConfigFile(join(root, 'absent.conf'))).toThrow(InputError);
  });

  it('without dir, resolves against the start-up directory of the server', async () => {
    const server = await startRedis({
      config: 'include part.conf\n',
      files: { 'part.conf': 'timeout 42\n' },
    });
    try {
      const { parsed, error } = tryLoad(join(server.dir, 'redis.conf'), server.dir);
      expect(error).toBeUndefined();
      const mine = effectiveConfig(parsed!, VERSION);
      expect(mine.values['timeout']?.value).toBe((await configGet(server.port, ['timeout']))['timeout']);
      expect(mine.values['timeout']?.value).toBe('42');
    } finally {
      await server.stop();
    }
  });
});
