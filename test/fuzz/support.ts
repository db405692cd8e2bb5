/**
 * Property-based fuzzing with fast-check: one seed per run (FUZZ_SEED to replay), printed with the
 * counterexample on failure; every case must finish within a generous time bound.
 */
import fc from 'fast-check';
import { afterAll } from 'vitest';

export const FUZZ_SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : (Date.now() ^ Math.floor(Math.random() * 2 ** 31)) | 0;
/** Far above any real case: a case this slow means unbounded work, not a slow machine. */
export const CASE_BUDGET_MS = 5000;

const counts: [string, number][] = [];
afterAll(() => {
  const total = counts.reduce((n, [, c]) => n + c, 0);
  console.log(`fuzz (seed ${FUZZ_SEED}): ${total} cases: ${counts.map(([name, c]) => `${name} ${c}`).join(', ')}`);
});

/** Runs `body` on `numRuns` generated values; a throw, or a case over the budget, fails with the seed to replay. */
export function fuzz<T>(name: string, arb: fc.Arbitrary<T>, numRuns: number, body: (value: T) => void): number {
  let ran = 0;
  const details = fc.check(
    fc.property(arb, (value) => {
      ran++;
      const t0 = performance.now();
      body(value);
      const ms = performance.now() - t0;
      if (ms > CASE_BUDGET_MS) throw new Error(`one case took ${ms.toFixed(0)} ms (bound ${CASE_BUDGET_MS} ms)`);
    }),
    { seed: FUZZ_SEED, numRuns },
  );
  if (details.failed) throw new Error(`fuzz ${name} failed; replay with FUZZ_SEED=${FUZZ_SEED}\n${fc.defaultReportMessage(details)}`);
  counts.push([name, ran]);
  return ran;
}

/** `fuzz` for an async body. */
export async function fuzzAsync<T>(name: string, arb: fc.Arbitrary<T>, numRuns: number, body: (value: T) => Promise<void>): Promise<number> {
  let ran = 0;
  const details = await fc.check(
    fc.asyncProperty(arb, async (value) => {
      ran++;
      const t0 = performance.now();
      await body(value);
      const ms = performance.now() - t0;
      if (ms > CASE_BUDGET_MS) throw new Error(`one case took ${ms.toFixed(0)} ms (bound ${CASE_BUDGET_MS} ms)`);
    }),
    { seed: FUZZ_SEED, numRuns },
  );
  if (details.failed) throw new Error(`fuzz ${name} failed; replay with FUZZ_SEED=${FUZZ_SEED}\n${fc.defaultReportMessage(details)}`);
  counts.push([name, ran]);
  return ran;
}

/** Text with a bias towards characters that matter to YAML, JSON and CSV. */
export const nastyChar = fc.oneof(
  fc.constantFrom(...':-[]{},#&*!|>\'"%@`?\n\r\t \\=+;'.split(''), '\u0000', '\u00e9', '\ud83d\ude00', '\ufeff', '\u2028'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);
export const nastyString = (maxLength = 40) => fc.array(nastyChar, { maxLength }).map((cs) => cs.join(''));
