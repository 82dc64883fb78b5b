import { DecodedPacket } from '../decode/decoded-packet';
import { ipv4Packet, makeShard, UDP } from '../../test/flow-fixtures';
import { countDistinctHosts } from './host-count';
import { mergedHosts } from './host-query';

describe('countDistinctHosts', () => {
  const p = new DecodedPacket();
  const parts = [0, 1].map(() => makeShard(1000, 1000, ['10.0.0.0/8']));
  const account = (shard: number, cli: number, srv: number) => parts[shard].flows.account(ipv4Packet(p, UDP, cli, 1000, srv, 53), 100, 60);

  beforeAll(() => {
    // 10.0.0.1-20 <-> 8.8.8.1-5; hosts seen by both shards count once.
    for (let i = 0; i < 20; i++) account(i % 2, 0x0a000001 + i, 0x08080801 + (i % 5));
    for (let i = 0; i < 10; i++) account(1, 0x0a000001 + i, 0x08080801);
  });

  it('counts each (address, VLAN) once over shards, as the materialising merge does', () => {
    const shards = parts.map(({ hosts }) => ({ hosts }));
    expect(countDistinctHosts(shards)).toBe(25);
    expect(countDistinctHosts(shards)).toBe(mergedHosts(shards).size);
  });

  it('counts hosts a worker adds between the count sizing its arrays and taking the shard lock', () => {
    const shards = parts.map(({ hosts }) => ({ hosts }));
    const table = parts[1].hosts.table;
    const lock = table.lockAllForRead.bind(table);
    let added = false;
    // The worker accounts 30 new hosts in shard 1 just before the count locks it.
    table.lockAllForRead = () => {
      if (!added) {
        added = true;
        for (let i = 0; i < 30; i++) account(1, 0x0a000100 + i, 0x08080801);
      }
      lock();
    };
    try {
      expect(countDistinctHosts(shards)).toBe(25 + 30);
    } finally {
      table.lockAllForRead = lock;
    }
    expect(countDistinctHosts(shards)).toBe(mergedHosts(shards).size);
  });
});
