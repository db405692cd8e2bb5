// Training data store figures. Prints ONE JSON object on the last stdout line.
//   ingest: 100,000 examples through the store (TrainingData.addExamples: zod validation, redaction,
//           hashing, split, label history, audit) and through a JSONL import, against raw better-sqlite3
//           inserts of the same rows (same schema, same pragmas, values precomputed) in one transaction.
//           The three run in 3 interleaved rounds, each into a fresh file; the ratio is the median of the
//           per-round ratios (raw time / store time of the same round; all printed), rates use median times.
//   quality + bias report on 10,000 examples (median of 3); snapshot (version create) of a 100,000-row version.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TrainingData } from '../electron/core/training-data';
import { inputHashOf, contentHashOf } from '../electron/core/training-data/store';
import { splitFor } from '../electron/core/training-data/splits';
import { newId } from '../electron/core/storage/hashing';
import { openDatabase } from '../electron/core/storage';

const N = 100_000;
const Q = 10_000;
const SPEC = { input_fields: [{ name: 'question', type: 'string' }], output_fields: [{ name: 'answer', type: 'string' }] };
const WORDS = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon phi chi psi omega great terrible refund shipping order product'.split(' ');

function rows(n: number, seed: number) {
  let s = seed;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const words = (k: number) => Array.from({ length: k }, () => WORDS[Math.floor(rnd() * WORDS.length)]).join(' ');
  return Array.from({ length: n }, (_, i) => ({
    inputs: { question: `question ${i}: ${words(8 + Math.floor(rnd() * 12))}?` },
    outputs: { answer: `${words(2 + Math.floor(rnd() * 30))}` },
    label: (['unlabeled', 'accepted', 'rejected'] as const)[i % 3],
    observed_at: new Date(Date.UTC(2025, 0, 1) + Math.floor(rnd() * 180) * 86_400_000).toISOString(),
  }));
}

function timed<T>(fn: () => T): [T, number] {
  const t = performance.now();
  const r = fn();
  return [r, (performance.now() - t) / 1000];
}

const ROUNDS = 3;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'td-bench-'));
const data = rows(N, 42);
const jsonl = Buffer.from(data.map((r) => JSON.stringify({ ...r.inputs, ...r.outputs, label: r.label, timestamp: r.observed_at })).join('\n'));

// raw better-sqlite3 baseline: same schema and pragmas (openDatabase), values precomputed outside the timing, one transaction
const sigHash = (() => {
  const probe = TrainingData.open(path.join(tmp, 'probe'));
  const h = probe.registerSignature('qa', SPEC).hash;
  probe.close();
  return h;
})();
const now = new Date().toISOString();
const values = data.map((r) => {
  const ih = inputHashOf(sigHash, r.inputs);
  const labeled = r.label !== 'unlabeled';
  return [newId(), sigHash, JSON.stringify(r.inputs), JSON.stringify(r.outputs), ih, contentHashOf(r.inputs, r.outputs), 'user_feedback', r.label, labeled ? 'bench' : null, labeled ? now : null, null, splitFor(ih), null, null, 0, null, r.observed_at, now, now];
});

let keep: TrainingData | undefined; // the last round's store, for the snapshot
const runs = {
  // 1. through the store (API): validation, redaction, hashing, split, label history, audit
  store(dir: string): number {
    const td = TrainingData.open(dir);
    td.registerSignature('qa', SPEC);
    const [res, secs] = timed(() => td.addExamples('qa', data, 'bench'));
    if (res.inserted !== N) throw new Error(`store inserted ${res.inserted}`);
    keep?.close();
    keep = td;
    return secs;
  },
  // 2. through a JSONL import (file decode and parse included)
  jsonl(dir: string): number {
    const td = TrainingData.open(dir);
    td.registerSignature('qa', SPEC);
    const [res, secs] = timed(() => td.importFile({ signature: 'qa', data: jsonl, fileName: 'bench.jsonl' }));
    if (res.inserted !== N) throw new Error(`import inserted ${res.inserted}: ${JSON.stringify(res.errors.slice(0, 3))}`);
    td.close();
    return secs;
  },
  // 3. raw inserts of the same rows
  raw(dir: string): number {
    const raw = openDatabase(path.join(dir, 'studio.db'));
    raw.prepare('INSERT INTO signatures (hash, name, spec_json, created_at) VALUES (?, ?, ?, ?)').run(sigHash, 'qa', JSON.stringify(SPEC), now);
    const stmt = raw.prepare(
      `INSERT INTO examples (id, signature_hash, inputs_json, outputs_json, input_hash, content_hash, source, label_state, labeled_by, labeled_at, rating, split, run_id, import_id, redactions, metadata_json, observed_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const [, secs] = timed(() => raw.transaction(() => values.forEach((v) => stmt.run(...v)))());
    raw.close();
    return secs;
  },
};

// The three ingest paths run in ROUNDS interleaved rounds (order rotated each round, a fresh file each
// time), so load from other processes on the machine hits them alike; ratios use the median times.
const order = ['store', 'jsonl', 'raw'] as const;
const secs: Record<(typeof order)[number], number[]> = { store: [], jsonl: [], raw: [] };
for (let r = 0; r < ROUNDS; r++) {
  for (let k = 0; k < order.length; k++) {
    const name = order[(k + r) % order.length];
    const dir = path.join(tmp, `${name}-${r}`);
    secs[name].push(runs[name](dir));
    if (name !== 'store') fs.rmSync(dir, { recursive: true, force: true });
  }
}
const td = keep!;

// 4. snapshot of the 100,000-row version
const [version, snapshotSecs] = timed(() => td.createVersion({ signature: 'qa', by: 'bench' }));

// 5. quality + bias report on 10,000 examples (ROUNDS times on the same store; the median is the figure)
const td3 = TrainingData.open(path.join(tmp, 'quality'));
td3.registerSignature('qa', SPEC);
td3.addExamples('qa', rows(Q, 7), 'bench');
const qualityRuns: number[] = [];
let report!: ReturnType<TrainingData['quality']>;
for (let r = 0; r < ROUNDS; r++) {
  const [rep, s] = timed(() => td3.quality('qa'));
  report = rep;
  qualityRuns.push(s);
}
td3.close();
td.close();
fs.rmSync(tmp, { recursive: true, force: true });

const storeSecs = median(secs.store);
const importSecs = median(secs.jsonl);
const rawSecs = median(secs.raw);
const qualitySecs = median(qualityRuns);
const storeRate = N / storeSecs;
const importRate = N / importSecs;
const rawRate = N / rawSecs;
const round3 = (x: number) => Number(x.toFixed(3));
// each round's store and raw runs are adjacent in time, so the median of the per-round ratios is the headline
const ratioRounds = secs.store.map((s, r) => secs.raw[r] / s);
const ratioRoundsJsonl = secs.jsonl.map((s, r) => secs.raw[r] / s);
const ingestRatio = median(ratioRounds);
const ingestRatioJsonl = median(ratioRoundsJsonl);
const figures = {
  rows: N,
  rounds: ROUNDS,
  ingest_store_rows_per_s: Math.round(storeRate),
  ingest_jsonl_import_rows_per_s: Math.round(importRate),
  raw_insert_rows_per_s: Math.round(rawRate),
  ingest_ratio: round3(ingestRatio),
  ingest_ratio_jsonl_import: round3(ingestRatioJsonl),
  ingest_ratio_per_round: ratioRounds.map(round3),
  ingest_ratio_jsonl_import_per_round: ratioRoundsJsonl.map(round3),
  ingest_ratio_of_median_rates: round3(storeRate / rawRate),
  ingest_ratio_target: 0.5,
  ingest_ratio_met: ingestRatio >= 0.5,
  ingest_seconds: { store: secs.store.map(round3), jsonl_import: secs.jsonl.map(round3), raw: secs.raw.map(round3) },
  quality_bias_examples: Q,
  quality_bias_seconds: round3(qualitySecs),
  quality_bias_seconds_per_run: qualityRuns.map(round3),
  quality_bias_target_seconds: 2,
  quality_bias_met: qualitySecs < 2,
  quality_overall: report.overall === null ? null : Number(report.overall.toFixed(4)),
  near_duplicate_pairs: report.nearDuplicatePairs.length,
  snapshot_rows: version.rowCount,
  snapshot_seconds: round3(snapshotSecs),
  snapshot_rows_per_s: Math.round(version.rowCount / snapshotSecs),
};
process.stdout.write(`${JSON.stringify(figures)}\n`);
