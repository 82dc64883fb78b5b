/**
 * Child process of dpdk-live.spec.ts: the product's Dataplane on a DPDK port (EAL and port set
 * up on this main thread, one capture worker per queue with its own flow/host shard). Sends
 * `{ ready }` once the workers poll, and on 'stop' stops them and sends every flow and the
 * interface counters (with the NIC's). argv[2]: JSON { eal: string[], queues: number }.
 */
import { FlowRecord, InterfaceStats } from '../src';
import { Dataplane } from '../src/dataplane';

export type DataplaneScenarioMessage = { ready: true } | { flows: FlowRecord[]; stats: InterfaceStats } | { error: string };

const send = (m: DataplaneScenarioMessage): Promise<void> => new Promise((resolve) => process.send!(m, () => resolve()));

async function main(): Promise<void> {
  const { eal, queues } = JSON.parse(process.argv[2]) as { eal: string[]; queues: number };
  const dp = await Dataplane.start({ source: { kind: 'dpdk', eal, port: 0, queues }, workers: queues, localNetworks: ['10.213.0.0/16'] });
  const stopped = new Promise<void>((resolve) => process.on('message', (m) => m === 'stop' && resolve()));
  await send({ ready: true });
  await stopped;
  await dp.stop();
  await send({ flows: dp.allFlows(), stats: dp.stats() });
}

main().then(
  () => process.exit(0),
  async (err: Error) => {
    await send({ error: err.stack ?? String(err) });
    process.exit(1);
  },
);
