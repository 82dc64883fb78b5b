import { DemoRandom } from './demo-random';
import { FlowPath, TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, tcpFrame, udpFrame } from './demo-frames';

/** One captured frame of the demo traffic. */
export interface DemoPacket {
  tsS: number;
  frame: Buffer;
}

/** An application message sent in one go by one side of a TCP connection. */
export interface TcpMessage {
  fromClient: boolean;
  data: Buffer;
  /** Extra pause before this message (think time), seconds. */
  pauseS?: number;
}

/** Options of {@link tcpSession}. */
export interface TcpSessionOptions {
  path: FlowPath;
  startS: number;
  /** Round-trip time between the capture point and the server, seconds. */
  rttS: number;
  messages: TcpMessage[];
  /** Bulk transfer rate, bytes per second: spacing of back-to-back segments. */
  rateBps: number;
  /** Who ends the connection: FIN from the client, FIN from the server, or an RST from the client. */
  close: 'client' | 'server' | 'reset';
  rng: DemoRandom;
}

// SYN options: MSS, NOP, NOP, SACK permitted, NOP, window scale 7 (12 bytes, as Linux minus timestamps).
const SYN_OPTIONS = Buffer.from([0x02, 0x04, 0x05, 0xb4, 0x01, 0x01, 0x04, 0x02, 0x01, 0x03, 0x03, 0x07]);
/** Client-side delay of an immediate reaction (ACK, next request), seconds. */
const HOST_REACTION_S = 0.00008;

/**
 * A complete TCP connection as seen near the client: three-way handshake, the messages segmented
 * at the MSS with sequence and acknowledgement numbers, delayed ACKs every two segments, and a
 * FIN or RST teardown. Packets are returned in time order.
 */
export function tcpSession(o: TcpSessionOptions): DemoPacket[] {
  const p = o.path;
  const mss = p.v6 ? 1440 : 1460;
  const out: DemoPacket[] = [];
  const rng = o.rng;
  let cSeq = rng.u32();
  let sSeq = rng.u32();
  const cWin = 502; // x128 (window scale 7) = 64 KiB
  const sWin = rng.pick([235, 501, 1050]);
  let t = o.startS;
  out.push({ tsS: t, frame: tcpFrame(p, true, cSeq, 0, TCP_SYN, Buffer.alloc(0), 64240, SYN_OPTIONS) });
  cSeq = (cSeq + 1) >>> 0;
  t += o.rttS;
  out.push({ tsS: t, frame: tcpFrame(p, false, sSeq, cSeq, TCP_SYN | TCP_ACK, Buffer.alloc(0), 65160, SYN_OPTIONS) });
  sSeq = (sSeq + 1) >>> 0;
  t += HOST_REACTION_S;
  out.push({ tsS: t, frame: tcpFrame(p, true, cSeq, sSeq, TCP_ACK, Buffer.alloc(0), cWin) });
  let lastFromClient = true;
  const segGapS = mss / o.rateBps;
  for (const m of o.messages) {
    // Capture point at the client: a server message arrives one RTT after the client's last one.
    t += (m.pauseS ?? 0) + (m.fromClient ? HOST_REACTION_S : lastFromClient ? o.rttS : HOST_REACTION_S);
    const segments = Math.max(1, Math.ceil(m.data.length / mss));
    for (let i = 0; i < segments; i++) {
      const chunk = m.data.subarray(i * mss, Math.min(m.data.length, (i + 1) * mss));
      const last = i === segments - 1;
      const flags = TCP_ACK | (last ? TCP_PSH : 0);
      const segT = t + i * segGapS * (m.fromClient ? 1 : rng.real(0.8, 1.2));
      if (m.fromClient) {
        out.push({ tsS: segT, frame: tcpFrame(p, true, cSeq, sSeq, flags, chunk, cWin) });
        cSeq = (cSeq + chunk.length) >>> 0;
        // The server's ACK for every second segment (and the last) comes back one RTT later.
        if (i % 2 === 1 || last) out.push({ tsS: segT + o.rttS, frame: tcpFrame(p, false, sSeq, cSeq, TCP_ACK, Buffer.alloc(0), sWin) });
      } else {
        out.push({ tsS: segT, frame: tcpFrame(p, false, sSeq, cSeq, flags, chunk, sWin) });
        sSeq = (sSeq + chunk.length) >>> 0;
        if (i % 2 === 1 || last) out.push({ tsS: segT + HOST_REACTION_S, frame: tcpFrame(p, true, cSeq, sSeq, TCP_ACK, Buffer.alloc(0), cWin) });
      }
      if (last) t = segT;
    }
    lastFromClient = m.fromClient;
  }
  t += rng.real(0.05, 2);
  if (o.close === 'reset') {
    out.push({ tsS: t, frame: tcpFrame(p, true, cSeq, sSeq, TCP_RST | TCP_ACK, Buffer.alloc(0), 0) });
  } else {
    const byClient = o.close === 'client';
    // Closer's FIN, the peer's FIN+ACK (one RTT later when the closer is the client), the last ACK.
    out.push({ tsS: t, frame: tcpFrame(p, byClient, byClient ? cSeq : sSeq, byClient ? sSeq : cSeq, TCP_FIN | TCP_ACK, Buffer.alloc(0), byClient ? cWin : sWin) });
    if (byClient) cSeq = (cSeq + 1) >>> 0;
    else sSeq = (sSeq + 1) >>> 0;
    t += byClient ? o.rttS : HOST_REACTION_S;
    out.push({ tsS: t, frame: tcpFrame(p, !byClient, byClient ? sSeq : cSeq, byClient ? cSeq : sSeq, TCP_FIN | TCP_ACK, Buffer.alloc(0), byClient ? sWin : cWin) });
    if (byClient) sSeq = (sSeq + 1) >>> 0;
    else cSeq = (cSeq + 1) >>> 0;
    t += byClient ? HOST_REACTION_S : o.rttS;
    out.push({ tsS: t, frame: tcpFrame(p, byClient, byClient ? cSeq : sSeq, byClient ? sSeq : cSeq, TCP_ACK, Buffer.alloc(0), byClient ? cWin : sWin) });
  }
  return out.sort((a, b) => a.tsS - b.tsS);
}

/** A UDP datagram as a demo packet. */
export function udpPacket(path: FlowPath, fromClient: boolean, tsS: number, payload: Buffer): DemoPacket {
  return { tsS, frame: udpFrame(path, fromClient, payload) };
}
