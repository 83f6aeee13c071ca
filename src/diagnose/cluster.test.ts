import { describe, expect, it } from 'vitest';
import { keySlot, parseClusterNodes, slotOwner } from './cluster.js';

describe('cluster routing', () => {
  it('hashes keys to the slots Redis uses, honouring hash tags', () => {
    // Values from CLUSTER KEYSLOT on redis-server 7.0.15.
    expect(keySlot('foo')).toBe(12182);
    expect(keySlot('bar')).toBe(5061);
    expect(keySlot('{user1000}.following')).toBe(keySlot('user1000'));
    expect(keySlot('{}x')).not.toBe(keySlot('x'));
  });

  it('finds the owner of a slot in CLUSTER NODES', () => {
    const nodes = parseClusterNodes(
      [
        'a1 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-8191 [93->-b2]',
        'b2 127.0.0.1:7001@17001 master - 0 1700000000000 2 connected 8192-16383',
        'c3 127.0.0.1:7002@17002 slave b2 0 1700000000000 2 connected',
      ].join('\n'),
    );
    expect(slotOwner(nodes, 12182)).toMatchObject({ id: 'b2', address: '127.0.0.1:7001', myself: false });
    expect(slotOwner(nodes, 93)).toMatchObject({ id: 'a1', myself: true });
    expect(nodes[2]?.master).toBe(false);
  });
});
