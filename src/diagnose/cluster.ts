/** Cluster routing without sending the command: the key's hash slot and which node owns it (CLUSTER NODES). */

/** CRC16-CCITT (XMODEM), the hash Redis Cluster uses for slots. */
function crc16(data: Buffer): number {
  let crc = 0;
  for (const byte of data) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** The key's slot, honouring a non-empty {hash tag}. */
export function keySlot(key: string): number {
  const open = key.indexOf('{');
  if (open >= 0) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) return crc16(Buffer.from(key.slice(open + 1, close))) % 16384;
  }
  return crc16(Buffer.from(key)) % 16384;
}

export interface ClusterNode {
  id: string;
  /** host:port (the cluster bus port stripped). */
  address: string;
  myself: boolean;
  master: boolean;
  slots: [number, number][];
}

/** Parses CLUSTER NODES; importing/migrating markers ([slot->-id]) are skipped. */
export function parseClusterNodes(text: string): ClusterNode[] {
  const nodes: ClusterNode[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(' ');
    if (f.length < 8) continue;
    const flags = (f[2] ?? '').split(',');
    const slots: [number, number][] = [];
    for (const s of f.slice(8)) {
      if (s.startsWith('[')) continue;
      const [a, b] = s.split('-');
      slots.push([Number(a), Number(b ?? a)]);
    }
    nodes.push({
      id: f[0] ?? '',
      address: (f[1] ?? '').split('@')[0] ?? '',
      myself: flags.includes('myself'),
      master: flags.includes('master'),
      slots,
    });
  }
  return nodes;
}

export function slotOwner(nodes: ClusterNode[], slot: number): ClusterNode | undefined {
  return nodes.find((n) => n.master && n.slots.some(([a, b]) => slot >= a && slot <= b));
}
