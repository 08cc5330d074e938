// A benchmark setting (an argument or a BENCH_* variable) that cannot be used: bench/run.ts prints its
// message and exits with code 2, as the CLI does for bad input, instead of a stack trace.
export class BenchSettingError extends Error {
  override name = 'BenchSettingError';
}
