/** A page's time range: presets, a custom from/to, and both as query parameters (plain functions, unit-tested). */

/** A preset of a range picker: the last `seconds` (0 = live). */
export interface TimeRange {
  label: string;
  seconds: number;
}

/** What a range picker holds: a preset, or a custom from/to (ms since epoch) typed in or zoomed into on a chart. */
export type RangeChoice = { kind: 'preset'; range: TimeRange } | { kind: 'custom'; fromMs: number; toMs: number };

/** `datetime-local` value of a time (local, minutes). */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The [from, to] ms of a choice at `nowMs`; null for the live preset. */
export function choiceWindow(choice: RangeChoice, nowMs: number): [number, number] | null {
  if (choice.kind === 'custom') return [choice.fromMs, choice.toMs];
  return choice.range.seconds ? [nowMs - choice.range.seconds * 1000, nowMs] : null;
}

/** A preset's name in the URL: its label without spaces, lower case ("1 h" → `1h`, "Live" → `live`). */
export function presetId(range: TimeRange): string {
  return range.label.replace(/\s+/g, '').toLowerCase();
}

/** Query parameters of a page's range, so a reload or a shared link opens the same range: `?range=1h`, or `?from=&to=` (ms since epoch). */
export interface RangeParams {
  range: string | null;
  from: number | null;
  to: number | null;
}

export function choiceParams(choice: RangeChoice): RangeParams {
  return choice.kind === 'custom' ? { range: null, from: Math.round(choice.fromMs), to: Math.round(choice.toMs) } : { range: presetId(choice.range), from: null, to: null };
}

/** The choice the query parameters hold: a custom from/to (both, from before to), else the named preset, else `ranges[0]`. */
export function choiceFromParams(ranges: TimeRange[], params: { range?: string; from?: string; to?: string }): RangeChoice {
  const fromMs = Number(params.from);
  const toMs = Number(params.to);
  if (params.from && params.to && Number.isFinite(fromMs) && Number.isFinite(toMs) && fromMs < toMs) return { kind: 'custom', fromMs, toMs };
  return { kind: 'preset', range: ranges.find((r) => presetId(r) === params.range) ?? ranges[0] };
}

/** The same range (a link or a reload gives new objects for the choice the page already shows). */
export function sameChoice(a: RangeChoice, b: RangeChoice): boolean {
  if (a.kind === 'custom' || b.kind === 'custom') return a.kind === b.kind && choiceWindow(a, 0)?.join() === choiceWindow(b, 0)?.join();
  return a.range === b.range;
}
