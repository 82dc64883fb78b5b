import { DECODE_STATUS_COUNT, DECODE_STATUS_NAMES, DecodeStatus } from './decode-status';

describe('DecodeStatus', () => {
  it('has one stable snake_case name per value, within the 32 counters the shard reserves', () => {
    expect(DECODE_STATUS_NAMES.length).toBe(DECODE_STATUS_COUNT);
    expect(DECODE_STATUS_COUNT).toBeLessThanOrEqual(32);
    expect(new Set(DECODE_STATUS_NAMES).size).toBe(DECODE_STATUS_COUNT);
    for (const name of DECODE_STATUS_NAMES) expect(name).toMatch(/^[a-z][a-z0-9_]*$/);
  });

  it('pins the values the stats are keyed on', () => {
    expect(DECODE_STATUS_NAMES[DecodeStatus.Ok]).toBe('ok');
    expect(DECODE_STATUS_NAMES[DecodeStatus.NonIp]).toBe('non_ip');
    expect(DECODE_STATUS_NAMES[DecodeStatus.Ipv4Fragment]).toBe('ipv4_fragment');
    expect(DECODE_STATUS_NAMES[DecodeStatus.TooManyEncapsulations]).toBe('too_many_encapsulations');
    expect(DECODE_STATUS_NAMES[DecodeStatus.TooManyLabels]).toBe('too_many_labels');
  });
});
