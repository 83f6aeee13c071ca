/** Every rule, in the check catalog's order (checks.md sections). list_checks and SARIF metadata read this. */
import type { Rule } from './types.js';
import { unauthReachable } from './net/unauth-reachable.js';
import { bindAll } from './net/bind-all.js';
import { bindPublic } from './net/bind-public.js';
import { protectedModeOff } from './net/protected-mode-off.js';
import { protectedModePre7Bind } from './net/protected-mode-pre7-bind.js';
import { plaintextPortWithTls } from './net/plaintext-port-with-tls.js';
import { defaultPort } from './net/default-port.js';
import { unixsocketPerm } from './net/unixsocket-perm.js';
import { idleTimeout } from './net/idle-timeout.js';
import { maxclients } from './net/maxclients.js';
import { nopassDefault } from './auth/nopass-default.js';
import { anyNopassUser } from './auth/any-nopass-user.js';
import { defaultUserEnabled } from './auth/default-user-enabled.js';
import { weakPassword } from './auth/weak-password.js';
import { cleartextSecret } from './auth/cleartext-secret.js';
import { confPerms } from './auth/conf-perms.js';
import { sharedPassword } from './auth/shared-password.js';
import { authPasswordAge } from './auth/password-age.js';
import { replCreds } from './auth/repl-creds.js';
import { bruteforceSignals } from './auth/bruteforce-signals.js';
import { aclAllcommands } from './acl/allcommands.js';
import { aclAllkeys } from './acl/allkeys.js';
import { aclAllchannels } from './acl/allchannels.js';
import { aclDangerous } from './acl/dangerous.js';
import { aclScripting } from './acl/scripting.js';
import { aclReplicaof } from './acl/replicaof.js';
import { aclRenameDeprecated } from './acl/rename-deprecated.js';
import { aclFileConflict } from './acl/file-conflict.js';
import { aclSkipSanitize } from './acl/skip-sanitize.js';
import { aclRoleTemplates } from './acl/role-templates.js';
import { aclLogCapacity } from './acl/log-capacity.js';
import { cmdProtectedConfigs } from './cmd/protected-configs.js';
import { cmdModuleCmd } from './cmd/module-cmd.js';
import { cmdDebugCmd } from './cmd/debug-cmd.js';
import { cmdLocalMeansSsrf } from './cmd/local-means-ssrf.js';
import { cmdKeysFlush } from './cmd/keys-flush.js';
import { cmdMonitor } from './cmd/monitor.js';
import { cmdLuaLimits } from './cmd/lua-limits.js';
import { iocPersistPath } from './ioc/persist-path.js';
import { iocRogueMaster } from './ioc/rogue-master.js';
import { iocUnknownModule } from './ioc/unknown-module.js';
import { iocCronKeys } from './ioc/cron-keys.js';
import { iocHijackedPassword } from './ioc/hijacked-password.js';
import { iocLogXproto } from './ioc/log-xproto.js';
import { iocUnknownClients } from './ioc/unknown-clients.js';
import { tlsDisabled } from './tls/disabled.js';
import { tlsProtocols } from './tls/protocols.js';
import { tlsCiphers } from './tls/ciphers.js';
import { tlsClientAuth } from './tls/client-auth.js';
import { tlsInternode } from './tls/internode.js';
import { tlsCert } from './tls/cert.js';
import { dataNoPersistence } from './data/no-persistence.js';
import { dataAtRest } from './data/at-rest.js';
import { dataDirPerms } from './data/dir-perms.js';
import { dataCveSizeKnobs } from './data/cve-size-knobs.js';
import { dataMaxmemory } from './data/maxmemory.js';
import { logNoSink } from './log/no-sink.js';
import { logPii } from './log/pii.js';
import { logAuditGap } from './log/audit-gap.js';
import { verCve } from './ver/cve.js';
import { verEol } from './ver/eol.js';
import { verDebianLua } from './ver/debian-lua.js';
import { osRoot } from './os/root.js';
import { osSystemd } from './os/systemd.js';
import { osContainer } from './os/container.js';
import { confUnknownDirective } from './conf/unknown-directive.js';
import { confDuplicateDirective } from './conf/duplicate-directive.js';

export const RULES: readonly Rule[] = [
  unauthReachable,
  bindAll,
  bindPublic,
  protectedModeOff,
  protectedModePre7Bind,
  plaintextPortWithTls,
  defaultPort,
  unixsocketPerm,
  idleTimeout,
  maxclients,
  nopassDefault,
  anyNopassUser,
  defaultUserEnabled,
  weakPassword,
  cleartextSecret,
  confPerms,
  sharedPassword,
  authPasswordAge,
  replCreds,
  bruteforceSignals,
  aclAllcommands,
  aclAllkeys,
  aclAllchannels,
  aclDangerous,
  aclScripting,
  aclReplicaof,
  aclRenameDeprecated,
  aclFileConflict,
  aclSkipSanitize,
  aclRoleTemplates,
  aclLogCapacity,
  cmdProtectedConfigs,
  cmdModuleCmd,
  cmdDebugCmd,
  cmdLocalMeansSsrf,
  cmdKeysFlush,
  cmdMonitor,
  cmdLuaLimits,
  iocPersistPath,
  iocRogueMaster,
  iocUnknownModule,
  iocCronKeys,
  iocHijackedPassword,
  iocLogXproto,
  iocUnknownClients,
  tlsDisabled,
  tlsProtocols,
  tlsCiphers,
  tlsClientAuth,
  tlsInternode,
  tlsCert,
  dataNoPersistence,
  dataAtRest,
  dataDirPerms,
  dataCveSizeKnobs,
  dataMaxmemory,
  logNoSink,
  logPii,
  logAuditGap,
  verCve,
  verEol,
  verDebianLua,
  osRoot,
  osSystemd,
  osContainer,
  // Config-file hygiene (issue 4): lint only.
  confUnknownDirective,
  confDuplicateDirective,
];
