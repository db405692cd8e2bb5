import { costOf } from '../optimization/estimate';
import { traditionalPriceKey } from '../providers/provider-settings';
import { callTraditional, type TraditionalProviderName, type TraditionalRequest, type TraditionalResponse } from '../providers/traditional-provider';
import { evaluateCondition } from './conditions';
import { buildPrompt, type Sessions } from './prompt-builder';
import { emptyScope, renderValue, type RunScope } from './run-scope';
import type { Condition } from '../../../shared/workflow/schema';
import type { LmCall, LmStats } from '../../../shared/run/trace';
import { DSPY_STEP_TYPES } from '../../../shared/run/inputs';

export type ExecutionMode = 'optimized' | 'baseline' | 'fallback' | 'traditional' | 'mock';
export type StepStatus = 'ok' | 'failed' | 'skipped' | 'unsupported';

/** One step's record: what goes to the store and out as an event. */
export interface StepRecord {
  step: string;
  type: string;
  status: StepStatus;
  mode?: ExecutionMode;
  inputs?: Record<string, unknown>;
  outputs?: unknown;
  latencyMs: number;
  tokens?: { input: number; output: number };
  costUsd?: number;
  /** Why a DSPy step fell back, or why a step failed or was not run. */
  reason?: string;
  error?: string;
  signatureHash?: string;
  programVersion?: string;
  /** A stored optimized program served the step (DSPy steps with the cache on). */
  cacheHit?: boolean;
  /** The LM calls the step made: the messages really sent, the answers, the tokens. */
  lmCalls?: LmCall[];
  /** Adapter parse failures, fallbacks and request retries of a DSPy step's calls. */
  lmStats?: LmStats;
  /** The execution's row in the runs table. */
  runRecordId?: string;
}

/** A step's failure that carries what its LM calls went through. */
export class StepError extends Error {
  constructor(
    message: string,
    readonly lmStats?: LmStats,
  ) {
    super(message);
  }
}

export type RunEvent =
  | { type: 'run_started'; workflow: string; steps: number }
  | { type: 'step_started'; step: string; stepType: string; index: number }
  | { type: 'step_finished'; record: StepRecord }
  | { type: 'run_finished'; ok: boolean; records: StepRecord[] };

export interface ProviderSettings {
  apiKey?: string;
  apiBase?: string;
  model?: string;
}

export interface DspyStepContext {
  workflow: Record<string, unknown>;
  scope: RunScope;
  /** The step's rendered prompt: the traditional fallback's text. */
  prompt: string;
  mock: boolean;
  signal?: AbortSignal;
  traditional: (provider: TraditionalProviderName, prompt: string, model?: string) => Promise<TraditionalResponse>;
}

/** Runs dspy_* steps (optimized program, real-time optimization, fallback). */
export interface DspyStepExecutor {
  execute(step: Record<string, unknown>, ctx: DspyStepContext): Promise<Omit<StepRecord, 'step' | 'type' | 'latencyMs'> & { result: unknown }>;
}

export interface RunOptions {
  inputs?: Record<string, unknown>;
  /** Directory file prompt parts are read relative to. */
  baseDir: string;
  /** Like pipeline_ex's TEST_MODE=mock: providers answer without any network. */
  mock?: boolean;
  providers?: Partial<Record<'claude' | 'gemini', ProviderSettings>>;
  dspy?: DspyStepExecutor;
  onEvent?: (event: RunEvent) => void;
  signal?: AbortSignal;
  /** Replaceable for tests; defaults to the HTTP clients. */
  callProvider?: (req: TraditionalRequest) => Promise<TraditionalResponse>;
}

export interface RunResult {
  ok: boolean;
  records: StepRecord[];
  scope: RunScope;
}

/** Step types this runtime executes; the rest are pipeline_ex's to run. */
const TRADITIONAL: Record<string, TraditionalProviderName> = { claude: 'claude', gemini: 'gemini' };

/** A provider's text answer as pipeline_ex stores it: parsed when it is JSON, else the text. */
export function resultOf(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return text;
    }
  }
  return text;
}

/** A traditional call as the trace shows it: the prompt sent as one user message. */
export function promptCall(res: TraditionalResponse, prompt: string): LmCall {
  return { model: res.model, messages: [{ role: 'user', content: prompt }], outputs: [res.text], promptTokens: res.inputTokens, completionTokens: res.outputTokens };
}

/** Runs a workflow step by step with pipeline_ex's semantics (see docs/workflow-runtime.md). */
export async function runWorkflow(workflow: Record<string, unknown>, opts: RunOptions): Promise<RunResult> {
  const steps = Array.isArray(workflow.steps) ? (workflow.steps as Record<string, unknown>[]) : [];
  const scope = emptyScope(opts.inputs ?? {}, (workflow.global_vars as Record<string, unknown>) ?? {});
  const sessions: Sessions = new Map();
  const records: StepRecord[] = [];
  const emit = (e: RunEvent) => opts.onEvent?.(e);
  const call = opts.callProvider ?? callTraditional;
  const traditional = (provider: TraditionalProviderName, prompt: string, model?: string) => {
    const chosen: TraditionalProviderName = opts.mock ? 'mock' : provider;
    const settings = chosen === 'mock' ? {} : (opts.providers?.[chosen] ?? {});
    return call({ provider: chosen, prompt, model: model ?? settings.model, apiKey: settings.apiKey, apiBase: settings.apiBase, signal: opts.signal });
  };

  emit({ type: 'run_started', workflow: String(workflow.name ?? ''), steps: steps.length });
  for (const [index, step] of steps.entries()) {
    const name = String(step.name ?? `steps[${index}]`);
    const type = String(step.type ?? '');
    const started = performance.now();
    const finish = (rec: Omit<StepRecord, 'step' | 'type' | 'latencyMs'>, result?: unknown) => {
      const record: StepRecord = { step: name, type, latencyMs: performance.now() - started, ...rec };
      if (record.status === 'ok') scope.steps[name] = result;
      records.push(record);
      emit({ type: 'step_finished', record });
      return record;
    };
    if (opts.signal?.aborted) {
      finish({ status: 'skipped', reason: 'run cancelled' });
      continue;
    }
    emit({ type: 'step_started', step: name, stepType: type, index });
    if (!evaluateCondition(step.condition as Condition | undefined, scope)) {
      finish({ status: 'skipped', reason: `condition not met: ${JSON.stringify(step.condition)}` });
      continue;
    }
    try {
      if (type === 'set_variable') {
        const vars = { ...((step.variables as Record<string, unknown>) ?? {}), ...(typeof step.variable === 'string' ? { [step.variable]: step.value } : {}) };
        const rendered = renderValue(vars, scope) as Record<string, unknown>;
        Object.assign(scope.state, rendered);
        finish({ status: 'ok', outputs: rendered }, rendered);
      } else if (type in TRADITIONAL) {
        const prompt = await buildPrompt(step.prompt, scope, { baseDir: opts.baseDir, sessions });
        const res = await traditional(TRADITIONAL[type], prompt, step.model as string | undefined);
        const result = resultOf(res.text);
        if (typeof step.session_id === 'string') sessions.set(step.session_id, [...(sessions.get(step.session_id) ?? []), res.text]);
        const tokens = { input: res.inputTokens, output: res.outputTokens };
        const costUsd = costOf(traditionalPriceKey(TRADITIONAL[type] as 'claude' | 'gemini', res.model, Boolean(opts.mock)), tokens);
        finish({ status: 'ok', mode: opts.mock ? 'mock' : 'traditional', inputs: { prompt }, outputs: result, tokens, costUsd, lmCalls: [promptCall(res, prompt)] }, result);
      } else if (DSPY_STEP_TYPES.has(type)) {
        if (!opts.dspy) throw new Error('DSPy steps need the DSPy plugin: it is not loaded');
        const prompt = step.prompt ? await buildPrompt(step.prompt, scope, { baseDir: opts.baseDir, sessions }) : '';
        const { result, ...rec } = await opts.dspy.execute(step, { workflow, scope, prompt, mock: Boolean(opts.mock), signal: opts.signal, traditional });
        finish(rec, result);
      } else {
        finish({ status: 'unsupported', reason: `step type '${type}' is edited and exported here but run by pipeline_ex: run this workflow with pipeline_ex (mix pipeline.run) to execute it` });
      }
    } catch (err) {
      finish({ status: 'failed', error: err instanceof Error ? err.message : String(err), ...(err instanceof StepError && err.lmStats && { lmStats: err.lmStats }) });
      break;
    }
  }
  const ok = records.every((r) => r.status !== 'failed');
  emit({ type: 'run_finished', ok, records });
  return { ok, records, scope };
}
