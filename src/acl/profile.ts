import { versionTable, type VersionId } from '../versions/index.js';
import type { AclOptions } from './types.js';

/**
 * What differs between the servers an AclOptions can name. Each field is one behaviour read in
 * the server sources (see the ACL spec, §0, §1.4, §2.4, §2.8).
 */
export interface AclProfile {
  version: VersionId;
  /** 6.2 has one flat rule list: no selectors, no %R/%W, first-arg rules instead of subcommands. */
  legacy: boolean;
  /** How `%` rules are validated: upstream 7.0 accepts `%~x` and bare `%`; the CVE-2024-31227 fix
   * (7.2.6, 7.4.1, Valkey) rejects `%~x`; the CVE-2024-51741 fix (Debian 7.0.15) also rejects bare `%`. */
  percent: 'unchecked' | 'tilde-needs-flag' | 'needs-flag';
  /** 7.0 restarts an open selector when another `(` token arrives; 7.2+ appends it (and then fails). */
  nestedParenRestarts: boolean;
  /** 7.0 (and 6.2) print a recomputed command description; 7.2+ print the retained rules. */
  describe: 'recompute' | 'retained';
  /** 7.2+ create users with the sanitize-payload flag. */
  newUserSanitize: boolean;
  /** The stringmatchlen recursion guard (CVE-2024-31228), absent only in upstream 7.0.15. */
  globLimit: boolean;
  /** DRYRUN wording: 7.0 "This user ...", 7.2+ "User <u> ...". */
  wording: '7.0' | '7.2';
  pubsubDefault: 'allchannels' | 'resetchannels';
}

export function aclProfile(opts: AclOptions): AclProfile {
  const v = opts.version;
  const legacy = v === '6.2';
  const debian = opts.debianBackports === true && v === '7.0';
  const defaultPubsub = versionTable(v).config['acl-pubsub-default'] === 'allchannels' ? 'allchannels' : 'resetchannels';
  return {
    version: v,
    legacy,
    percent: v === '7.0' ? (debian ? 'needs-flag' : 'unchecked') : 'tilde-needs-flag',
    nestedParenRestarts: v === '7.0',
    describe: legacy || v === '7.0' ? 'recompute' : 'retained',
    newUserSanitize: !legacy && v !== '7.0',
    globLimit: v !== '7.0' || debian,
    wording: legacy || v === '7.0' ? '7.0' : '7.2',
    pubsubDefault: opts.pubsubDefault ?? defaultPubsub,
  };
}
