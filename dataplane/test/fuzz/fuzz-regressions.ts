/**
 * Crashing inputs the fuzzer found, kept as small captures in test/fixtures/fuzz/
 * and replayed by fuzz-pipeline.spec.ts through the same pipeline (docs/fuzzing.md).
 */
export const FUZZ_REGRESSIONS: string[] = [];
