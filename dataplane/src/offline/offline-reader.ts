import { parentPort, workerData } from 'node:worker_threads';
import { TableNames } from '../dpi/ndpi-names';
import { FlowExportRecord } from '../dataplane.types';
import { queryFlows } from '../flow/flow-query';
import { L7Names, NO_DPI_NAMES } from '../shard/record-names';
import { FlowTable } from '../flow/flow-table';
import { HostTable } from '../host/host-table';
import { getHost, queryHosts } from '../host/host-query';
import { countDistinctHosts } from '../host/host-count';
import { serializeError } from '../errors/dataplane-error';
import { OfflineShard, RecordOptions, flushShard, sweepShard } from './offline-pass';
import { ReaderInit, ReaderMessage, ReaderRequest } from './offline-protocol';

/**
 * Entry point of an offline reader thread (seeds/003: an offline thread). It
 * sees the shards' SharedArrayBuffers and answers the main thread's queries
 * and periodic passes one at a time, under the same read locks the main
 * thread would take, so long scans never block the main thread's event loop.
 * It never adds or deletes entries.
 */
function main(init: ReaderInit): void {
  const port = parentPort!;
  const post = (m: ReaderMessage) => port.postMessage(m);
  const shards: OfflineShard[] = init.shards.map((s) => {
    const hosts = new HostTable(s.hostSab);
    return { index: s.index, flows: new FlowTable(s.flowSab, hosts), hosts };
  });
  const byIndex = new Map(shards.map((s) => [s.index, s]));
  const pick = (indexes: number[]) => indexes.map((i) => byIndex.get(i)!);
  const names: L7Names = init.dpi && init.nameTables ? new TableNames(init.nameTables) : NO_DPI_NAMES;
  const recordOptions: RecordOptions = { probe: init.probe, interface: init.interface, names, activeTimeoutS: init.activeTimeoutS };

  const answer = (req: ReaderRequest): unknown => {
    switch (req.op) {
      case 'flows':
        return queryFlows(pick(req.shards), req.query, names);
      case 'hosts':
        return queryHosts(shards, req.query, names);
      case 'host':
        return getHost(shards, req.ip, req.vlan, names);
      case 'count-hosts':
        return countDistinctHosts(shards);
      case 'sweep': {
        const records: FlowExportRecord[] = [];
        for (const s of pick(req.shards)) sweepShard(s, req.nowS, req.maxSlots, recordOptions, records);
        return records;
      }
      case 'flush': {
        const records: FlowExportRecord[] = [];
        for (const s of pick(req.shards)) flushShard(s, recordOptions, req.reason, records);
        return records;
      }
      case 'close':
        return undefined;
    }
  };

  port.on('message', (req: ReaderRequest) => {
    try {
      post({ type: 'result', id: req.id, result: answer(req) });
    } catch (err) {
      post({ type: 'error', id: req.id, error: serializeError(err) });
    }
    // Every earlier request has been answered: the thread ends once the port closes.
    if (req.op === 'close') port.close();
  });
  post({ type: 'ready' });
}

main(workerData as ReaderInit);
