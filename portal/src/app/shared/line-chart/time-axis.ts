/**
 * Date-aware ticks of the time axis of every line chart: steps aligned to local
 * clock units (1 s … 30 min, 1 h … 12 h, days, weeks) chosen from the visible span,
 * and labels that say the date where the day changes.
 */

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const D = 24 * H;
/** Tick steps, ms, smallest first. */
export const TIME_STEPS_MS = [S, 2 * S, 5 * S, 10 * S, 15 * S, 30 * S, MIN, 2 * MIN, 5 * MIN, 10 * MIN, 15 * MIN, 30 * MIN, H, 2 * H, 3 * H, 6 * H, 12 * H, D, 2 * D, 7 * D, 14 * D, 28 * D];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** Local midnight at or before `ms`. */
function localMidnight(ms: number): number {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** The smallest step that gives at most `maxTicks` ticks over [minMs, maxMs]. */
export function timeStep(minMs: number, maxMs: number, maxTicks = 7): number {
  const span = Math.max(0, maxMs - minMs);
  return TIME_STEPS_MS.find((step) => span / step <= Math.max(1, maxTicks - 1)) ?? TIME_STEPS_MS[TIME_STEPS_MS.length - 1];
}

/**
 * Tick values in [minMs, maxMs] at `timeStep` intervals aligned to local time: whole
 * seconds/minutes/hours from local midnight (12:00, 12:15...), midnights for day steps.
 */
export function timeTicks(minMs: number, maxMs: number, maxTicks = 7): number[] {
  if (!Number.isFinite(minMs) || !Number.isFinite(maxMs) || maxMs <= minMs) return [];
  const step = timeStep(minMs, maxMs, maxTicks);
  const ticks: number[] = [];
  if (step < D) {
    // Align to the local day the range starts in (DST shifts aside, the local clock's units).
    const base = localMidnight(minMs);
    for (let t = base + Math.ceil((minMs - base) / step) * step; t <= maxMs && ticks.length < 1000; t += step) ticks.push(t);
  } else {
    const days = Math.round(step / D);
    const d = new Date(localMidnight(minMs));
    if (d.getTime() < minMs) d.setDate(d.getDate() + 1);
    for (; d.getTime() <= maxMs && ticks.length < 1000; d.setDate(d.getDate() + days)) ticks.push(d.getTime());
  }
  return ticks;
}

/** "Dec 7" (local). */
export function formatDay(ms: number): string {
  const d = new Date(ms);
  return `${MONTHS[d.getMonth()]} ${d.getDate()}`;
}

/**
 * The label of a tick: the time in the unit the step needs (HH:MM:SS under a minute,
 * else HH:MM), with the date before it on the first tick and wherever the day changes;
 * day steps (or midnight) show the date alone.
 */
export function formatTick(ms: number, stepMs: number, previousMs: number | null): string {
  const d = new Date(ms);
  const time = stepMs < MIN ? `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}` : `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (stepMs >= D) return formatDay(ms);
  const newDay = previousMs === null || localMidnight(previousMs) !== localMidnight(ms);
  if (!newDay) return time;
  return localMidnight(ms) === ms ? formatDay(ms) : `${formatDay(ms)} ${time}`;
}
