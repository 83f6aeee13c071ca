import { describe, expect, it } from 'vitest';
import { classifyReply } from './replies.js';

// Texts as the servers send them (7.0.15 binary strings; 6.2/7.2 from acl-semantics §4.5).
const DENIED_70 =
  "DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface.";
const DENIED_62 =
  'DENIED Redis is running in protected mode because protected mode is enabled, no bind address was specified, no authentication password is requested to clients. In this mode connections are only accepted from the loopback interface.';

describe('classifyReply', () => {
  it('names the auth failures', () => {
    expect(classifyReply('NOAUTH Authentication required.')).toEqual({ kind: 'noauth' });
    expect(classifyReply('WRONGPASS invalid username-password pair or user is disabled.')).toEqual({ kind: 'wrongpass' });
    expect(
      classifyReply('ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?'),
    ).toEqual({ kind: 'auth-without-password' });
  });

  it('reads the denied command from every version\'s NOPERM text', () => {
    expect(classifyReply("NOPERM this user has no permissions to run the 'config|get' command")).toEqual({
      kind: 'noperm', denial: 'command', command: 'config|get', user: null,
    });
    expect(classifyReply("NOPERM User app has no permissions to run the 'set' command")).toEqual({
      kind: 'noperm', denial: 'command', command: 'set', user: 'app',
    });
    expect(classifyReply("NOPERM this user has no permissions to run the 'config' command or its subcommand")).toMatchObject({ command: 'config' });
    expect(classifyReply('NOPERM this user has no permissions to access one of the keys used as arguments')).toMatchObject({ denial: 'key' });
    expect(classifyReply('NOPERM No permissions to access a key')).toMatchObject({ denial: 'key' });
    expect(classifyReply('NOPERM No permissions to access a channel')).toMatchObject({ denial: 'channel' });
    expect(classifyReply('NOPERM this user has no permissions to access one of the channels used as arguments')).toMatchObject({ denial: 'channel' });
  });

  it('tells the protected-mode rule from the DENIED text', () => {
    expect(classifyReply(DENIED_70)).toEqual({ kind: 'denied', rule: 'default-user-password' });
    expect(classifyReply(DENIED_62)).toEqual({ kind: 'denied', rule: 'bind-or-password' });
    expect(classifyReply('DENIED something else')).toEqual({ kind: 'denied', rule: 'unknown' });
  });

  it('names server-state refusals', () => {
    expect(classifyReply('LOADING Redis is loading the dataset in memory')).toEqual({ kind: 'loading' });
    expect(classifyReply("READONLY You can't write against a read only replica.")).toEqual({ kind: 'readonly' });
    expect(classifyReply('MISCONF Redis is configured to save RDB snapshots, but ...')).toEqual({ kind: 'misconf' });
    expect(classifyReply('MOVED 3999 127.0.0.1:6381')).toEqual({ kind: 'moved', slot: 3999, address: '127.0.0.1:6381' });
    expect(classifyReply('ASK 3999 127.0.0.1:6381')).toEqual({ kind: 'ask', slot: 3999, address: '127.0.0.1:6381' });
    expect(classifyReply('CLUSTERDOWN Hash slot not served')).toEqual({ kind: 'clusterdown' });
    expect(classifyReply('ERR max number of clients reached')).toEqual({ kind: 'maxclients' });
    expect(classifyReply('ERR max number of clients + cluster connections reached')).toEqual({ kind: 'maxclients' });
    expect(classifyReply("ERR unknown command 'FOO'")).toEqual({ kind: 'other', text: "ERR unknown command 'FOO'" });
  });
});
