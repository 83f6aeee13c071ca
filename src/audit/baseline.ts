import { parseAclFile } from '../acl/index.js';
import { readInputFile } from '../input-file.js';
import type { UserBaseline } from '../rules/types.js';

/**
 * The approved users for IOC-HIJACKED-PASSWORD, from an ACL file (generate's users.acl stores
 * `#sha256` hashes; `>password` lines are hashed on reading and never kept). The file is read as
 * 7.4 reads it, the widest grammar; a malformed line is bad input with file:line.
 */
export function parseBaseline(text: string, file: string): UserBaseline {
  const acl = parseAclFile(text, file, { version: '7.4' });
  return {
    file,
    users: [...acl.users.values()].map((u) => ({ name: u.name, enabled: u.enabled, hashes: [...u.passwords], nopass: u.nopass })),
  };
}

export function loadBaseline(path: string): UserBaseline {
  return parseBaseline(readInputFile(path, 'baseline ACL file'), path);
}
