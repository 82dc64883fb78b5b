import { formatTick, timeStep, timeTicks } from './time-axis';

/** Local time of the test's machine (the portal formats in the browser's zone). */
const local = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) => new Date(y, mo - 1, d, h, mi, s).getTime();

describe('time axis', () => {
  it('picks a step from the span and aligns ticks to the local clock', () => {
    // 5 minutes of live data: a tick every minute on whole minutes.
    const from = local(2026, 12, 7, 14, 3, 27);
    expect(timeStep(from, from + 5 * 60_000)).toBe(60_000);
    expect(timeTicks(from, from + 5 * 60_000)).toEqual([4, 5, 6, 7, 8].map((m) => local(2026, 12, 7, 14, m)));
    // One hour: every 10 minutes, on :00, :10...
    const hour = timeTicks(local(2026, 12, 7, 9, 55), local(2026, 12, 7, 10, 55));
    expect(hour).toEqual([0, 10, 20, 30, 40, 50].map((m) => local(2026, 12, 7, 10, m)));
    // Six days: daily ticks at local midnights.
    const week = timeTicks(local(2026, 12, 1, 13), local(2026, 12, 7, 13));
    expect(week).toEqual([2, 3, 4, 5, 6, 7].map((d) => local(2026, 12, d)));
    // Seven days and more: every other day (at most 7 ticks).
    expect(timeTicks(local(2026, 12, 1, 13), local(2026, 12, 8, 13))).toEqual([2, 4, 6, 8].map((d) => local(2026, 12, d)));
    // A 30-day range stays within the tick budget.
    expect(timeTicks(local(2026, 11, 7), local(2026, 12, 7)).length).toBeLessThanOrEqual(7);
    expect(timeTicks(5, 5)).toEqual([]);
  });

  it('labels with the date where the day changes, and seconds only when the step needs them', () => {
    const step = 6 * 3_600_000;
    const ticks = timeTicks(local(2026, 12, 6, 10), local(2026, 12, 7, 16));
    expect(timeStep(local(2026, 12, 6, 10), local(2026, 12, 7, 16))).toBe(step);
    const labels = ticks.map((t, i) => formatTick(t, step, i ? ticks[i - 1] : null));
    expect(labels).toEqual(['Dec 6 12:00', '18:00', 'Dec 7', '06:00', '12:00']);
    expect(formatTick(local(2026, 12, 7, 14, 3, 20), 10_000, local(2026, 12, 7, 14, 3, 10))).toBe('14:03:20');
    expect(formatTick(local(2026, 12, 7), 86_400_000, null)).toBe('Dec 7');
  });
});
