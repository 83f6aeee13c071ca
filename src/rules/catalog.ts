/** Every rule, in catalog order (checks.md sections). list_checks and SARIF metadata read this. */
import type { Rule } from './types.js';
import { bindAll } from './net/bind-all.js';
import { bindPublic } from './net/bind-public.js';
import { defaultPort } from './net/default-port.js';
import { idleTimeout } from './net/idle-timeout.js';
import { maxclients } from './net/maxclients.js';
import { plaintextPortWithTls } from './net/plaintext-port-with-tls.js';
import { protectedModeOff } from './net/protected-mode-off.js';
import { protectedModePre7Bind } from './net/protected-mode-pre7-bind.js';
import { unauthReachable } from './net/unauth-reachable.js';
import { unixsocketPerm } from './net/unixsocket-perm.js';
import { anyNopassUser } from './auth/any-nopass-user.js';
import { bruteforceSignals } from './auth/bruteforce-signals.js';
import { cleartextSecret } from './auth/cleartext-secret.js';
import { confPerms } from './auth/conf-perms.js';
import { defaultUserEnabled } from './auth/default-user-enabled.js';
import { nopassDefault } from './auth/nopass-default.js';
import { replCreds } from './auth/repl-creds.js';
import { sharedPassword } from './auth/shared-password.js';
import { weakPassword } from './auth/weak-password.js';
import { aclAllchannels } from './acl/allchannels.js';
import { aclAllcommands } from './acl/allcommands.js';
import { aclAllkeys } from './acl/allkeys.js';
import { aclDangerous } from './acl/dangerous.js';
import { aclFileConflict } from './acl/file-conflict.js';
import { aclLogCapacity } from './acl/log-capacity.js';
import { aclRenameDeprecated } from './acl/rename-deprecated.js';
import { aclReplicaof } from './acl/replicaof.js';
import { aclRoleTemplates } from './acl/role-templates.js';
import { aclScripting } from './acl/scripting.js';
import { aclSkipSanitize } from './acl/skip-sanitize.js';
import { cmdDebugCmd } from './cmd/debug-cmd.js';
import { cmdKeysFlush } from './cmd/keys-flush.js';
import { cmdLocalMeansSsrf } from './cmd/local-means-ssrf.js';
import { cmdLuaLimits } from './cmd/lua-limits.js';
import { cmdModuleCmd } from './cmd/module-cmd.js';
import { cmdMonitor } from './cmd/monitor.js';
import { cmdProtectedConfigs } from './cmd/protected-configs.js';
import { iocCronKeys } from './ioc/cron-keys.js';
import { iocHijackedPassword } from './ioc/hijacked-password.js';
import { iocLogXproto } from './ioc/log-xproto.js';
import { iocPersistPath } from './ioc/persist-path.js';
import { iocRogueMaster } from './ioc/rogue-master.js';
import { iocUnknownClients } from './ioc/unknown-clients.js';
import { iocUnknownModule } from './ioc/unknown-module.js';
import { tlsCert } from './tls/cert.js';
import { tlsCiphers } from './tls/ciphers.js';
import { tlsClientAuth } from './tls/client-auth.js';
import { tlsDisabled } from './tls/disabled.js';
import { tlsInternode } from './tls/internode.js';
import { tlsProtocols } from './tls/protocols.js';
import { dataAtRest } from './data/at-rest.js';
import { dataCveSizeKnobs } from './data/cve-size-knobs.js';
import { dataDirPerms } from './data/dir-perms.js';
import { dataMaxmemory } from './data/maxmemory.js';
import { dataNoPersistence } from './data/no-persistence.js';
import { logAuditGap } from './log/audit-gap.js';
import { logNoSink } from './log/no-sink.js';
import { logPii } from './log/pii.js';
import { verCve } from './ver/cve.js';
import { verDebianLua } from './ver/debian-lua.js';
import { verEol } from './ver/eol.js';
import { osContainer } from './os/container.js';
import { osRoot } from './os/root.js';
import { osSystemd } from './os/systemd.js';

export const RULES: readonly Rule[] = [
  bindAll,
  bindPublic,
  defaultPort,
  idleTimeout,
  maxclients,
  plaintextPortWithTls,
  protectedModeOff,
  protectedModePre7Bind,
  unauthReachable,
  unixsocketPerm,
  anyNopassUser,
  bruteforceSignals,
  cleartextSecret,
  confPerms,
  defaultUserEnabled,
  nopassDefault,
  replCreds,
  sharedPassword,
  weakPassword,
  aclAllchannels,
  aclAllcommands,
  aclAllkeys,
  aclDangerous,
  aclFileConflict,
  aclLogCapacity,
  aclRenameDeprecated,
  aclReplicaof,
  aclRoleTemplates,
  aclScripting,
  aclSkipSanitize,
  cmdDebugCmd,
  cmdKeysFlush,
  cmdLocalMeansSsrf,
  cmdLuaLimits,
  cmdModuleCmd,
  cmdMonitor,
  cmdProtectedConfigs,
  iocCronKeys,
  iocHijackedPassword,
  iocLogXproto,
  iocPersistPath,
  iocRogueMaster,
  iocUnknownClients,
  iocUnknownModule,
  tlsCert,
  tlsCiphers,
  tlsClientAuth,
  tlsDisabled,
  tlsInternode,
  tlsProtocols,
  dataAtRest,
  dataCveSizeKnobs,
  dataDirPerms,
  dataMaxmemory,
  dataNoPersistence,
  logAuditGap,
  logNoSink,
  logPii,
  verCve,
  verDebianLua,
  verEol,
  osContainer,
  osRoot,
  osSystemd,
];
