import { Socket, createSocket } from 'node:dgram';

/** A local syslog receiver over UDP: the SIEM end of the "send test alert" test. */
export interface UdpReceiver {
  port: number;
  messages: string[];
  /** Resolves with the first message matching `predicate`, rejects after `timeoutMs`. */
  waitFor(predicate: (message: string) => boolean, timeoutMs: number): Promise<string>;
  close(): Promise<void>;
}

export async function startUdpReceiver(): Promise<UdpReceiver> {
  const socket: Socket = createSocket('udp4');
  const messages: string[] = [];
  const waiters: { predicate: (m: string) => boolean; resolve: (m: string) => void }[] = [];
  socket.on('message', (buffer) => {
    const message = buffer.toString('utf8');
    messages.push(message);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(message)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    messages,
    waitFor(predicate, timeoutMs) {
      const already = messages.find(predicate);
      if (already) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const waiter = {
          predicate,
          resolve: (m: string) => {
            clearTimeout(timer);
            resolve(m);
          },
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`no matching syslog message within ${timeoutMs} ms; received ${messages.length}: ${messages.slice(-3).join(' | ')}`));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}
