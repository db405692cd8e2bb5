import type { Db } from '../storage/database';
import { runTraceSchema, traceTotals, type RunTrace } from '../../../shared/run/trace';
import type { RunSummary } from '../../../shared/api/run';

interface Row {
  id: string;
  workflow: string;
  path: string | null;
  status: RunTrace['status'];
  model: RunTrace['model'];
  inputs_json: string;
  trace_json: string;
  started_at: string;
  finished_at: string | null;
}

/** Workflow runs started from the app (table workflow_runs): each with its whole trace. */
export class WorkflowRunStore {
  constructor(private readonly db: Db) {}

  /** A run left `running` by a process that ended cannot finish any more. */
  markInterrupted(): number {
    return this.db.prepare("UPDATE workflow_runs SET status = 'interrupted' WHERE status = 'running'").run().changes;
  }

  save(trace: RunTrace): void {
    this.db
      .prepare(
        `INSERT INTO workflow_runs (id, workflow, path, status, model, inputs_json, trace_json, started_at, finished_at)
         VALUES (@id, @workflow, @path, @status, @model, @inputs, @trace, @startedAt, @finishedAt)
         ON CONFLICT(id) DO UPDATE SET status = excluded.status, trace_json = excluded.trace_json, finished_at = excluded.finished_at`,
      )
      .run({ id: trace.runId, workflow: trace.workflow, path: trace.path, status: trace.status, model: trace.model, inputs: JSON.stringify(trace.inputs), trace: JSON.stringify(trace), startedAt: trace.startedAt, finishedAt: trace.finishedAt });
  }

  get(id: string): RunTrace | undefined {
    const row = this.db.prepare<[string], Row>('SELECT * FROM workflow_runs WHERE id = ?').get(id);
    return row ? toTrace(row) : undefined;
  }

  /** Newest first; a path narrows to that file's runs (two files may share a workflow name). */
  list(filter: { workflow: string; path?: string; limit: number }): RunSummary[] {
    return this.db
      .prepare<[string, string | null, string | null, number], Row>('SELECT * FROM workflow_runs WHERE workflow = ? AND (? IS NULL OR path = ?) ORDER BY started_at DESC, rowid DESC LIMIT ?')
      .all(filter.workflow, filter.path ?? null, filter.path ?? null, filter.limit)
      .map((row) => summarize(toTrace(row)));
  }
}

function toTrace(row: Row): RunTrace {
  // The status column is the truth (markInterrupted changes it without rewriting the trace).
  return runTraceSchema.parse({ ...JSON.parse(row.trace_json), status: row.status });
}

export function summarize(t: RunTrace): RunSummary {
  const totals = traceTotals(t.steps);
  return {
    runId: t.runId,
    workflow: t.workflow,
    path: t.path,
    status: t.status,
    model: t.model,
    startedAt: t.startedAt,
    durationMs: t.durationMs,
    steps: t.steps.length,
    failedStep: t.steps.find((s) => s.status === 'failed')?.step ?? null,
    tokensIn: totals.tokensIn,
    tokensOut: totals.tokensOut,
    costUsd: totals.costUsd,
  };
}
