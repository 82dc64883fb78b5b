/**
 * The flowprobe side of the fault test, as its own process so the test can
 * kill it: the real SiemDispatcher (outbox, Redis queues, forwarders, stream
 * transports) raising one alert every RAISE_EVERY_MS. Prints `raised <id>`
 * once an alert is durably queued, `idle` after `stop-raising` on stdin.
 */
import { buildTestAlert } from '../src/siem/formats/test-alert';
import { SiemDispatcher } from '../src/siem/siem-dispatcher';
import { ready, testRedis } from './siem-redis';

async function main(): Promise<void> {
  const redis = testRedis();
  await ready(redis);
  const dispatcher = new SiemDispatcher(redis, {
    prefix: process.env.PREFIX!,
    settleMs: Number(process.env.SETTLE_MS ?? 500),
    backoffBaseMs: 100,
    backoffMaxMs: 1000,
    idlePollMs: 200,
  });
  await dispatcher.setRecipients(JSON.parse(process.env.RECIPIENTS!));
  let raising = true;
  let seq = Number(process.env.START_SEQ ?? 0);
  process.stdin.on('data', (d) => {
    if (d.toString().includes('stop-raising')) raising = false;
  });
  process.on('SIGTERM', () => {
    raising = false;
    void dispatcher.close().then(() => {
      redis.disconnect();
      process.exit(0);
    });
  });
  const every = Number(process.env.RAISE_EVERY_MS ?? 10);
  while (raising) {
    const alert = buildTestAlert({ status: 'triggered', check: 'fault_test', details: { seq: seq++, pid: process.pid } });
    await dispatcher.publish(alert);
    process.stdout.write(`raised ${alert.id}\n`);
    await new Promise((r) => setTimeout(r, every));
  }
  process.stdout.write('idle\n');
}

main().catch((err) => {
  process.stderr.write(String(err?.stack ?? err) + '\n');
  process.exit(1);
});
