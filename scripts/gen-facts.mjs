#!/usr/bin/env node
// Generates data/versions/<id>.json from the real servers' replies in shared/redis-facts/.
// Run: node scripts/gen-facts.mjs [path-to-redis-facts]  (default: ../shared/redis-facts)
// The output is committed so that installs without shared/ still have the tables.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const factsDir = resolve(process.argv[2] ?? join(root, '..', 'shared', 'redis-facts'));
const outDir = join(root, 'data', 'versions');

const SOURCES = [
  { id: '6.2', file: 'redis-6.2.16.json', flavor: 'redis' },
  { id: '7.0', file: 'redis-7.0.15.json', flavor: 'redis' },
  { id: '7.2', file: 'redis-7.2.6.json', flavor: 'redis' },
  { id: '7.4', file: 'redis-7.4.1.json', flavor: 'redis' },
  { id: 'valkey-7.2', file: 'valkey-7.2.7.json', flavor: 'valkey' },
  { id: 'valkey-8.0', file: 'valkey-8.0.1.json', flavor: 'valkey' },
  { id: '8.0', file: 'redis-8.0.2.json', flavor: 'redis' },
  { id: 'valkey-8.1', file: 'valkey-8.1.1.json', flavor: 'valkey' },
];

function pairs(list) {
  const out = {};
  for (let i = 0; i + 1 < list.length; i += 2) out[list[i]] = list[i + 1];
  return out;
}

function infoFields(text) {
  const out = {};
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

// RESP flat map [k, v, k, v] -> object, recursively for the key-spec shapes.
function keySpec(raw) {
  const m = pairs(raw);
  const bs = pairs(m.begin_search ?? []);
  const fk = pairs(m.find_keys ?? []);
  return {
    flags: m.flags ?? [],
    ...(m.notes ? { notes: m.notes } : {}),
    beginSearch: { type: bs.type, spec: pairs(bs.spec ?? []) },
    findKeys: { type: fk.type, spec: pairs(fk.spec ?? []) },
  };
}

function command(raw) {
  const [rawName, arity, flags, firstKey, lastKey, step, categories, tips = [], specs = [], subs = []] = raw;
  // Module commands keep the case they were registered with (Redis 8's vectorset: VADD ...); the
  // server looks names up case-insensitively, so the tables use one spelling: lowercase.
  const name = rawName.toLowerCase();
  return {
    name,
    arity,
    flags,
    firstKey,
    lastKey,
    step,
    categories: categories.map((c) => c.replace(/^@/, '')),
    tips,
    keySpecs: specs.map(keySpec),
    subcommands: subs.map(command),
  };
}

function docArgs(doc) {
  const m = pairs(doc);
  return { since: m.since ?? null, group: m.group ?? null, summary: m.summary ?? null };
}

mkdirSync(outDir, { recursive: true });
for (const s of SOURCES) {
  const raw = JSON.parse(readFileSync(join(factsDir, s.file), 'utf8'));
  const info = infoFields(raw.info_server);
  const docs = Array.isArray(raw.command_docs) ? pairs(raw.command_docs) : null;
  const table = {
    id: s.id,
    flavor: s.flavor,
    version: s.flavor === 'valkey' ? info.valkey_version ?? info.redis_version : info.redis_version,
    redisVersion: info.redis_version,
    source: s.file,
    aclDryrun: raw.acl_dryrun_supported === true,
    defaultAclList: raw.acl_list,
    categories: Object.keys(raw.acl_categories),
    // ACL CAT <category> of the real server: what the engine's category masks are tested against.
    categoryMembers: Object.fromEntries(Object.entries(raw.acl_categories).map(([c, m]) => [c, m.map((n) => n.toLowerCase()).sort()])),
    // Server order matters: it is the command-id order Redis uses when it describes bitmaps.
    commands: raw.command.map(command),
    // Modules the server loaded by itself (it was started without loadmodule): COMMAND DOCS names
    // the module of each module command, e.g. Redis 8's built-in vectorset.
    builtinModules: docs ? [...new Set(Object.values(docs).map((d) => pairs(d).module).filter(Boolean))].sort() : [],
    docs: docs ? Object.fromEntries(Object.entries(docs).map(([k, v]) => [k.toLowerCase(), docArgs(v)])) : null,
    config: pairs(raw.config_defaults),
  };
  writeFileSync(join(outDir, `${s.id}.json`), JSON.stringify(table) + '\n');
  console.log(`${s.id}: ${table.commands.length} commands, ${Object.keys(table.config).length} config params`);
}
