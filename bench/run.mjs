#!/usr/bin/env node
// Runs every bench/*.bench.ts (or those whose name contains an argument) and prints one JSON document.
// Each bench prints its figures as one JSON object on the last line of its stdout.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

const results = {};
let failed = false;
for (const file of files) {
  const name = file.replace(/\.bench\.ts$/, '');
  process.stderr.write(`bench: ${name}...\n`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, file)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const lastLine = run.stdout.trim().split('\n').pop() ?? '';
  try {
    results[name] = JSON.parse(lastLine);
  } catch {
    results[name] = { error: `exit ${run.status}; no JSON figures on stdout` };
    failed = true;
  }
}
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
process.exitCode = failed ? 1 : 0;
