#!/usr/bin/env node
// The README's test command: every suite, in order, stopping at the first failure.
import { spawnSync } from 'node:child_process';

const steps = [
  ['Python runtime setup', 'node', ['scripts/setup-python.mjs']],
  ['Lint (includes the layer rules)', 'npx', ['eslint', '.']],
  ['Type check', 'npm', ['run', '-s', 'typecheck']],
  ['Unit and integration tests (vitest)', 'npx', ['vitest', 'run']],
  // The e2e writes the program the full loop exports; pytest then loads it in plain DSPy.
  ['End-to-end tests (Playwright, Chromium)', 'npm', ['run', '-s', 'test:e2e']],
  ['Python tests (pytest)', 'node', ['scripts/pytest.mjs']],
];

for (const [title, cmd, args] of steps) {
  process.stdout.write(`\n=== ${title}: ${cmd} ${args.join(' ')}\n`);
  const started = Date.now();
  const run = spawnSync(cmd, args, { stdio: 'inherit' });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (run.status !== 0) {
    process.stdout.write(`\n=== FAILED: ${title} (exit ${run.status ?? run.signal}, ${secs}s)\n`);
    process.exit(run.status || 1);
  }
  process.stdout.write(`=== ok: ${title} (${secs}s)\n`);
}
process.stdout.write('\nAll test suites passed.\n');
