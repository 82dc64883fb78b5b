import { EventEmitter } from 'node:events';
import { countApiRequests, TimeSlice } from './time-slice';

const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

describe('TimeSlice', () => {
  it('yields to pending I/O callbacks only once its budget is spent', async () => {
    let ran = false;
    setImmediate(() => (ran = true));
    const long = new TimeSlice(60_000);
    expect(long.due).toBe(false);
    await long.yieldIfDue(); // time left: no yield, the immediate has not run
    expect(ran).toBe(false);
    const spent = new TimeSlice(0);
    expect(spent.due).toBe(true);
    await spent.yieldIfDue();
    expect(ran).toBe(true);
  });

  it('while an API request is in flight, pauses after a slice as long as the slice ran', async () => {
    const res = new EventEmitter();
    countApiRequests({}, res, () => undefined);
    try {
      const slice = new TimeSlice(5);
      busy(20);
      const t = performance.now();
      let timerFired = false;
      setTimeout(() => (timerFired = true), 10);
      await slice.next();
      expect(timerFired).toBe(true); // the pause (≈ 20 ms) let a 10 ms timer run first
      expect(performance.now() - t).toBeGreaterThanOrEqual(15);
    } finally {
      res.emit('close');
    }
    // Request answered: the next slice only yields to I/O, no pause.
    const slice = new TimeSlice(5);
    busy(20);
    let timerFired = false;
    const timer = setTimeout(() => (timerFired = true), 5000);
    await slice.next();
    clearTimeout(timer);
    expect(timerFired).toBe(false);
  });
});
