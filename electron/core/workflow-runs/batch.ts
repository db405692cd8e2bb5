/**
 * Batch runs: the workflow once per example of a DSPy step's dataset (the example's inputs as the
 * run's inputs), one run after another, each a normal run with its own trace and history entry.
 * Progress counts the runs and how many of the step's outputs equal their example's label.
 */
import { randomUUID } from 'node:crypto';
import type { BatchProgress } from '../../../shared/api/run';
import { canonicalJson } from '../../../shared/dspy/signature';
import type { LabelState } from '../training-data';
import { RunRequestError, type StartRun, type WorkflowRunManager } from './run-manager';

export interface StartBatch extends Omit<StartRun, 'inputs'> {
  dataset: string;
  labelState?: LabelState;
  limit: number;
}

interface Example {
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  labelState: LabelState;
}

/** The step's answer equals the label on the label's fields (a step may answer more, e.g. reasoning). */
export function matchesLabel(outputs: unknown, label: Record<string, unknown>): boolean {
  if (outputs === null || typeof outputs !== 'object' || Array.isArray(outputs)) return false;
  const answered = outputs as Record<string, unknown>;
  return Object.keys(label).length > 0 && Object.entries(label).every(([k, v]) => canonicalJson(answered[k]) === canonicalJson(v));
}

export class BatchRunner {
  private readonly active = new Map<string, { progress: BatchProgress; stop: boolean }>();

  constructor(
    private readonly runs: WorkflowRunManager,
    private readonly emit: (p: BatchProgress) => void,
  ) {}

  start(req: StartBatch): BatchProgress {
    const data = this.runs.studio.data;
    if (!data.signatures.task(req.dataset)) throw new RunRequestError('dataset', `no dataset ${req.dataset}: run the workflow once, or register the step's signature in Data`);
    const examples: Example[] = data.page(req.dataset, { labelState: req.labelState, limit: req.limit }).rows.map(({ item }) => item);
    if (examples.length === 0) throw new RunRequestError('dataset', `dataset ${req.dataset} has no examples${req.labelState ? ` labeled ${req.labelState}` : ''}`);
    const progress: BatchProgress = { batchId: randomUUID(), dataset: req.dataset, status: 'running', total: examples.length, done: 0, ok: 0, failed: 0, compared: 0, agree: 0, runIds: [], currentRunId: null, error: null };
    const entry = { progress, stop: false };
    this.active.set(progress.batchId, entry);
    void this.execute(entry, req, examples).finally(() => this.active.delete(progress.batchId));
    return { ...progress };
  }

  private async execute(entry: { progress: BatchProgress; stop: boolean }, req: StartBatch, examples: Example[]): Promise<void> {
    const p = entry.progress;
    const send = () => this.emit({ ...p, runIds: [...p.runIds] });
    for (const ex of examples) {
      if (entry.stop) break;
      let trace;
      try {
        trace = await this.runs.start({ text: req.text, path: req.path, model: req.model, inputs: ex.inputs });
      } catch (err) {
        p.error = err instanceof Error ? err.message : String(err);
        break;
      }
      p.currentRunId = trace.runId;
      p.runIds.push(trace.runId);
      send();
      const done = await this.runs.finished(trace.runId);
      p.done += 1;
      if (done?.status === 'ok') p.ok += 1;
      else if (done?.status === 'failed') p.failed += 1;
      const step = done?.steps.find((s) => s.step === req.dataset);
      if ((ex.labelState === 'accepted' || ex.labelState === 'corrected') && step?.status === 'ok') {
        p.compared += 1;
        if (matchesLabel(step.outputs, ex.outputs)) p.agree += 1;
      }
      send();
    }
    p.currentRunId = null;
    p.status = p.error ? 'failed' : entry.stop ? 'cancelled' : 'ok';
    send();
  }

  /** Stops after the run under way, which is stopped too. */
  stop(batchId: string): boolean {
    const entry = this.active.get(batchId);
    if (!entry) return false;
    entry.stop = true;
    if (entry.progress.currentRunId) this.runs.stop(entry.progress.currentRunId);
    return true;
  }

  stopAll(): void {
    for (const id of this.active.keys()) this.stop(id);
  }
}
