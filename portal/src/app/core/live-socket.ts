import { HttpClient } from '@angular/common/http';
import { Injectable, NgZone, computed, inject, signal } from '@angular/core';
import type { AlertEvent, LiveBacklogMessage, LiveInterfaceSample, LiveMessage } from '@flowprobe/api';
import { API_BASE } from './api-client';
import type { LiveSeries } from './live-series';

/** Samples kept per interface: 5 minutes at the default 1 s live interval. */
export const LIVE_HISTORY_SAMPLES = 300;
/** Reconnect back-off bounds, ms. */
const RECONNECT_MIN_MS = 1_000;
const RECONNECT_MAX_MS = 15_000;

export type { LiveSeries } from './live-series';

export type LiveListener = () => void;

/**
 * The `/api/v1/live` WebSocket: interface throughput every live interval and new
 * alerts. The socket and its message handling run outside Angular's zone; charts
 * subscribe with {@link onSample} and redraw themselves, templates read the signals.
 */
@Injectable({ providedIn: 'root' })
export class LiveSocket {
  private readonly zone = inject(NgZone);
  private readonly http = inject(HttpClient);
  /** The kept series was asked for over HTTP (once per page load). */
  private backlogAsked = false;
  private socket: WebSocket | null = null;
  private wanted = false;
  private retryMs = RECONNECT_MIN_MS;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<LiveListener>();
  private readonly seriesById = new Map<number, LiveSeries>();

  readonly connected = signal(false);
  /** Bumped whenever the series change (a live sample or the backlog): computed charts read it. */
  readonly revision = signal(0);
  /** Latest sample of every interface. */
  readonly latest = signal<LiveInterfaceSample[]>([]);
  /** Live interval announced by the server, ms. */
  readonly intervalMs = signal(1_000);
  /** Alerts pushed since the page was opened, newest first (at most 50). */
  readonly alerts = signal<AlertEvent[]>([]);
  /** Alerts pushed since the alerts page was last opened (the navigation badge). */
  readonly unseenAlerts = signal(0);
  /** How many of those are engaged (a condition that holds), the others past (one-shot flow alerts, releases). */
  private readonly unseenEngaged = signal(0);
  /** The Alerts tab the badge counts: engaged when any unseen alert is, else past. */
  readonly unseenTab = computed<'engaged' | 'past'>(() => (this.unseenEngaged() > 0 ? 'engaged' : 'past'));

  /** Opens the socket (idempotent); it reconnects until {@link stop}. */
  start(): void {
    this.wanted = true;
    if (!this.socket) this.zone.runOutsideAngular(() => this.open());
    // The kept series also over HTTP, asked for with the page's first requests: a cold page's live charts are
    // drawn with its first frame instead of once the socket is open (its open event and messages queue behind
    // the page's first render). The socket's own backlog, whichever comes first, is merged the same way.
    if (!this.backlogAsked) {
      this.backlogAsked = true;
      this.http.get<LiveBacklogMessage>(`${API_BASE}/live/backlog`).subscribe({
        next: (backlog) => {
          if (backlog?.type === 'backlog' && Array.isArray(backlog.series)) this.fill(backlog);
        },
        error: () => undefined, // the socket brings the same series
      });
    }
  }

  stop(): void {
    this.wanted = false;
    clearTimeout(this.retryTimer);
    this.socket?.close();
    this.socket = null;
    this.connected.set(false);
  }

  /** The user looked at the alerts: clear the badge. */
  markAlertsSeen(): void {
    this.unseenAlerts.set(0);
    this.unseenEngaged.set(0);
  }

  /** History of every interface seen, in id order. */
  series(): LiveSeries[] {
    return [...this.seriesById.values()].sort((a, b) => a.id - b.id);
  }

  /** Calls `listener` (outside the zone) after every interfaces message; returns the unsubscribe. */
  onSample(listener: LiveListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private open(): void {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}/api/v1/live`);
    this.socket = socket;
    socket.onopen = () => {
      this.retryMs = RECONNECT_MIN_MS;
      this.connected.set(true);
    };
    socket.onmessage = (event: MessageEvent<string>) => {
      let message: LiveMessage;
      try {
        message = JSON.parse(event.data) as LiveMessage;
      } catch {
        console.warn('live: ignored a message that is not JSON');
        return;
      }
      this.handle(message);
    };
    socket.onclose = () => {
      this.socket = null;
      this.connected.set(false);
      if (!this.wanted) return;
      this.retryTimer = setTimeout(() => this.open(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, RECONNECT_MAX_MS);
    };
  }

  private handle(message: LiveMessage): void {
    switch (message.type) {
      case 'hello':
        this.intervalMs.set(message.interval_ms);
        break;
      case 'backlog':
        this.fill(message);
        break;
      case 'interfaces':
        this.record(message.ts * 1000, message.data);
        break;
      case 'alert':
        this.alerts.update((list) => [message.data, ...list].slice(0, 50));
        this.unseenAlerts.update((n) => n + 1);
        if (message.data.state === 'engaged') this.unseenEngaged.update((n) => n + 1);
        break;
    }
  }

  /**
   * The server's last minutes of throughput (sent right after the hello): each interface's
   * history starts from it, so a chart opened or reloaded is filled at once. Samples already
   * here that are newer than the backlog stay after it.
   */
  private fill(backlog: LiveBacklogMessage): void {
    for (const b of backlog.series) {
      const n = Math.min(b.ts.length, b.bps.length, b.download_bps.length, b.upload_bps.length, b.pps.length);
      const from = Math.max(0, n - LIVE_HISTORY_SAMPLES);
      const lastMs = n > 0 ? b.ts[n - 1] * 1000 : -Infinity;
      const old = this.seriesById.get(b.id);
      const keep = old ? old.tsMs.findIndex((t) => t > lastMs) : -1;
      const tail = <T>(a: T[]): T[] => (old && keep >= 0 ? a.slice(keep) : []);
      const series: LiveSeries = {
        id: b.id,
        name: b.name,
        tsMs: [...b.ts.slice(from, n).map((t) => t * 1000), ...tail(old?.tsMs ?? [])],
        bps: [...b.bps.slice(from, n), ...tail(old?.bps ?? [])],
        downloadBps: [...b.download_bps.slice(from, n), ...tail(old?.downloadBps ?? [])],
        uploadBps: [...b.upload_bps.slice(from, n), ...tail(old?.uploadBps ?? [])],
        pps: [...b.pps.slice(from, n), ...tail(old?.pps ?? [])],
        drops: old?.drops ?? 0,
      };
      const extra = series.tsMs.length - LIVE_HISTORY_SAMPLES;
      if (extra > 0) for (const k of ['tsMs', 'bps', 'downloadBps', 'uploadBps', 'pps'] as const) series[k].splice(0, extra);
      this.seriesById.set(b.id, series);
    }
    this.revision.update((n) => n + 1);
    for (const listener of this.listeners) listener();
  }

  private record(tsMs: number, samples: LiveInterfaceSample[]): void {
    for (const sample of samples) {
      let series = this.seriesById.get(sample.id);
      if (!series) {
        series = { id: sample.id, name: sample.name, tsMs: [], bps: [], downloadBps: [], uploadBps: [], pps: [], drops: 0 };
        this.seriesById.set(sample.id, series);
      }
      series.tsMs.push(tsMs);
      series.bps.push(sample.thpt.bps);
      series.downloadBps.push(sample.thpt.download_bps);
      series.uploadBps.push(sample.thpt.upload_bps);
      series.pps.push(sample.thpt.pps);
      series.drops = sample.drops;
      if (series.tsMs.length > LIVE_HISTORY_SAMPLES) {
        series.tsMs.shift();
        series.bps.shift();
        series.downloadBps.shift();
        series.uploadBps.shift();
        series.pps.shift();
      }
    }
    this.latest.set(samples);
    this.revision.update((n) => n + 1);
    for (const listener of this.listeners) listener();
  }
}
