/**
 * Workflow runs started from the app: the same `Studio.run` (and real-time executor) as the CLI,
 * with a run id, a trace that fills in as steps start and finish, stop, history and "add to dataset".
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { RunSummary } from '../../../shared/api/run';
import { DSPY_STEP_TYPES } from '../../../shared/run/inputs';
import type { RunTrace, TraceStep } from '../../../shared/run/trace';
import type { Studio } from '../studio';
import { COLLECTION_FLAG } from '../training-data';
import { validateWorkflow } from '../workflow-validation';
import type { RunEvent, StepRecord } from '../workflow-runtime/workflow-runner';
import { WorkflowRunStore } from './run-store';

export class RunRequestError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export type RunStreamEvent = { kind: 'run'; trace: RunTrace } | { kind: 'step'; runId: string; step: TraceStep };

export interface StartRun {
  text: string;
  path?: string;
  inputs: Record<string, unknown>;
  model: RunTrace['model'];
}

/** The trace's view of a runner record: measured fields only, absent ones left out. */
function fromRecord(prev: TraceStep, r: StepRecord): TraceStep {
  return {
    index: prev.index,
    step: prev.step,
    type: prev.type,
    status: r.status,
    startMs: prev.startMs,
    latencyMs: r.latencyMs,
    ...(r.mode && { mode: r.mode }),
    ...(r.reason && { reason: r.reason }),
    ...(r.error && { error: r.error }),
    ...(r.inputs && { inputs: r.inputs }),
    ...(r.outputs !== undefined && { outputs: r.outputs }),
    ...(r.tokens && { tokens: r.tokens }),
    ...(r.costUsd !== undefined && { costUsd: r.costUsd }),
    ...(r.cacheHit !== undefined && { cacheHit: r.cacheHit }),
    ...(r.programVersion && { programVersion: r.programVersion }),
    ...(r.signatureHash && { signatureHash: r.signatureHash }),
    ...(r.lmCalls && { lmCalls: r.lmCalls }),
    ...(r.lmStats && { lmStats: r.lmStats }),
    ...(r.runRecordId && { runRecordId: r.runRecordId }),
  };
}

export class WorkflowRunManager {
  readonly store: WorkflowRunStore;
  private readonly active = new Map<string, { trace: RunTrace; abort: AbortController; done: Promise<RunTrace> }>();

  constructor(
    readonly studio: Studio,
    private readonly emit: (e: RunStreamEvent) => void,
    private readonly options: { defaultBaseDir: string },
  ) {
    this.store = new WorkflowRunStore(studio.data.db);
    this.store.markInterrupted();
  }

  /** Validates the workflow like the CLI, then starts it; the trace streams through `emit`. */
  async start(req: StartRun): Promise<RunTrace> {
    if (req.path !== undefined && !path.isAbsolute(req.path)) throw new RunRequestError('path', `path must be absolute: ${req.path}`);
    const checked = await validateWorkflow(req.text, this.studio.host);
    const errors = checked.diagnostics.filter((d) => d.severity === 'error');
    if (!checked.model || errors.length) {
      const first = errors[0];
      throw new RunRequestError('text', `the workflow is ${checked.verdict}${first ? `: line ${first.line}: ${first.message}` : ''}; fix it before running`);
    }
    const workflow = checked.model as Record<string, unknown>;
    const steps = Array.isArray(workflow.steps) ? (workflow.steps as Record<string, unknown>[]) : [];
    const trace: RunTrace = {
      runId: randomUUID(),
      workflow: String(workflow.name ?? ''),
      path: req.path ?? null,
      status: 'running',
      model: req.model,
      inputs: req.inputs,
      startedAt: new Date().toISOString(),
      finishedAt: null,
      durationMs: null,
      steps: steps.map((s, index) => ({ index, step: String(s.name ?? `steps[${index}]`), type: String(s.type ?? ''), status: 'pending' })),
    };
    this.store.save(trace);
    const abort = new AbortController();
    const entry = { trace, abort, done: Promise.resolve(trace) };
    this.active.set(trace.runId, entry);
    this.emit({ kind: 'run', trace });
    entry.done = this.execute(trace, workflow, req, abort.signal).finally(() => this.active.delete(trace.runId));
    return trace;
  }

  private async execute(trace: RunTrace, workflow: Record<string, unknown>, req: StartRun, signal: AbortSignal): Promise<RunTrace> {
    const t0 = performance.now();
    const update = (index: number, step: TraceStep) => {
      trace.steps[index] = step;
      this.emit({ kind: 'step', runId: trace.runId, step });
    };
    let next = 0;
    const onEvent = (e: RunEvent) => {
      if (e.type === 'step_started') {
        update(e.index, { ...trace.steps[e.index], status: 'running', startMs: performance.now() - t0 });
      } else if (e.type === 'step_finished') {
        // The runner finishes steps in order (a cancelled one without starting).
        const index = next++;
        const prev = trace.steps[index];
        update(index, fromRecord({ ...prev, startMs: prev.startMs ?? performance.now() - t0 - e.record.latencyMs }, e.record));
        this.store.save(trace);
      }
    };
    let crash: string | undefined;
    try {
      await this.studio.run(workflow, { inputs: req.inputs, mock: req.model === 'simulated', baseDir: req.path ? path.dirname(req.path) : this.options.defaultBaseDir, onEvent, signal });
    } catch (err) {
      crash = err instanceof Error ? err.message : String(err);
    }
    const failed = trace.steps.find((s) => s.status === 'failed');
    // Steps the runner never reached: the trace says why they did not run.
    const why = signal.aborted ? 'not run: the run was stopped' : failed ? `not run: step '${failed.step}' failed` : `not run: ${crash}`;
    for (const s of trace.steps) if (s.status === 'pending' || s.status === 'running') update(s.index, { ...s, status: s.status === 'running' ? 'failed' : 'skipped', reason: why, ...(s.status === 'running' && crash && { error: crash }) });
    trace.status = signal.aborted ? 'cancelled' : crash !== undefined || failed ? 'failed' : 'ok';
    trace.finishedAt = new Date().toISOString();
    trace.durationMs = performance.now() - t0;
    this.store.save(trace);
    this.emit({ kind: 'run', trace });
    return trace;
  }

  stop(runId: string): boolean {
    const run = this.active.get(runId);
    if (!run) return false;
    run.abort.abort();
    return true;
  }

  /** Resolves when the run has finished (tests, shutdown). */
  async finished(runId: string): Promise<RunTrace | undefined> {
    return this.active.get(runId)?.done ?? this.store.get(runId);
  }

  async stopAll(): Promise<void> {
    const runs = [...this.active.values()];
    for (const r of runs) r.abort.abort();
    await Promise.all(runs.map((r) => r.done.catch(() => undefined)));
  }

  trace(runId: string): RunTrace | undefined {
    return this.active.get(runId)?.trace ?? this.store.get(runId);
  }

  list(filter: { workflow: string; path?: string; limit: number }): RunSummary[] {
    return this.store.list(filter);
  }

  /**
   * A DSPy step's execution as an unlabeled example of the step's dataset (the task named after the
   * step), linked to its run record. The user asked for it, so the collection switches do not apply.
   */
  addToDataset(runId: string, index: number): { task: string; added: boolean; exampleId: string | null; reason: string | null } {
    const trace = this.trace(runId);
    if (!trace) throw new RunRequestError('runId', `no run ${runId}`);
    const step = trace.steps[index];
    if (!step) throw new RunRequestError('step', `run ${runId} has no step ${index}`);
    if (!DSPY_STEP_TYPES.has(step.type)) throw new RunRequestError('step', `step '${step.step}' is a ${step.type} step: only DSPy steps have a dataset`);
    if (!step.runRecordId) throw new RunRequestError('step', `step '${step.step}' has no stored execution (${step.status === 'ok' ? 'it ran before executions were linked' : `it ${step.status === 'failed' ? 'failed' : 'did not run'}`})`);
    const settings = this.studio.data.settings;
    const res = this.studio.data.collectExecution({ runId: step.runRecordId }, { collectionEnabled: true, featureFlags: [...settings.feature_flags, COLLECTION_FLAG], stepCollect: true });
    return { task: res.run.task ?? step.step, added: res.collected, exampleId: res.exampleId ?? null, reason: res.reason ?? null };
  }
}
