/**
 * Generators shared by the ACL tests (the differential ones and the plan test): random rule lists drawn from
 * the whole grammar, and random command lines from the version's command table whose keys and
 * channels sometimes match the generated patterns and sometimes miss them.
 */
import fc from 'fast-check';
import { versionTable, type CommandInfo, type VersionId } from '../../src/versions/index.js';

export const NAMES = ['a', 'ab', 'abc', 'b1', 'foo:1', 'foo:bar', 'x*', 'k', 'ka', 'kb', 'news.t', 'news.*', ''];
const GLOBS = ['a*', 'b?', 'k[ab]', 'a', '*', 'x\\*', '[^a]*', 'foo:*', 'news.*', 'ab*c', '[a-c]*', 'k?', '', '*b*'];
const KEYWORDS = ['STORE', 'GET', 'BY', 'STREAMS', 'KEYS', 'LIMIT', 'GROUP', 'STOREDIST', 'COUNT', 'SET', 'INCRBY', 'OVERFLOW', 'WITHSCORES', 'USAGE'];
const NUMBERS = ['0', '1', '2', '3', '-1', '01', 'x'];

export function allCommands(version: VersionId): { top: CommandInfo; sub?: CommandInfo }[] {
  const out: { top: CommandInfo; sub?: CommandInfo }[] = [];
  for (const c of versionTable(version).commands) {
    if (c.subcommands.length === 0) out.push({ top: c });
    for (const s of c.subcommands) out.push({ top: c, sub: s });
  }
  return out;
}

export function ruleArb(version: VersionId): fc.Arbitrary<string> {
  const table = versionTable(version);
  const cmds = allCommands(version);
  const names = cmds.map((c) => (c.sub ? c.sub.name : c.top.name));
  const containers = table.commands.filter((c) => c.subcommands.length > 0).map((c) => c.name);
  const plain = table.commands.filter((c) => c.subcommands.length === 0).map((c) => c.name);
  const cats = table.categories;
  const glob = fc.constantFrom(...GLOBS);
  const cmdName = fc.constantFrom(...names);
  const caseMix = (s: string) => fc.constantFrom(s, s.toUpperCase());
  return fc.oneof(
    { weight: 6, arbitrary: fc.tuple(fc.constantFrom('+', '-'), cmdName).chain(([s, n]) => caseMix(`${s}${n}`)) },
    { weight: 6, arbitrary: fc.tuple(fc.constantFrom('+@', '-@'), fc.constantFrom(...cats, 'all', 'ALL', 'nosuch')).map(([s, c]) => `${s}${c}`) },
    { weight: 4, arbitrary: glob.map((g) => `~${g}`) },
    { weight: 4, arbitrary: fc.tuple(fc.constantFrom('%R~', '%W~', '%RW~', '%wr~', '%~', '%', '%R', '%RR~', '%X~'), glob).map(([p, g]) => (p.endsWith('~') ? `${p}${g}` : p)) },
    { weight: 3, arbitrary: glob.map((g) => `&${g}`) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...plain), fc.constantFrom('0', '1', 'object', 'get', '')).map(([c, a]) => `+${c}|${a}`) },
    // 6.2's table has no containers: a container|sub rule there is just an unknown command.
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom(...(containers.length > 0 ? containers : ['config'])), fc.constantFrom('get', 'nosuch', '')).map(([c, a]) => `+${c}|${a}`),
    },
    { weight: 1, arbitrary: fc.constantFrom('-select|0', '+config|get|x', '+get|a|b', '+', '-', '+@', '+|get', 'bogus', ')', '()', '(on)') },
    {
      weight: 5,
      arbitrary: fc.constantFrom(
        'on', 'off', 'nopass', 'resetpass', '>pw1', '>pw2', '<pw1', 'reset', 'allkeys', 'resetkeys', 'allchannels',
        'resetchannels', 'allcommands', 'nocommands', '~*', '&*', 'sanitize-payload', 'skip-sanitize-payload',
        'clearselectors', 'ON', 'AllKeys',
        '#34344e4d60c2b6d639b7bd22e18f2b0b91bc34bf0ac5f9952744435093cfb4e6',
        '!34344e4d60c2b6d639b7bd22e18f2b0b91bc34bf0ac5f9952744435093cfb4e6',
        '#34344E4D60C2B6D639B7BD22E18F2B0B91BC34BF0AC5F9952744435093CFB4E6', '#abc',
      ),
    },
  );
}

/** Rules that may also appear inside a selector. */
export function selectorRuleArb(version: VersionId): fc.Arbitrary<string> {
  return ruleArb(version).filter((r) => /^[~%&+-]|^(allkeys|resetkeys|allchannels|resetchannels|allcommands|nocommands)$/i.test(r));
}

/** A rule list: plain rules plus, now and then, a `(selector)` argument. */
export function ruleListArb(version: VersionId, withSelectors: boolean): fc.Arbitrary<string[]> {
  const sel = fc.array(selectorRuleArb(version), { minLength: 0, maxLength: 4 }).map((rs) => `(${rs.join(' ')})`);
  const item = withSelectors ? fc.oneof({ weight: 8, arbitrary: ruleArb(version) }, { weight: 1, arbitrary: sel }) : ruleArb(version);
  return fc.array(item, { minLength: 1, maxLength: 8 });
}

/** A rule list that tends to be valid, for evaluation cases (invalid lists only test parsing). */
export function grantingRuleListArb(version: VersionId): fc.Arbitrary<string[]> {
  const cats = versionTable(version).categories;
  const base = fc.constantFrom('+@all', '-@all', `+@${cats[1]}`, '+@read', '+@write', '+@all -@dangerous');
  const keys = fc.array(fc.constantFrom(...GLOBS.filter((g) => g !== '*')), { minLength: 0, maxLength: 3 }).chain((gs) =>
    fc.tuple(...gs.map((g) => fc.constantFrom(`~${g}`, `%R~${g}`, `%W~${g}`))),
  );
  const chans = fc.array(fc.constantFrom(...GLOBS), { minLength: 0, maxLength: 2 }).map((gs) => gs.map((g) => `&${g}`));
  const extra = fc.array(ruleArb(version), { minLength: 0, maxLength: 4 });
  const root = fc.tuple(base, keys, chans, extra, fc.boolean()).map(([b, k, c, e, all]) => [
    ...b.split(' '),
    ...(all ? ['allkeys'] : k),
    ...c,
    ...e.filter((r) => !/^(reset|clearselectors|<|!|#|\(|\)|bogus|\+$|-$)/i.test(r) && !r.startsWith('%') || /^%(R|W|RW)~/.test(r)),
  ]);
  const selector = fc.tuple(base, keys, chans).map(([b, k, c]) => `(${[...b.split(' '), ...k, ...c].join(' ')})`);
  return fc.tuple(root, fc.array(selector, { maxLength: 2 })).map(([r, s]) => [...r, ...s]);
}

export function argvArb(version: VersionId): fc.Arbitrary<string[]> {
  const cmds = allCommands(version);
  const word = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...NAMES) },
    { weight: 2, arbitrary: fc.constantFrom(...KEYWORDS) },
    { weight: 2, arbitrary: fc.constantFrom(...NUMBERS) },
  );
  return fc.constantFrom(...cmds).chain(({ top, sub }) => {
    const info = sub ?? top;
    const fixed = info.arity > 0 ? info.arity : -info.arity;
    const head = sub ? [top.name, sub.name.slice(top.name.length + 1)] : [top.name];
    const extra = info.arity > 0 ? fc.constant(0) : fc.integer({ min: 0, max: 5 });
    return extra.chain((n) =>
      fc.array(word, { minLength: Math.max(0, fixed + n - head.length), maxLength: Math.max(0, fixed + n - head.length) }).map((args) => [
        ...head.map((h, i) => (i === 0 && args.length % 3 === 0 ? h.toUpperCase() : h)),
        ...args,
      ]),
    );
  });
}

/** Puts the single-command part of a 7.0 description in a stable order (the server's is hash order). */
export function normaliseDescription(desc: string): string {
  const tokens = desc.replace(/\(/g, '( ').replace(/\)/g, ' )').split(' ').filter((t) => t.length > 0);
  const out: string[] = [];
  let run: string[] = [];
  const flush = () => {
    out.push(...run.sort());
    run = [];
  };
  for (const t of tokens) {
    if (/^[+-](?!@)/.test(t)) run.push(t);
    else {
      flush();
      out.push(t);
    }
  }
  flush();
  return out.join(' ');
}
