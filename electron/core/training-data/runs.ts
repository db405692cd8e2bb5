import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../storage/database';
import { JsonObject, RunMode } from './types';

/** What the engine records per execution of a DSPy step. */
export const RunRecordInput = z.object({
  id: z.string().min(1).max(200).optional(),
  task: z.string().max(200).nullish(),
  signature_hash: z.string().regex(/^[0-9a-f]{64}$/, 'a 64-digit hex signature hash').nullish(),
  workflow: z.string().max(500).nullish(),
  step: z.string().max(500).nullish(),
  inputs: JsonObject,
  outputs: JsonObject.nullish(),
  mode: RunMode,
  latency_ms: z.number().nonnegative().nullish(),
  tokens_in: z.number().int().nonnegative().nullish(),
  tokens_out: z.number().int().nonnegative().nullish(),
  cost: z.number().nonnegative().nullish(),
  error: z.string().nullish(),
  at: z.iso.datetime({ offset: true }).optional(),
});
export type RunRecordInput = z.input<typeof RunRecordInput>;

export interface RunRecord {
  id: string;
  task: string | null;
  signatureHash: string | null;
  workflow: string | null;
  step: string | null;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown> | null;
  mode: RunMode;
  latencyMs: number | null;
  tokensIn: number | null;
  tokensOut: number | null;
  cost: number | null;
  error: string | null;
  createdAt: string;
}

interface RunRow {
  id: string;
  task: string | null;
  signature_hash: string | null;
  workflow: string | null;
  step: string | null;
  inputs_json: string;
  outputs_json: string | null;
  mode: RunMode;
  latency_ms: number | null;
  tokens_in: number | null;
  tokens_out: number | null;
  cost: number | null;
  error: string | null;
  created_at: string;
}

/** Run records (executions) the engine writes; examples collected from them point back here. */
export class RunRepository {
  constructor(private readonly db: Db) {}

  record(input: RunRecordInput): RunRecord {
    const parsed = RunRecordInput.safeParse(input);
    if (!parsed.success) throw new Error(`invalid run record: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const r = parsed.data;
    const id = r.id ?? randomUUID();
    const at = r.at ? new Date(r.at).toISOString() : new Date().toISOString();
    this.db
      .prepare(
        `INSERT INTO runs (id, task, signature_hash, workflow, step, inputs_json, outputs_json, mode, latency_ms, tokens_in, tokens_out, cost, error, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, r.task ?? null, r.signature_hash ?? null, r.workflow ?? null, r.step ?? null, JSON.stringify(r.inputs), r.outputs ? JSON.stringify(r.outputs) : null, r.mode,
        r.latency_ms ?? null, r.tokens_in ?? null, r.tokens_out ?? null, r.cost ?? null, r.error ?? null, at);
    return this.get(id)!;
  }

  get(id: string): RunRecord | undefined {
    const row = this.db.prepare<[string], RunRow>('SELECT * FROM runs WHERE id = ?').get(id);
    return row ? toRun(row) : undefined;
  }

  list(filter: { task?: string; mode?: RunMode; limit?: number } = {}): RunRecord[] {
    return this.db
      .prepare<[string | null, string | null, string | null, string | null, number], RunRow>(
        'SELECT * FROM runs WHERE (? IS NULL OR task = ?) AND (? IS NULL OR mode = ?) ORDER BY created_at DESC, rowid DESC LIMIT ?',
      )
      .all(filter.task ?? null, filter.task ?? null, filter.mode ?? null, filter.mode ?? null, filter.limit ?? 1000)
      .map(toRun);
  }

  /** Count, error rate and mean latency/tokens/cost per mode, for comparisons. */
  summary(task?: string): { mode: RunMode; runs: number; errors: number; meanLatencyMs: number | null; meanTokens: number | null; totalCost: number | null }[] {
    return this.db
      .prepare<[string | null, string | null], any>(
        `SELECT mode, COUNT(*) AS runs, SUM(error IS NOT NULL) AS errors, AVG(latency_ms) AS meanLatencyMs,
                AVG(COALESCE(tokens_in,0) + COALESCE(tokens_out,0)) AS meanTokens, SUM(cost) AS totalCost
         FROM runs WHERE (? IS NULL OR task = ?) GROUP BY mode ORDER BY mode`,
      )
      .all(task ?? null, task ?? null);
  }
}

function toRun(r: RunRow): RunRecord {
  return {
    id: r.id,
    task: r.task,
    signatureHash: r.signature_hash,
    workflow: r.workflow,
    step: r.step,
    inputs: JSON.parse(r.inputs_json),
    outputs: r.outputs_json ? JSON.parse(r.outputs_json) : null,
    mode: r.mode,
    latencyMs: r.latency_ms,
    tokensIn: r.tokens_in,
    tokensOut: r.tokens_out,
    cost: r.cost,
    error: r.error,
    createdAt: r.created_at,
  };
}
