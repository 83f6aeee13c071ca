import { describe, expect, it } from 'vitest';
import { groupAclLog, parseAclLog } from './acl-log.js';

const entry = (over: Record<string, string | number>) => {
  const base: Record<string, string | number> = {
    count: 1, reason: 'command', context: 'toplevel', object: 'set', username: 'app', 'age-seconds': '3.5',
    'client-info': 'id=5 addr=127.0.0.1:5000 laddr=127.0.0.1:6379 fd=8 name= age=0 idle=0 flags=N db=0 cmd=set user=app',
    ...over,
  };
  return Object.entries(base).flat();
};

describe('ACL LOG', () => {
  it('parses RESP2 entries and RESP3 maps, reading cmd= from client-info', () => {
    const parsed = parseAclLog([entry({}), new Map<string, unknown>([['count', 2], ['reason', 'key'], ['object', 'foo'], ['username', 'app'], ['age-seconds', '1'], ['context', 'multi']])]);
    expect(parsed).toEqual([
      { count: 1, reason: 'command', context: 'toplevel', object: 'set', username: 'app', ageSeconds: 3.5, clientCommand: 'set' },
      { count: 2, reason: 'key', context: 'multi', object: 'foo', username: 'app', ageSeconds: 1, clientCommand: null },
    ]);
    expect(parseAclLog('not an array')).toEqual([]);
  });

  it('groups by user, reason and object, summing counts and keeping the newest age', () => {
    const groups = groupAclLog(
      parseAclLog([
        entry({ count: 2, 'age-seconds': '1' }),
        entry({ reason: 'key', object: 'foo', 'age-seconds': '2' }),
        entry({ count: 3, 'age-seconds': '70', context: 'lua' }),
        entry({ username: 'other', 'age-seconds': '5' }),
      ]),
    );
    expect(groups).toEqual([
      { user: 'app', reason: 'command', object: 'set', context: 'toplevel,lua', count: 5, lastSeenSeconds: 1, clientCommand: 'set' },
      { user: 'app', reason: 'key', object: 'foo', context: 'toplevel', count: 1, lastSeenSeconds: 2, clientCommand: 'set' },
      { user: 'other', reason: 'command', object: 'set', context: 'toplevel', count: 1, lastSeenSeconds: 5, clientCommand: 'set' },
    ]);
  });
});
