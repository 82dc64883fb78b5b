// Traffic generator run inside the test network namespace (`ip netns exec NS node dpdk-traffic.js ...`).
//   udp HOST PORT FLOWS PER_FLOW   FLOWS sockets, each sends PER_FLOW datagrams and waits for each echo;
//                                  all stay open to the end, so each has its own port (a socket closed before
//                                  the next one binds may hand it its port: two flows of the test would be one)
//   http URL                       one GET, Connection: close, prints the status
const dgram = require('node:dgram');
const http = require('node:http');

async function udp(host, port, flows, perFlow) {
  const sockets = [];
  for (let f = 0; f < flows; f++) {
    const s = dgram.createSocket('udp4');
    sockets.push(s);
    await new Promise((r) => s.bind(0, r));
    for (let i = 0; i < perFlow; i++) {
      const echoed = new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no echo for flow ${f} datagram ${i}`)), 2000);
        s.once('message', () => {
          clearTimeout(t);
          resolve();
        });
      });
      s.send(Buffer.from(`flow ${f} datagram ${i}`), port, host);
      await echoed;
    }
  }
  for (const s of sockets) s.close();
}

function get(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false, headers: { connection: 'close' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      })
      .on('error', reject);
  });
}

const [mode, ...args] = process.argv.slice(2);
const run = mode === 'udp' ? udp(args[0], Number(args[1]), Number(args[2]), Number(args[3])) : get(args[0]).then((s) => console.log(s));
run.then(
  () => process.exit(0),
  (err) => {
    console.error(err.message);
    process.exit(1);
  },
);
