import { commandIndex, type CommandIndex } from './commands.js';
import { aclProfile, type AclProfile } from './profile.js';
import type { AclOptions } from './types.js';

/** Profile and command index for a set of options, resolved once: the hot path must not rebuild them. */
export interface AclContext {
  profile: AclProfile;
  index: CommandIndex;
}

const byObject = new WeakMap<AclOptions, AclContext>();
const byKey = new Map<string, AclContext>();

export function aclContext(opts: AclOptions): AclContext {
  let ctx = byObject.get(opts);
  if (ctx) return ctx;
  const key = `${opts.version}|${opts.debianBackports === true}|${opts.pubsubDefault ?? ''}`;
  ctx = byKey.get(key);
  if (!ctx) {
    ctx = { profile: aclProfile(opts), index: commandIndex(opts.version) };
    byKey.set(key, ctx);
  }
  byObject.set(opts, ctx);
  return ctx;
}
