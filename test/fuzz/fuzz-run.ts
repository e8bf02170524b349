// How a fuzz property runs: a fixed seed (printed, so any run can be repeated), a bounded number of
// runs, and a time limit that only guards CI against a machine far slower than expected.
//   FUZZ_SEED=<n>   repeat a run (the seed is printed at the start of every property)
//   FUZZ_RUNS=<n>   widen (or narrow) every property to n runs; the time guard then goes away
import fc from 'fast-check';

export const DEFAULT_SEED = 20_261_128;

const positiveInteger = (name: string): number | undefined => {
  const text = process.env[name];
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new Error(`${name} must be a whole number, got ${JSON.stringify(text)}`);
  return n;
};

export interface FuzzSettings {
  readonly seed: number;
  readonly numRuns: number;
  /** Interrupts (as a success) a run that exceeds it; none when FUZZ_RUNS asks for more. */
  readonly timeLimitMs: number | undefined;
}

export const fuzzSettings = (defaultRuns: number, timeLimitMs: number): FuzzSettings => {
  const runs = positiveInteger('FUZZ_RUNS');
  return { seed: positiveInteger('FUZZ_SEED') ?? DEFAULT_SEED, numRuns: runs ?? defaultRuns, timeLimitMs: runs === undefined ? timeLimitMs : undefined };
};

/** Runs `property` with the settings, after printing how to repeat it. */
export const runFuzz = async <T>(name: string, property: fc.IAsyncPropertyWithHooks<T>, settings: FuzzSettings): Promise<void> => {
  console.log(`    fuzz ${name}: seed ${settings.seed}, ${settings.numRuns} runs (repeat with FUZZ_SEED=${settings.seed}; widen with FUZZ_RUNS=<n>)`);
  await fc.assert(property, {
    seed: settings.seed,
    numRuns: settings.numRuns,
    ...(settings.timeLimitMs !== undefined ? { plugins: [fc.interruptAfterTimeLimit(settings.timeLimitMs)] } : {}),
  });
};
