import { describe, expect, it } from 'vitest';
import { clusterLinks, describeLinks, droppedLinks, replicationLinks, type LinkState } from './tls-links.js';

const MASTER = '# Replication\r\nrole:master\r\nconnected_slaves:2\r\nslave0:ip=127.0.0.1,port=7001,state=online,offset=10,lag=0\r\nslave1:ip=127.0.0.1,port=7002,state=online,offset=10,lag=1\r\n';
const NODES = [
  'aaa 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-8191',
  'bbb 127.0.0.1:7001@17001 master - 0 1700000000000 2 connected 8192-16383',
  'ccc 127.0.0.1:7002@17002,host slave bbb 0 1700000000000 2 connected',
].join('\n');

describe('replication and cluster links', () => {
  it('reads replicas, the master link and cluster links as a node reports them', () => {
    const m = replicationLinks(MASTER);
    expect(m.role).toBe('master');
    expect([...m.replicas]).toEqual([['127.0.0.1:7001', 'online'], ['127.0.0.1:7002', 'online']]);
    expect(replicationLinks('# Replication\r\nrole:slave\r\nmaster_link_status:up\r\n').masterLink).toBe('up');
    const c = clusterLinks('cluster_state:ok\r\ncluster_slots_assigned:16384\r\n', NODES);
    expect(c.state).toBe('ok');
    expect([...c.links]).toEqual([['bbb 127.0.0.1:7001', 'connected'], ['ccc 127.0.0.1:7002', 'connected']]);
    expect(describeLinks({ ...m, cluster: c })).toBe('role master, 2/2 replica(s) online, cluster_state:ok, 2/2 node link(s) connected');
  });

  it('names every link that was up before and is not after', () => {
    const before: LinkState = { ...replicationLinks(MASTER), cluster: clusterLinks('cluster_state:ok', NODES) };
    expect(droppedLinks(before, before)).toEqual([]);
    const after: LinkState = {
      ...replicationLinks(MASTER.replace('port=7002,state=online', 'port=7002,state=wait_bgsave')),
      cluster: clusterLinks('cluster_state:fail', NODES.replace('2 connected 8192', '2 disconnected 8192')),
    };
    expect(droppedLinks(before, after)).toEqual(['replica 127.0.0.1:7002: wait_bgsave', 'cluster_state: fail', 'cluster node bbb 127.0.0.1:7001: disconnected']);
    const slave = replicationLinks('# Replication\r\nrole:slave\r\nmaster_link_status:up\r\n');
    expect(droppedLinks(slave, replicationLinks('# Replication\r\nrole:slave\r\nmaster_link_status:down\r\n'))).toEqual(['link to the master: down']);
    // A link that was already down is not the rotation's doing.
    expect(droppedLinks(replicationLinks('# Replication\r\nrole:slave\r\nmaster_link_status:down\r\n'), replicationLinks('# Replication\r\nrole:slave\r\nmaster_link_status:down\r\n'))).toEqual([]);
  });

  it('hostile values are shown escaped', () => {
    const s = replicationLinks('# Replication\r\nrole:ma\x1bster\r\n');
    expect(describeLinks(s)).not.toContain('\x1b');
  });
});
