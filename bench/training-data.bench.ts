// Training data store figures. Prints ONE JSON object on the last stdout line.
//   ingest: 100,000 examples through the store (TrainingData.addExamples: zod validation, redaction,
//           hashing, split, audit) and through a JSONL import, against raw better-sqlite3 inserts of
//           the same rows (same schema, same pragmas, values precomputed) in one transaction.
//   quality + bias report on 10,000 examples; snapshot (version create) of a 100,000-row version.
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

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'td-bench-'));
const data = rows(N, 42);

// 1. through the store (API)
const td = TrainingData.open(path.join(tmp, 'store'));
const sig = td.registerSignature('qa', SPEC);
const [storeRes, storeSecs] = timed(() => td.addExamples('qa', data, 'bench'));
if (storeRes.inserted !== N) throw new Error(`store inserted ${storeRes.inserted}`);

// 2. through a JSONL import (file parse included)
const td2 = TrainingData.open(path.join(tmp, 'import'));
td2.registerSignature('qa', SPEC);
const jsonl = Buffer.from(data.map((r) => JSON.stringify({ ...r.inputs, ...r.outputs, label: r.label, timestamp: r.observed_at })).join('\n'));
const [impRes, importSecs] = timed(() => td2.importFile({ signature: 'qa', data: jsonl, fileName: 'bench.jsonl' }));
if (impRes.inserted !== N) throw new Error(`import inserted ${impRes.inserted}: ${JSON.stringify(impRes.errors.slice(0, 3))}`);
td2.close();

// 3. raw better-sqlite3: same schema and pragmas, values precomputed, one transaction
const raw = openDatabase(path.join(tmp, 'raw', 'studio.db'));
raw.prepare('INSERT INTO signatures (hash, name, spec_json, created_at) VALUES (?, ?, ?, ?)').run(sig.hash, 'qa', JSON.stringify(SPEC), new Date().toISOString());
const now = new Date().toISOString();
const values = data.map((r) => {
  const ih = inputHashOf(sig.hash, r.inputs);
  const labeled = r.label !== 'unlabeled';
  return [newId(), sig.hash, JSON.stringify(r.inputs), JSON.stringify(r.outputs), ih, contentHashOf(r.inputs, r.outputs), 'user_feedback', r.label, labeled ? 'bench' : null, labeled ? now : null, null, splitFor(ih), null, null, 0, null, r.observed_at, now, now];
});
const stmt = raw.prepare(
  `INSERT INTO examples (id, signature_hash, inputs_json, outputs_json, input_hash, content_hash, source, label_state, labeled_by, labeled_at, rating, split, run_id, import_id, redactions, metadata_json, observed_at, created_at, updated_at)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);
const [, rawSecs] = timed(() => raw.transaction(() => values.forEach((v) => stmt.run(...v)))());
raw.close();

// 4. snapshot of the 100,000-row version
const [version, snapshotSecs] = timed(() => td.createVersion({ signature: 'qa', by: 'bench' }));

// 5. quality + bias report on 10,000 examples
const td3 = TrainingData.open(path.join(tmp, 'quality'));
td3.registerSignature('qa', SPEC);
td3.addExamples('qa', rows(Q, 7), 'bench');
const [report, qualitySecs] = timed(() => td3.quality('qa'));
td3.close();
td.close();
fs.rmSync(tmp, { recursive: true, force: true });

const storeRate = N / storeSecs;
const importRate = N / importSecs;
const rawRate = N / rawSecs;
const figures = {
  rows: N,
  ingest_store_rows_per_s: Math.round(storeRate),
  ingest_jsonl_import_rows_per_s: Math.round(importRate),
  raw_insert_rows_per_s: Math.round(rawRate),
  ingest_ratio: Number((storeRate / rawRate).toFixed(3)),
  ingest_ratio_jsonl_import: Number((importRate / rawRate).toFixed(3)),
  ingest_ratio_target: 0.5,
  ingest_ratio_met: storeRate / rawRate >= 0.5,
  quality_bias_examples: Q,
  quality_bias_seconds: Number(qualitySecs.toFixed(3)),
  quality_bias_target_seconds: 2,
  quality_bias_met: qualitySecs < 2,
  quality_overall: report.overall === null ? null : Number(report.overall.toFixed(4)),
  near_duplicate_pairs: report.nearDuplicatePairs.length,
  snapshot_rows: version.rowCount,
  snapshot_seconds: Number(snapshotSecs.toFixed(3)),
  snapshot_rows_per_s: Math.round(version.rowCount / snapshotSecs),
};
process.stdout.write(`${JSON.stringify(figures)}\n`);
