import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FUZZ_REGRESSIONS } from './fuzz/fuzz-regressions';
import { ASAN_SHIM, asanRuntime, runChunk } from './fuzz/fuzz-runner';

/**
 * The short fuzz run of `make test` (docs/fuzzing.md): 1 M structure-aware
 * mutated packets made from every shared capture, through the real pipeline —
 * capture workers, decoder, flow and host tables, the nDPI shim and nDPI, the
 * offline pass making flow records, flow/host queries — in child processes
 * with the AddressSanitizer build of the shim. A crash or an ASan report ends
 * the child: the test fails with its report. The kept crashing inputs
 * (fixtures/fuzz/) replay first.
 */
const PACKETS = Number(process.env.FLOWPROBE_FUZZ_PACKETS ?? 1_000_000);
const CHUNK = 500_000;

describe('fuzzing the pipeline with nDPI (AddressSanitizer shim)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-fuzz-test-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('has the AddressSanitizer runtime and shim', () => {
    expect(asanRuntime()).not.toBeNull();
    expect(fs.existsSync(ASAN_SHIM)).toBe(true);
  });

  it('replays the kept crashing inputs (fixtures/fuzz/)', async () => {
    for (const name of FUZZ_REGRESSIONS) {
      const run = await runChunk({ seed: 0, packets: 0, dir, replay: path.join(__dirname, 'fixtures', 'fuzz', name) }, true);
      expect({ name, code: run.code, signal: run.signal, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ name, code: 0, signal: null, stderr: '' });
      expect(run.result!.counted).toBeGreaterThan(0);
    }
  }, 300_000);

  it(`survives ${PACKETS} mutated packets through decode, flows, hosts, the shim and nDPI`, async () => {
    let packets = 0;
    let mutated = 0;
    let counted = 0;
    let classified = 0;
    let records = 0;
    const captures = new Set<number>();
    for (let seed = 1000; packets < PACKETS; seed++) {
      const run = await runChunk({ seed, packets: CHUNK, dir }, true);
      // A dead chunk: its exit, signal and the ASan report make the failure message.
      expect({ seed, code: run.code, signal: run.signal, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ seed, code: 0, signal: null, stderr: '' });
      const r = run.result!;
      packets += r.packets;
      mutated += r.mutated;
      counted += r.counted;
      classified += r.classified;
      records += r.flowRecords;
      captures.add(r.capturesUsed);
      // Every packet written reached the workers.
      expect(r.counted).toBe(r.packets);
      expect(r.queries).toBeGreaterThan(0);
    }
    expect(packets).toBeGreaterThanOrEqual(PACKETS);
    expect(mutated).toBeGreaterThan(PACKETS * 0.3);
    expect(counted).toBe(packets);
    // nDPI ran: flows were classified, and records came out of the offline pass.
    expect(records).toBeGreaterThan(1000);
    expect(classified).toBeGreaterThan(records / 20);
  }, 900_000);
});
