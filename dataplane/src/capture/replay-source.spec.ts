import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { END_OF_CAPTURE } from './capture-source';
import { PacketBurst } from './packet-burst';
import { CaptureFileError } from './pcap-file-error';
import { PcapWriter } from './pcap-writer';
import { ReplaySource } from './replay-source';

/** A clock the test moves by hand: no wall-clock timing in pass/fail. */
class FakeClock {
  constructor(public nowS: number) {}
  readonly read = (): number => this.nowS;
}

describe('ReplaySource', () => {
  let dir: string;
  let file: string;
  /** 10 packets at 100.0, 100.5, ... 104.5 s; packet i is 60 + i bytes filled with i. */
  const times = Array.from({ length: 10 }, (_, i) => 100 + i * 0.5);

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-replay-'));
    file = path.join(dir, 'ten.pcap');
    const w = new PcapWriter(file);
    times.forEach((t, i) => w.writePacket(t, Buffer.alloc(60 + i, i)));
    w.close();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Drains up to `max` packets (max speed), collecting timestamps and first bytes. */
  function drain(src: ReplaySource, max: number, burst = new PacketBurst(4)): { ts: number[]; firstBytes: number[]; end: boolean } {
    const ts: number[] = [];
    const firstBytes: number[] = [];
    while (ts.length < max) {
      const n = src.nextBurst(burst);
      if (n === END_OF_CAPTURE) return { ts, firstBytes, end: true };
      for (let i = 0; i < n; i++) {
        ts.push(burst.tsS[i]);
        firstBytes.push(burst.data[burst.offset[i]]);
        expect(burst.caplen[i]).toBe(60 + burst.data[burst.offset[i]]);
      }
    }
    return { ts, firstBytes, end: false };
  }

  it('at max speed without options hands out the file as it is, then ends', () => {
    const src = ReplaySource.open(file);
    const got = drain(src, 100);
    expect(got.end).toBe(true);
    expect(got.ts).toEqual(times);
    expect(got.firstBytes).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(src.stats()).toEqual({ packets: 10, bytes: 10 * 60 + 45, drops: 0 });
    expect(src.loops).toBe(1);
    src.close();
  });

  it('loops with timestamps that keep increasing by the duration plus the gap', () => {
    const src = ReplaySource.open(file, { loop: true, loopGapS: 2 });
    const got = drain(src, 30);
    expect(got.end).toBe(false);
    // Duration 4.5 s + 2 s gap: every pass is 6.5 s after the previous one.
    const expected = [...times, ...times.map((t) => t + 6.5), ...times.map((t) => t + 13)];
    got.ts.forEach((t, i) => expect(t).toBeCloseTo(expected[i], 9));
    for (let i = 1; i < got.ts.length; i++) expect(got.ts[i]).toBeGreaterThan(got.ts[i - 1]);
    expect(got.firstBytes.slice(10, 20)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(src.loops).toBe(2);
    expect(src.stats().packets).toBe(30);
    src.close();
  });

  it('shiftToNow puts the first packet at the wall-clock time of the start', () => {
    const clock = new FakeClock(1_800_000_000);
    const src = ReplaySource.open(file, { shiftToNow: true, clockS: clock.read });
    const got = drain(src, 100);
    got.ts.forEach((t, i) => expect(t).toBeCloseTo(1_800_000_000 + i * 0.5, 6));
    src.close();
  });

  it('startAtS anchors the shift and the pacing, so several readers of one file agree', () => {
    const clock = new FakeClock(1_900_000_003.25); // this reader starts late
    const src = ReplaySource.open(file, { shiftToNow: true, speed: 'realtime', startAtS: 1_900_000_000, clockS: clock.read });
    const burst = new PacketBurst(64);
    const n = src.nextBurst(burst);
    expect(src.nextBurst(burst)).toBe(0);
    const got = { ts: Array.from(burst.tsS.subarray(0, n)) };
    // 3.25 s after the common start: packets up to +3.0 s are due, shifted to the common start.
    expect(got.ts.length).toBe(7);
    got.ts.forEach((t, i) => expect(t).toBeCloseTo(1_900_000_000 + i * 0.5, 6));
    src.close();
  });

  it('realtime: returns 0 while the next packet is in the future and says how long to wait', () => {
    const clock = new FakeClock(5000);
    const src = ReplaySource.open(file, { speed: 'realtime', clockS: clock.read });
    const burst = new PacketBurst(8);
    expect(src.nextBurst(burst)).toBe(1); // t = 100.0 is due at once
    expect(burst.tsS[0]).toBe(100);
    expect(src.nextBurst(burst)).toBe(0);
    expect(burst.count).toBe(0);
    expect(src.msUntilNextPacket()).toBeCloseTo(500, 6);
    clock.nowS += 0.499;
    expect(src.nextBurst(burst)).toBe(0);
    clock.nowS += 0.001;
    expect(src.nextBurst(burst)).toBe(1);
    expect(burst.tsS[0]).toBe(100.5);
    clock.nowS += 1.2; // 101.0 and 101.5 are due, 102.0 not yet
    expect(src.nextBurst(burst)).toBe(2);
    expect(Array.from(burst.tsS.subarray(0, 2))).toEqual([101, 101.5]);
    expect([burst.data[burst.offset[0]], burst.data[burst.offset[1]]]).toEqual([2, 3]);
    expect([burst.caplen[0], burst.caplen[1]]).toEqual([62, 63]);
    clock.nowS += 100; // everything due: the rest of the internal burst (8 read ahead), then the file's tail
    const rest = drain(src, 100, burst);
    expect(rest.ts).toEqual(times.slice(4));
    expect(rest.end).toBe(true);
    src.close();
  });

  it('realtime with loop and shiftToNow follows the wall clock across passes', () => {
    const clock = new FakeClock(2_000_000_000);
    const src = ReplaySource.open(file, { speed: 'realtime', loop: true, shiftToNow: true, loopGapS: 1, clockS: clock.read });
    const burst = new PacketBurst(64);
    const seen: number[] = [];
    // Advance the clock in 0.25 s steps for 12 s: passes start at +0 s and +5.5 s and +11 s.
    for (let step = 0; step <= 48; step++) {
      const n = src.nextBurst(burst);
      for (let i = 0; i < n; i++) {
        expect(burst.tsS[i]).toBeLessThanOrEqual(clock.nowS + 1e-9);
        seen.push(burst.tsS[i] - 2_000_000_000);
      }
      clock.nowS += 0.25;
    }
    const expected = [...times, ...times.map((t) => t + 5.5), 11, 11.5, 12].map((t) => (t >= 100 ? t - 100 : t));
    expect(seen.length).toBe(expected.length);
    seen.forEach((t, i) => expect(t).toBeCloseTo(expected[i], 6));
    src.close();
  });

  it('delivers the packets before a corruption, then throws the file error', () => {
    const bad = path.join(dir, 'bad.pcap');
    fs.copyFileSync(file, bad);
    fs.truncateSync(bad, fs.statSync(bad).size - 10);
    for (const speed of ['max', 'realtime'] as const) {
      let nowS = 1e9;
      const src = ReplaySource.open(bad, { speed, loop: true, clockS: () => (nowS += 100) });
      const burst = new PacketBurst(3);
      let packets = 0;
      let error: unknown = null;
      try {
        for (let i = 0; i < 100; i++) packets += Math.max(0, src.nextBurst(burst));
      } catch (err) {
        error = err;
      }
      expect(packets).toBe(9);
      expect(error).toBeInstanceOf(CaptureFileError);
      expect((error as CaptureFileError).code).toBe('PCAP_TRUNCATED_RECORD');
      expect(src.stats().drops).toBe(1);
      src.close();
    }
  });

  it('an empty file ends even when looping', () => {
    const empty = path.join(dir, 'empty.pcap');
    new PcapWriter(empty).close();
    const src = ReplaySource.open(empty, { loop: true });
    expect(src.nextBurst(new PacketBurst())).toBe(END_OF_CAPTURE);
    src.close();
  });
});
