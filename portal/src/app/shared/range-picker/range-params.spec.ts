import { RangeChoice, TimeRange, choiceFromParams, choiceParams, presetId, sameChoice } from './range-params';

const RANGES: TimeRange[] = [
  { label: 'Live', seconds: 0 },
  { label: '1 h', seconds: 3600 },
  { label: '7 d', seconds: 7 * 86_400 },
];

describe('range query parameters', () => {
  it('names presets by their label', () => {
    expect(RANGES.map(presetId)).toEqual(['live', '1h', '7d']);
  });

  it('reads back what it writes: a preset, and a custom from/to in ms', () => {
    const preset: RangeChoice = { kind: 'preset', range: RANGES[2] };
    expect(choiceParams(preset)).toEqual({ range: '7d', from: null, to: null });
    expect(choiceFromParams(RANGES, { range: '7d' })).toEqual(preset);
    // The very preset object: the picker marks its button by identity.
    expect((choiceFromParams(RANGES, { range: '7d' }) as { range: TimeRange }).range).toBe(RANGES[2]);
    const custom: RangeChoice = { kind: 'custom', fromMs: 1_765_000_000_000, toMs: 1_765_000_900_000 };
    const params = choiceParams(custom);
    expect(params).toEqual({ range: null, from: 1_765_000_000_000, to: 1_765_000_900_000 });
    expect(choiceFromParams(RANGES, { from: String(params.from), to: String(params.to) })).toEqual(custom);
  });

  it('falls back to the first preset on missing, unknown or backwards parameters', () => {
    const first = { kind: 'preset', range: RANGES[0] };
    expect(choiceFromParams(RANGES, {})).toEqual(first);
    expect(choiceFromParams(RANGES, { range: '3w' })).toEqual(first);
    expect(choiceFromParams(RANGES, { from: '2000', to: '1000' })).toEqual(first);
    expect(choiceFromParams(RANGES, { from: 'x', to: '1000' })).toEqual(first);
    expect(choiceFromParams(RANGES, { from: '1000' })).toEqual(first);
    // A custom range wins over a preset name.
    expect(choiceFromParams(RANGES, { range: '1h', from: '1000', to: '2000' })).toEqual({ kind: 'custom', fromMs: 1000, toMs: 2000 });
  });

  it('compares choices by value', () => {
    expect(sameChoice({ kind: 'custom', fromMs: 1, toMs: 2 }, { kind: 'custom', fromMs: 1, toMs: 2 })).toBe(true);
    expect(sameChoice({ kind: 'custom', fromMs: 1, toMs: 2 }, { kind: 'custom', fromMs: 1, toMs: 3 })).toBe(false);
    expect(sameChoice({ kind: 'preset', range: RANGES[1] }, { kind: 'preset', range: RANGES[1] })).toBe(true);
    expect(sameChoice({ kind: 'preset', range: RANGES[1] }, { kind: 'custom', fromMs: 1, toMs: 2 })).toBe(false);
  });
});
