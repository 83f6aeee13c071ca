/**
 * Every command of every facts table resolves in the ACL engine with the categories and key specs
 * the real server reported: the engine's category members equal the server's own ACL CAT lists,
 * and the commands new in Redis 8.0 (HGETEX/HSETEX/HGETDEL, the vectorset module's V* commands)
 * and Valkey 8.1 (COMMANDLOG) get the permissions their key specs and categories imply.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VERSION_IDS, versionTable, type CommandInfo, type VersionId } from '../versions/index.js';
import { commandIndex, lookupRuleCommand } from './commands.js';
import { evaluate } from './evaluate.js';
import { parseAclUser } from './rules.js';

const allCommands = (id: VersionId): CommandInfo[] => versionTable(id).commands.flatMap((c) => [c, ...c.subcommands]);

describe.each(VERSION_IDS)('%s table in the ACL engine', (id) => {
  const index = commandIndex(id);
  const table = versionTable(id);

  it('resolves every command and subcommand, in any case, with the categories COMMAND reported', () => {
    for (const info of allCommands(id)) {
      for (const spelling of [info.name, info.name.toUpperCase()]) {
        const cmd = lookupRuleCommand(index, spelling);
        expect(cmd?.name, spelling).toBe(info.name);
      }
      const cmd = lookupRuleCommand(index, info.name)!;
      const cats = table.categories.filter((_, i) => (cmd.catMask & (1 << i)) !== 0);
      expect(cats.sort(), info.name).toEqual([...info.categories].sort());
      // 6.2 checks keys by first/last/step; 7.0+ by the key specs, one compiled spec each.
      if (id !== '6.2') expect(cmd.specs.length, info.name).toBe(info.keySpecs.length);
    }
  });

  it('puts in each category exactly the commands the server listed for ACL CAT <category>', () => {
    for (const [c, members] of Object.entries(table.categoryMembers)) {
      const bit = 1 << index.categoryIndex.get(c)!;
      const ours = index.byId.filter((cmd) => (cmd.catMask & bit) !== 0).map((cmd) => cmd.name).sort();
      expect(ours, `@${c}`).toEqual(members);
    }
  });

  it('+@category grants a command exactly when ACL CAT lists it (bounded property)', () => {
    // no_auth commands (AUTH, HELLO, QUIT...) skip the ACL check altogether.
    const commands = allCommands(id).filter((c) => c.subcommands.length === 0 && !c.flags.includes('no_auth'));
    fc.assert(
      fc.property(fc.constantFrom(...table.categories), fc.constantFrom(...commands), (cat, info) => {
        const user = parseAclUser('u', ['on', 'nopass', '~*', '&*', `+@${cat}`], { version: id });
        const argv = info.name.split('|');
        // Exactly `arity` words when positive, at least -arity when negative (the arity check runs first).
        while (argv.length < Math.abs(info.arity)) argv.push('x');
        const v = evaluate(user, argv, { version: id });
        expect(v.denial === 'command', `${info.name} under +@${cat}`).toBe(!table.categoryMembers[cat]!.includes(info.name));
      }),
      { numRuns: 200, seed: 13 },
    );
  });
});

describe('Redis 8.0: hash field expiry commands and the vectorset module', () => {
  const o = { version: '8.0' as const };
  const allowed = (rules: string, argv: string[]) => evaluate(parseAclUser('u', ['on', 'nopass', ...rules.split(' ')], o), argv, o);

  it('HGETEX, HSETEX and HGETDEL are @write @hash @fast and check keys by their specs', () => {
    for (const name of ['hgetex', 'hsetex', 'hgetdel']) expect(allCommands('8.0').find((c) => c.name === name)?.categories).toEqual(['write', 'hash', 'fast']);
    // HGETEX reads and updates (RW access update): read-only key access is not enough.
    expect(allowed('+@hash %R~h:*', ['HGETEX', 'h:1', 'FIELDS', '1', 'f']).denial).toBe('key');
    expect(allowed('+@hash %RW~h:*', ['HGETEX', 'h:1', 'FIELDS', '1', 'f']).allowed).toBe(true);
    // HSETEX only updates (RW update, no access): write permission alone suffices.
    expect(allowed('+@hash %W~h:*', ['HSETEX', 'h:1', 'FIELDS', '1', 'f', 'v']).allowed).toBe(true);
    expect(allowed('+@hash %R~h:*', ['HSETEX', 'h:1', 'FIELDS', '1', 'f', 'v']).denial).toBe('key');
    // HGETDEL returns and deletes (RW access delete): needs both.
    expect(allowed('+@hash %W~h:*', ['HGETDEL', 'h:1', 'FIELDS', '1', 'f']).denial).toBe('key');
    expect(allowed('+@write ~h:*', ['HGETDEL', 'h:1', 'FIELDS', '1', 'f']).allowed).toBe(true);
    expect(allowed('+@read ~*', ['HGETDEL', 'h:1', 'FIELDS', '1', 'f']).denial).toBe('command');
  });

  it('the V* commands carry no ACL category: only +@all or the command by name grants them', () => {
    const v = allCommands('8.0').filter((c) => c.flags.includes('module'));
    expect(v.map((c) => c.name).sort()).toEqual(['vadd', 'vcard', 'vdim', 'vemb', 'vgetattr', 'vinfo', 'vismember', 'vlinks', 'vrandmember', 'vrem', 'vsetattr', 'vsim']);
    for (const c of v) expect(c.categories, c.name).toEqual([]);
    expect(allowed('+@write +@read ~*', ['VADD', 'v:1', 'VALUES', '1', '0.5', 'e']).denial).toBe('command');
    expect(allowed('+@all ~*', ['VADD', 'v:1', 'VALUES', '1', '0.5', 'e']).allowed).toBe(true);
    expect(allowed('+@all -@write -@dangerous ~*', ['VADD', 'v:1', 'VALUES', '1', '0.5', 'e']).allowed).toBe(true);
    expect(allowed('+vadd ~v:*', ['vadd', 'v:1', 'VALUES', '1', '0.5', 'e']).allowed).toBe(true);
    expect(allowed('+vadd ~v:*', ['VADD', 'other', 'VALUES', '1', '0.5', 'e']).denial).toBe('key');
  });

  it('even the reading V* commands declare RW access update: %R~ alone does not reach a vector set', () => {
    expect(allowed('+vcard %R~v:*', ['VCARD', 'v:1']).denial).toBe('key');
    expect(allowed('+vsim %R~v:*', ['VSIM', 'v:1', 'ELE', 'e']).denial).toBe('key');
    expect(allowed('+vcard %RW~v:*', ['VCARD', 'v:1']).allowed).toBe(true);
  });

  it('has no V* commands before 8.0', () => {
    expect(lookupRuleCommand(commandIndex('7.4'), 'vadd')).toBeUndefined();
    expect(() => parseAclUser('u', ['+vadd'], { version: '7.4' })).toThrow(/Unknown command/);
  });
});

describe('Valkey 8.1: COMMANDLOG', () => {
  const o = { version: 'valkey-8.1' as const };
  const verdict = (rules: string, argv: string[]) => evaluate(parseAclUser('u', ['on', 'nopass', ...rules.split(' ')], o), argv, o);

  it('COMMANDLOG GET/LEN/RESET are @admin @dangerous, HELP is not', () => {
    expect(verdict('+@all -@dangerous', ['COMMANDLOG', 'GET', '10', 'slow']).denial).toBe('command');
    expect(verdict('+@all -@dangerous', ['COMMANDLOG', 'RESET', 'slow']).denial).toBe('command');
    expect(verdict('+@all -@dangerous', ['COMMANDLOG', 'HELP']).allowed).toBe(true);
    expect(verdict('+@admin', ['COMMANDLOG', 'LEN', 'large-request']).allowed).toBe(true);
    expect(verdict('+commandlog|get', ['COMMANDLOG', 'GET', '1', 'slow']).allowed).toBe(true);
    expect(verdict('+commandlog|get', ['COMMANDLOG', 'RESET', 'slow']).denial).toBe('command');
  });

  it('has no COMMANDLOG on Valkey 8.0', () => {
    expect(lookupRuleCommand(commandIndex('valkey-8.0'), 'commandlog')).toBeUndefined();
  });
});
