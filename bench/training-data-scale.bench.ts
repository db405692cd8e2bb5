// Training data at scale. Prints ONE JSON object on the last stdout line.
// For 10^4, 10^5 and 10^6 generated examples (one signature, short texts, labels and timestamps spread
// over a year, 1% near-duplicates): JSONL import (CLI path: TrainingData.importFile on a file), the
// quality report, the bias report, a snapshot (version create), a JSONL export to a file and the first page of the
// Data table (50 rows, data.list's query). Each operation runs in its own process, so its peak memory
// (maxRSS, the whole process including Node itself, about 50 MB) is its own; the store is opened before
// the clock starts. cpu_seconds (user + system of the process) is less sensitive to other load on the
// machine than the wall-clock seconds. ratio_1e6_1e5 = time at 10^6 / time at 10^5 (linear growth: 10);
// cpu_ratio_1e6_1e5 the same in CPU seconds. import_dspy: the same rows as one DSPy Example JSON file
// ({"examples": [flat objects]}) imported into a store of its own (streamed: its peak memory should not
// grow with the file).
// BENCH_SIZES=10000,100000 limits the sizes; BENCH_OPS=import,import_dspy limits the operations.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TrainingData } from '../electron/core/training-data';

const SPEC = {
  input_fields: [{ name: 'text', type: 'string' }],
  output_fields: [
    { name: 'label', type: 'string', schema: { type: 'string', enum: ['billing', 'shipping', 'account', 'other'] } },
    { name: 'summary', type: 'string' },
  ],
};
const SELF = fileURLToPath(import.meta.url);
const ALL_OPS = ['import', 'quality', 'bias', 'snapshot', 'export', 'first_page', 'import_dspy'] as const;
type Op = (typeof ALL_OPS)[number];
const OPS: readonly Op[] = process.env.BENCH_OPS ? ALL_OPS.filter((o) => process.env.BENCH_OPS!.split(',').includes(o)) : ALL_OPS;

function writeJsonl(file: string, n: number): void {
  let s = 12345;
  const rnd = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const vocab = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}`);
  const words = (k: number) => Array.from({ length: k }, () => vocab[Math.floor(rnd() ** 2 * vocab.length)]).join(' ');
  const labels = ['billing', 'shipping', 'account', 'other'];
  const states = ['accepted', 'accepted', 'accepted', 'rejected', 'unlabeled', 'unlabeled'];
  const t0 = Date.UTC(2025, 0, 1);
  const fd = fs.openSync(file, 'w');
  let prev = '';
  let out: string[] = [];
  for (let i = 0; i < n; i++) {
    const text = i > 0 && i % 100 === 0 ? `${prev} again` : `${i} ${words(6 + Math.floor(rnd() * 10))}`;
    prev = text;
    out.push(
      JSON.stringify({
        inputs: { text },
        outputs: { label: labels[Math.floor(rnd() * 4)], summary: words(3 + Math.floor(rnd() * 8)) },
        label: states[Math.floor(rnd() * states.length)],
        timestamp: new Date(t0 + Math.floor(rnd() * 365 * 86_400_000)).toISOString(),
      }),
    );
    if (out.length === 10_000) {
      fs.writeSync(fd, `${out.join('\n')}\n`);
      out = [];
    }
  }
  if (out.length) fs.writeSync(fd, `${out.join('\n')}\n`);
  fs.closeSync(fd);
}

/** The JSONL rows as DSPy Example JSON: flat objects (inputs, outputs, timestamp) under "examples". */
function writeDspyJson(jsonl: string, file: string): void {
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, '{"examples": [\n');
  let first = true;
  let rest = '';
  const buf = Buffer.alloc(1 << 20);
  const src = fs.openSync(jsonl, 'r');
  let n: number;
  while ((n = fs.readSync(src, buf, 0, buf.length, null)) > 0) {
    const lines = (rest + buf.toString('utf8', 0, n)).split('\n');
    rest = lines.pop()!;
    const items = lines.filter(Boolean).map((l) => {
      const r = JSON.parse(l) as { inputs: object; outputs: object; timestamp: string };
      return JSON.stringify({ ...r.inputs, ...r.outputs, timestamp: r.timestamp });
    });
    if (items.length) fs.writeSync(fd, `${first ? '' : ',\n'}${items.join(',\n')}`);
    if (items.length) first = false;
  }
  fs.closeSync(src);
  fs.writeSync(fd, '\n]}\n');
  fs.closeSync(fd);
}

/** Child: one operation on the store in dir; prints {seconds, peak_mb, ...}. */
function child(op: Op, dir: string, file: string): void {
  const td = TrainingData.open(op === 'import_dspy' ? path.join(dir, 'dspy-store') : dir);
  if (op === 'import' || op === 'import_dspy') td.registerSignature('scale', SPEC);
  const t = performance.now();
  const cpu = process.cpuUsage();
  let extra: Record<string, unknown> = {};
  if (op === 'import') {
    const r = td.importFile({ signature: 'scale', file, by: 'bench' });
    if (!r.ok) throw new Error(`import failed: ${JSON.stringify(r.errors.slice(0, 3))}`);
    extra = { inserted: r.inserted, file_mb: +(fs.statSync(file).size / 2 ** 20).toFixed(1) };
  } else if (op === 'import_dspy') {
    const dspy = path.join(dir, 'rows.dspy.json');
    const r = td.importFile({ signature: 'scale', file: dspy, by: 'bench' });
    if (!r.ok) throw new Error(`import failed: ${JSON.stringify(r.errors.slice(0, 3))}`);
    extra = { inserted: r.inserted, file_mb: +(fs.statSync(dspy).size / 2 ** 20).toFixed(1) };
  } else if (op === 'quality') {
    const q = td.quality('scale');
    extra = { overall: q.overall, near_duplicate_pairs: q.nearDuplicatePairs.length, diversity: q.dimensions.diversity };
  } else if (op === 'bias') extra = { score: td.bias('scale').score };
  else if (op === 'snapshot') extra = { rows: td.createVersion({ signature: 'scale', by: 'bench' }).rowCount };
  else if (op === 'export') {
    // as the CLI's `data export --out`: streamed to a file
    const fd = fs.openSync(path.join(dir, 'export.jsonl'), 'w');
    let bytes = 0;
    td.exportTo({ signature: 'scale', format: 'jsonl' }, (chunk) => (bytes += fs.writeSync(fd, chunk)));
    fs.closeSync(fd);
    extra = { mb: +(bytes / 2 ** 20).toFixed(1) };
  }
  else extra = { rows: td.page('scale', { limit: 50 }).rows.length };
  const seconds = (performance.now() - t) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  td.close();
  process.stdout.write(`${JSON.stringify({ seconds: +seconds.toFixed(3), cpu_seconds: +cpuSeconds.toFixed(3), peak_mb: Math.round(process.resourceUsage().maxRSS / 1024), ...extra })}\n`);
}

function main(): void {
  const sizes = (process.env.BENCH_SIZES ?? '10000,100000,1000000').split(',').map(Number);
  const figures: Record<string, Record<string, unknown>> = {};
  for (const n of sizes) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-scale-'));
    const file = path.join(dir, 'rows.jsonl');
    writeJsonl(file, n);
    if (OPS.includes('import_dspy')) writeDspyJson(file, path.join(dir, 'rows.dspy.json'));
    const row: Record<string, unknown> = {};
    for (const op of OPS) {
      process.stderr.write(`bench training-data-scale: ${op} at ${n}\n`);
      const run = spawnSync(process.execPath, ['--import', 'tsx', SELF, op, dir, file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
      const last = run.stdout.trim().split('\n').pop() ?? '';
      try {
        row[op] = JSON.parse(last);
      } catch {
        row[op] = { error: `exit ${run.status} ${run.signal ?? ''}`.trim() };
      }
    }
    figures[String(n)] = row;
    fs.rmSync(dir, { recursive: true, force: true });
  }
  // wall-clock and CPU ratios: on a shared machine the wall clock also measures the other load
  const ratio = (key: 'seconds' | 'cpu_seconds') => {
    const out: Record<string, number | null> = {};
    const a = figures['100000'];
    const b = figures['1000000'];
    if (a && b) for (const op of OPS) {
      const x = (a[op] as Record<string, number | undefined>)[key];
      const y = (b[op] as Record<string, number | undefined>)[key];
      out[op] = x && y ? +(y / x).toFixed(1) : null;
    }
    return out;
  };
  process.stdout.write(`${JSON.stringify({ sizes: figures, ratio_1e6_1e5: ratio('seconds'), cpu_ratio_1e6_1e5: ratio('cpu_seconds') })}\n`);
}

const [op, dir, file] = process.argv.slice(2);
if (op) child(op as Op, dir, file);
else main();
