import { Injectable } from '@nestjs/common';
import type { LiveBacklogMessage, LiveInterfacesMessage } from '../api';

/** Samples kept per interface: the portal's live charts show 300 (5 minutes at the default 1 s interval). */
export const LIVE_BACKLOG_SAMPLES = 300;

interface Ring {
  id: number;
  name: string;
  ts: number[];
  bps: number[];
  download_bps: number[];
  upload_bps: number[];
  pps: number[];
}

/**
 * The live throughput series of the last {@link LIVE_BACKLOG_SAMPLES} publications per
 * interface, in memory: sent to each WebSocket right after its hello, so a live
 * chart opened (or reloaded) starts filled instead of from one point.
 * Bounded: 300 samples × 5 numbers per interface.
 */
@Injectable()
export class LiveBacklog {
  private readonly rings = new Map<number, Ring>();

  /** Adds one publication (every live interval). */
  record(message: LiveInterfacesMessage): void {
    for (const s of message.data) {
      let ring = this.rings.get(s.id);
      if (!ring) {
        ring = { id: s.id, name: s.name, ts: [], bps: [], download_bps: [], upload_bps: [], pps: [] };
        this.rings.set(s.id, ring);
      }
      ring.name = s.name;
      ring.ts.push(message.ts);
      ring.bps.push(s.thpt.bps);
      ring.download_bps.push(s.thpt.download_bps);
      ring.upload_bps.push(s.thpt.upload_bps);
      ring.pps.push(s.thpt.pps);
      if (ring.ts.length > LIVE_BACKLOG_SAMPLES) {
        const extra = ring.ts.length - LIVE_BACKLOG_SAMPLES;
        for (const k of ['ts', 'bps', 'download_bps', 'upload_bps', 'pps'] as const) ring[k].splice(0, extra);
      }
    }
  }

  /** The kept series, oldest sample first, in interface id order. */
  message(): LiveBacklogMessage {
    const series = [...this.rings.values()].sort((a, b) => a.id - b.id).map((r) => ({ ...r, ts: [...r.ts], bps: [...r.bps], download_bps: [...r.download_bps], upload_bps: [...r.upload_bps], pps: [...r.pps] }));
    return { type: 'backlog', series };
  }
}
