import { DpiEngine } from '../src/dpi/classifier';
import { NAME_TABLE_SPAN, TableNames } from '../src/dpi/ndpi-names';

/**
 * The main thread and the offline readers name protocols from a capture
 * worker's name tables instead of opening an nDPI module of their own: every
 * name they give must be the one the module gives, for every protocol pair,
 * category, breed and risk (the real nDPI 4.2 library, the project's custom
 * protocols loaded).
 */
describe('TableNames (names without an nDPI module)', () => {
  const engine = new DpiEngine({ flowCapacity: 1, maxConcurrentFlows: 1, batchCapacity: 1 });
  const module = engine.names;
  // Through a structured clone, as the tables cross threads.
  const tables = structuredClone(module.tables());
  const names = new TableNames(tables);
  afterAll(() => engine.close());

  it('carries every protocol nDPI knows, the custom ones included', () => {
    expect(tables.protocols.length).toBeGreaterThan(250);
    expect(tables.protocols[0]).toBe('Unknown');
    // A custom protocol of dataplane/src/dpi/host-patterns.ts is in the tables under the id the module gave it.
    const custom = module.protocolId('ChatGPT');
    expect(custom).toBeGreaterThan(0);
    expect(names.protocolName(custom)).toBe('ChatGPT');
  });

  it('names every master.app pair as the module does, unknown ids included', () => {
    const n = tables.protocols.length;
    const ids = [...Array(n + 3).keys(), 0x7fff, 0xffff];
    const differ: string[] = [];
    for (const master of ids)
      for (const app of ids) {
        const l7 = ((master << 16) | app) >>> 0;
        if (names.protocolName(l7) !== module.protocolName(l7)) differ.push(`${master}.${app}: ${names.protocolName(l7)} != ${module.protocolName(l7)}`);
      }
    expect(differ.slice(0, 10)).toEqual([]);
    // Spot checks of the three forms.
    const tls = module.protocolId('TLS');
    const youtube = module.protocolId('YouTube');
    expect(names.protocolName((tls << 16) | youtube)).toBe('TLS.YouTube');
    expect(names.protocolName((tls << 16) | 0)).toBe('TLS');
    expect(names.protocolName((tls << 16) | tls)).toBe('TLS');
    expect(names.protocolName(0)).toBe('Unknown');
  });

  it('names every category, breed and risk as the module does', () => {
    const differ: string[] = [];
    for (let c = 0; c < 0x10000; c += c < NAME_TABLE_SPAN + 4 ? 1 : 97) {
      for (const breed of [0, 1, 2, 5, 200, 255]) {
        const cb = c | (breed << 16) | (3 << 24);
        if (names.categoryName(cb) !== module.categoryName(cb)) differ.push(`category ${c}: ${names.categoryName(cb)} != ${module.categoryName(cb)}`);
        if (names.breedName(cb) !== module.breedName(cb)) differ.push(`breed ${breed}: ${names.breedName(cb)} != ${module.breedName(cb)}`);
      }
    }
    expect(differ.slice(0, 10)).toEqual([]);
    for (let bit = 0; bit < 64; bit++) {
      const lo = bit < 32 ? (1 << bit) >>> 0 : 0;
      const hi = bit < 32 ? 0 : (1 << (bit - 32)) >>> 0;
      expect(names.riskNames(lo, hi)).toEqual(module.riskNames(lo, hi));
    }
    expect(names.riskNames(0xffffffff, 0xffffffff)).toEqual(module.riskNames(0xffffffff, 0xffffffff));
    expect(names.riskNames(0xffffffff, 0).length).toBe(31);
  });
});
