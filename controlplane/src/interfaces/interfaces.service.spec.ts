import type { InterfaceStats } from '@flowprobe/dataplane';
import { NotFoundException } from '@nestjs/common';
import type { DataplaneRepository } from '../dataplane/dataplane.repository';
import { typedMock } from '../testing/typed.mock';
import { InterfacesService } from './interfaces.service';

const worker = (i: number) => ({
  worker: i, packets: 10 + i, bytes: 1000 + i, num_flows: 3, num_hosts: 4, flow_table_full: i === 1, host_table_full: false,
  flow_capacity: 1024, host_capacity: 512, unaccounted_packets: 0, restarts: i, down: false, lost_packets: 5 * i,
});

const stats: InterfaceStats = {
  id: 0, name: 'dpdk0', source: 'dpdk:port0', packets: 21, bytes: 2001, drops: 2, num_flows: 6, num_hosts: 7,
  thpt: { bps: 800, pps: 2, upload_bps: 300, download_bps: 500 }, bytes_upload: 900, bytes_download: 1100,
  decode_errors: { truncated: 1 }, workers: [worker(0), worker(1)], running: true, worker_restarts: 1, workers_down: [],
  last_worker_crash: { worker: 1, reason: 'boom', at: '2026-12-07T13:00:00.000Z' },
  nic: { ipackets: 23, imissed: 1, ierrors: 1, rx_nombuf: 0, queues: [{ ipackets: 11, errors: 0 }, { ipackets: 12, errors: 1 }] },
} as unknown as InterfaceStats;

describe('InterfacesService (DataplaneRepository mocked)', () => {
  const dataplane = typedMock<DataplaneRepository>()('interfaces', 'interface');
  const service = new InterfacesService(dataplane);

  it('one entry per RX queue with its NIC counters, the NIC totals, no error field when none', async () => {
    dataplane.interfaces.mockResolvedValue([stats]);
    const [info] = await service.list();
    expect(info.queues).toEqual([
      { queue: 0, packets: 10, bytes: 1000, num_flows: 3, num_hosts: 4, nic_packets: 11, nic_errors: 0, flow_table_full: false, host_table_full: false, restarts: 0, down: false, lost_packets: 0 },
      { queue: 1, packets: 11, bytes: 1001, num_flows: 3, num_hosts: 4, nic_packets: 12, nic_errors: 1, flow_table_full: true, host_table_full: false, restarts: 1, down: false, lost_packets: 5 },
    ]);
    expect(info).toMatchObject({ worker_restarts: 1, workers_down: [], last_worker_crash: { worker: 1, reason: 'boom', at: '2026-12-07T13:00:00.000Z' } });
    expect(info.nic).toEqual({ ipackets: 23, imissed: 1, ierrors: 1, rx_nombuf: 0 });
    expect(info.thpt).toEqual({ bps: 800, pps: 2, upload_bps: 300, download_bps: 500 });
    expect('error' in info).toBe(false);
  });

  it('a source without a NIC (a file) has no NIC fields; a failed one carries its error', async () => {
    dataplane.interface.mockResolvedValue({ ...stats, nic: undefined, running: false, error: 'cannot start: no such file' });
    const info = await service.get(0);
    expect(info.nic).toBeUndefined();
    expect(info.queues[0]).not.toHaveProperty('nic_packets');
    expect(info.error).toBe('cannot start: no such file');
  });

  it("passes the repository's 404 for an unknown interface on", async () => {
    dataplane.interface.mockImplementation(() => {
      throw new NotFoundException('Interface 9 not found');
    });
    await expect(service.get(9)).rejects.toThrow('Interface 9 not found');
  });
});
