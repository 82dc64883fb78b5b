#!/usr/bin/env node
// Feeds a capture file's frames into the VM's capture NIC: qemu's
// `-netdev socket,udp=...,localaddr=...` takes one Ethernet frame per UDP datagram.
//   node send-frames.js CAPTURE.pcap PORT [GAP_MS]
// Prints the number of frames sent. Classic pcap, Ethernet link type, either
// byte order; frames are sent in file order, GAP_MS apart (qemu under TCG must
// keep up: a datagram the VM did not take in time is lost, not retried).
'use strict';
const fs = require('fs');
const dgram = require('dgram');

const [file, portArg, gapArg] = process.argv.slice(2);
const port = Number(portArg);
const gapMs = gapArg === undefined ? 2 : Number(gapArg);
if (!file || !(port > 0)) {
  console.error('usage: send-frames.js CAPTURE.pcap PORT [GAP_MS]');
  process.exit(2);
}

function frames(buf) {
  const magic = buf.readUInt32LE(0);
  let le;
  if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) le = true;
  else if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) le = false;
  else throw new Error(`${file}: not a classic pcap file`);
  const u32 = (o) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  if (u32(20) !== 1) throw new Error(`${file}: link type ${u32(20)}, Ethernet (1) needed`);
  const out = [];
  for (let o = 24; o + 16 <= buf.length; ) {
    const caplen = u32(o + 8);
    const origlen = u32(o + 12);
    if (caplen !== origlen) throw new Error(`${file}: truncated frame at ${o}: caplen ${caplen} < ${origlen}`);
    out.push(buf.subarray(o + 16, o + 16 + caplen));
    o += 16 + caplen;
  }
  return out;
}

const list = frames(fs.readFileSync(file));
const sock = dgram.createSocket('udp4');
let i = 0;
function next() {
  if (i === list.length) {
    sock.close();
    console.log(list.length);
    return;
  }
  sock.send(list[i++], port, '127.0.0.1', (err) => {
    if (err) {
      console.error(`send-frames: ${err.message}`);
      process.exit(1);
    }
    setTimeout(next, gapMs);
  });
}
next();
