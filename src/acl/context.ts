import { commandIndex, withExtraCategories, type CommandIndex } from './commands.js';
import { aclProfile, type AclProfile } from './profile.js';
import type { AclOptions } from './types.js';

/** Profile and command index for a set of options, resolved once: the hot path must not rebuild them. */
export interface AclContext {
  profile: AclProfile;
  index: CommandIndex;
}

const byObject = new WeakMap<AclOptions, AclContext>();
const byKey = new Map<string, AclContext>();

// Callers usually pass the same options object call after call: skip even the WeakMap then.
let lastOpts: AclOptions | undefined;
let lastCtx: AclContext | undefined;

export function aclContext(opts: AclOptions): AclContext {
  if (opts === lastOpts) return lastCtx!;
  let ctx = byObject.get(opts);
  if (!ctx) ctx = resolve(opts);
  lastOpts = opts;
  lastCtx = ctx;
  return ctx;
}

function resolve(opts: AclOptions): AclContext {
  const extra = opts.extraCategories !== undefined && Object.keys(opts.extraCategories).length > 0 ? opts.extraCategories : undefined;
  const key = `${opts.version}|${opts.debianBackports === true}|${opts.pubsubDefault ?? ''}${extra ? `|${JSON.stringify(extra)}` : ''}`;
  let ctx = byKey.get(key);
  if (!ctx) {
    const base = commandIndex(opts.version);
    ctx = { profile: aclProfile(opts), index: extra ? withExtraCategories(base, extra) : base };
    // Server-reported categories vary per server: keep only a bounded number of such contexts.
    if (extra && byKey.size > 64) byKey.clear();
    byKey.set(key, ctx);
  }
  byObject.set(opts, ctx);
  return ctx;
}
