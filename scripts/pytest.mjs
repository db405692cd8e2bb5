#!/usr/bin/env node
// Runs the Python runtime's tests: setup (idempotent), then `python -m pytest python/tests -q`.
// Extra arguments are passed to pytest. The exit code is pytest's.
import { spawnSync } from 'node:child_process';
import { setupPython } from './setup-python.mjs';

const py = setupPython({ quiet: true });
const r = spawnSync(py, ['-m', 'pytest', 'python/tests', '-q', ...process.argv.slice(2)], { stdio: 'inherit' });
if (r.error) {
  console.error(`pytest: ${r.error.message}`);
  process.exit(1);
}
process.exit(r.status ?? 1);
