import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { effectiveDspyConfig, type DspyConfig } from '../../../shared/dspy/config';
import type { DspyPluginConfig } from '../../../shared/plugin-config/schema';
import { effectiveRollout } from '../deployment/phases';
import { evaluateFeatureFlags, isInRollout } from '../deployment/rollout';
import { assignArm } from '../experiments/experiment';
import type { ExperimentStore } from '../experiments/experiment-store';
import type { ExecutionRecord } from '../monitoring/metrics';
import { OptimizationRefused, type OptimizationEngine } from '../optimization/optimization-engine';
import { costOf } from '../optimization/estimate';
import { lmStatsOf } from '../python-bridge/call-stats';
import { RpcError } from '../python-bridge/errors';
import { lmForStep, lmRequestTimeoutMs, predictorsOf, priceKey, traditionalPriceKey, type LmConfig, type ProviderSettings } from '../providers/provider-settings';
import type { PythonPool } from '../python-bridge/pool';
import type { TrainingData } from '../training-data/manager';
import { promptCall, resultOf, StepError, type DspyStepContext, type DspyStepExecutor, type ExecutionMode, type StepRecord } from '../workflow-runtime/workflow-runner';
import { programForStep, type StepProgram } from './program-spec';
import { promotedStatus } from './program-staleness';
import { unusableAnswer } from './answer-check';
import { stringify } from '../workflow-runtime/run-scope';

type StepOutcome = Omit<StepRecord, 'step' | 'type' | 'latencyMs'> & { result: unknown };

/** One entry of the runtime's LM history (python `run`). */
interface PythonLmCall {
  model: string;
  messages: { role: string; content: string }[];
  outputs: string[];
  prompt_tokens: number;
  completion_tokens: number;
}

export interface ExecutionObserver {
  (record: ExecutionRecord & { runId?: string; workflow: string; programVersion?: string; experimentId?: string; arm?: string }, context: { program: StepProgram; lm: LmConfig }): void;
}

export class InputResolutionError extends Error {}

/** A field's value: the step's `inputs:` map, the run's inputs, an earlier step's output field, else the prompt. */
export function resolveInputs(step: Record<string, unknown>, fields: string[], ctx: Pick<DspyStepContext, 'scope' | 'prompt'>): Record<string, unknown> {
  const explicit = (step.inputs as Record<string, unknown> | undefined) ?? {};
  const earlier = Object.values(ctx.scope.steps).reverse();
  const out: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const f of fields) {
    if (f in explicit) out[f] = explicit[f];
    else if (f in ctx.scope.inputs) out[f] = ctx.scope.inputs[f];
    else {
      const from = earlier.find((r) => r !== null && typeof r === 'object' && f in (r as Record<string, unknown>));
      if (from) out[f] = (from as Record<string, unknown>)[f];
      else missing.push(f);
    }
  }
  if (missing.length === 1 && ctx.prompt) out[missing[0]] = ctx.prompt;
  else if (missing.length > 0) {
    throw new InputResolutionError(`input field${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')} ha${missing.length > 1 ? 've' : 's'} no value: give the run inputs.${missing[0]} (the Run panel's form, or --input ${missing[0]}=... on the CLI), set it in the step's inputs:, or produce it in an earlier step`);
  }
  // DSPy string fields take text: structured values from earlier steps are passed as JSON.
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : stringify(v)]));
}

/** The plain prompt of traditional execution: the step's prompt with the inputs it lacks, else the signature spelled out. */
export function traditionalPrompt(program: StepProgram, inputs: Record<string, unknown>, prompt: string): string {
  if (prompt) {
    // A prompt written for the DSPy program may not name its inputs: the ones it does not carry follow it.
    const missing = Object.entries(inputs).filter(([, v]) => !prompt.includes(stringify(v)));
    return missing.length ? [prompt, '', ...missing.map(([k, v]) => `${k}: ${stringify(v)}`)].join('\n') : prompt;
  }
  const sig = program.program.kind === 'chain' ? program.program.steps[0].signature : program.program.signature;
  const lines = [sig.instructions ?? 'Answer the task.', '', ...Object.entries(inputs).map(([k, v]) => `${k}: ${stringify(v)}`), '', `Answer with a JSON object with the fields: ${program.outputFields.join(', ')}.`];
  return lines.join('\n');
}

/**
 * Real-time execution of DSPy steps: the promoted optimized program when there is one; on a miss
 * with real-time optimization on, an optimization in the background awaited up to max_wait_time;
 * traditional execution as the fallback on a miss past the deadline or on any error.
 */
export class RealTimeExecutor implements DspyStepExecutor {
  constructor(
    private readonly deps: {
      engine: OptimizationEngine;
      data: TrainingData;
      pool: () => Promise<PythonPool>;
      config: () => DspyPluginConfig;
      providers: () => ProviderSettings;
      experiments?: ExperimentStore;
      observe?: ExecutionObserver;
      now?: () => number;
    },
  ) {}

  async execute(step: Record<string, unknown>, ctx: DspyStepContext): Promise<StepOutcome> {
    const config = this.deps.config();
    const workflowCfg = ctx.workflow.dspy_config as DspyConfig | undefined;
    const stepCfg = step.dspy_config as DspyConfig | undefined;
    const eff = effectiveDspyConfig(workflowCfg, stepCfg);
    const maxWait = stepCfg?.max_wait_time ?? workflowCfg?.max_wait_time ?? config.real_time.max_wait_time;
    const fallbackStrategy = stepCfg?.fallback_strategy ?? workflowCfg?.fallback_strategy ?? config.real_time.fallback_strategy;
    const flags = evaluateFeatureFlags(config, {
      optimization_enabled: eff.optimization_enabled,
      real_time_optimization: eff.real_time_optimization,
      training_data_collection: stepCfg?.collect_training_data ?? eff.training_data_collection,
    });
    const program = programForStep(step, ctx.workflow);
    const task = String(step.name ?? program.program.name);
    this.deps.data.registerSignature(task, program.signature, 'runtime');
    const inputs = resolveInputs(step, program.inputFields, ctx);
    const unit = createHash('sha256').update(`${program.signatureHash}:${JSON.stringify(inputs)}`).digest('hex');
    const lm = lmForStep(String(step.type), this.deps.providers(), { mock: ctx.mock, model: step.model as string | undefined });
    const provider = step.type === 'dspy_gemini' ? 'gemini' : 'claude';
    const started = this.now();
    let cacheHit: boolean | undefined;
    let fallbackMs: number | undefined;

    const traditional = async (mode: ExecutionMode, reason: string, deadline?: number) => {
      const prompt = traditionalPrompt(program, inputs, ctx.prompt);
      if (deadline !== undefined) fallbackMs = Math.max(0, this.now() - deadline);
      const res = await ctx.traditional(provider, prompt, step.model as string | undefined);
      const result = resultOf(res.text);
      const tokens = { input: res.inputTokens, output: res.outputTokens };
      return { status: 'ok' as const, mode, reason, inputs, outputs: result, result, tokens, costUsd: costOf(traditionalPriceKey(provider, res.model, ctx.mock), tokens), lmCalls: [promptCall(res, prompt)] };
    };

    const runProgram = async (versionId?: string): Promise<StepOutcome> => {
      const version = versionId ? this.deps.engine.versions.get(versionId) : undefined;
      const pool = await this.deps.pool();
      const spec = version ? version.programSpec : program.program;
      const res = await pool.request<{ outputs: Record<string, unknown>; usage?: Record<string, { prompt_tokens?: number; completion_tokens?: number }>; history?: PythonLmCall[] }>(
        'run',
        // A program runs as it was optimized (its own signature version and shape), stale or not.
        { program: spec, inputs, lm, program_state: version?.programState },
        // Each predictor's call may fall back to JSONAdapter once: two calls per predictor at most.
        { signal: ctx.signal, timeout: lmRequestTimeoutMs(lm, 2 * predictorsOf(spec), this.deps.config().python_bridge.timeout) },
      );
      const unusable = unusableAnswer(res.outputs ?? {}, inputs, program.outputFields);
      if (unusable) throw new Error(`the model's answer is not usable: ${unusable}`);
      const usage = Object.values(res.usage ?? {});
      const tokens = { input: usage.reduce((a, u) => a + (u.prompt_tokens ?? 0), 0), output: usage.reduce((a, u) => a + (u.completion_tokens ?? 0), 0) };
      const lmCalls = (res.history ?? []).map((c) => ({ model: c.model, messages: c.messages, outputs: c.outputs, promptTokens: c.prompt_tokens, completionTokens: c.completion_tokens }));
      const lmStats = lmStatsOf(res);
      return { status: 'ok', mode: version ? 'optimized' : 'baseline', inputs, outputs: res.outputs, result: res.outputs, tokens, costUsd: costOf(priceKey(lm), tokens), signatureHash: program.signatureHash, programVersion: version?.id, reason: `model: ${lm.label}`, lmCalls, ...(lmStats && { lmStats }) };
    };

    let outcome: StepOutcome;
    // What the DSPy path tried, and why it failed: a fallback after an error counts as a DSPy failure.
    let attempted: ExecutionMode = 'baseline';
    let dspyError: string | undefined;
    const experiment = config.deployment.experiment_enabled && config.monitoring.ab_testing ? this.deps.experiments?.runningFor(task, program.signatureHash) : undefined;
    const arm = experiment ? assignArm(experiment, unit) : undefined;
    try {
      const rollout = effectiveRollout(config.deployment.phase, config.deployment.rollout_percentage);
      if (arm) {
        // The experiment decides the arm; rollout and flags do not mix into its comparison.
        outcome =
          arm.kind === 'traditional' ? await traditional('traditional', `experiment ${experiment!.id}: arm ${arm.id}`) : await runProgram(arm.kind === 'optimized' ? arm.programVersionId : undefined);
      } else if (!isInRollout(unit, rollout)) {
        outcome = await traditional('traditional', `outside the ${rollout}% rollout of phase ${config.deployment.phase}`);
      } else if (!flags.optimization_enabled) {
        outcome = await runProgram();
      } else {
        // A step with cache_enabled: false never uses a stored optimized program.
        const promoted = eff.cache_enabled ? this.deps.engine.promoted(task) : undefined;
        const status = promoted ? promotedStatus(promoted, this.deps.data.signatures.get(promoted.signatureHash).spec, program, this.deps.data.signatures.task(task)?.staleChoice ?? null) : undefined;
        if (eff.cache_enabled) cacheHit = status?.use === true;
        if (promoted && status?.use) {
          attempted = 'optimized';
          outcome = await runProgram(promoted.id);
          if (status.stale) outcome = { ...outcome, reason: `${outcome.reason}; ${status.stale}` };
        } else if (promoted && status) outcome = { ...(await runProgram()), reason: status.stale ?? 'baseline' };
        else if (flags.real_time_optimization) outcome = await this.optimizeThenRun(step, program, lm, maxWait, ctx, runProgram, traditional);
        else outcome = await runProgram();
      }
    } catch (err) {
      // A stopped run is neither a DSPy failure nor a reason to fall back.
      if (ctx.signal?.aborted) throw err;
      dspyError = err instanceof Error ? err.message : String(err);
      // What the failed DSPy path's calls went through (a parse failure, the retries before a timeout).
      const lmStats = err instanceof RpcError ? lmStatsOf(err.data) : undefined;
      if (fallbackStrategy !== 'traditional') {
        const failed: StepOutcome = { status: 'failed', mode: attempted, inputs, result: undefined, error: dspyError, ...(lmStats && { lmStats }) };
        this.record(step, ctx, program, lm, failed, { cacheHit, latencyMs: this.now() - started, collect: false, experimentId: experiment?.id, arm: arm?.id });
        throw new StepError(dspyError, lmStats);
      }
      const failedAt = this.now();
      try {
        outcome = await traditional('fallback', `DSPy path failed, fell back to traditional execution: ${dspyError}`, failedAt);
        if (lmStats) outcome = { ...outcome, lmStats };
      } catch (fallbackErr) {
        // The first cause is the one to fix; the fallback's own failure (often a missing key) comes second.
        const error = `DSPy path failed: ${dspyError}; the traditional fallback failed too: ${fallbackErr instanceof Error ? fallbackErr.message : String(fallbackErr)}`;
        const failed: StepOutcome = { status: 'failed', mode: 'fallback', inputs, result: undefined, error, ...(lmStats && { lmStats }) };
        this.record(step, ctx, program, lm, failed, { cacheHit, latencyMs: this.now() - started, collect: false, experimentId: experiment?.id, arm: arm?.id });
        throw new StepError(error, lmStats);
      }
    }
    if (fallbackMs !== undefined && outcome.mode === 'fallback') outcome = { ...outcome, reason: `${outcome.reason} (switched in ${fallbackMs.toFixed(1)} ms)` };
    const latencyMs = this.now() - started;
    if (experiment && arm) {
      this.deps.experiments!.record({ experimentId: experiment.id, armId: arm.id, unitId: unit, ok: outcome.status === 'ok', latencyMs, cost: outcome.costUsd ?? 0, timestamp: Date.now() });
    }
    const runRecordId = this.record(step, ctx, program, lm, outcome, { cacheHit, fallbackMs, latencyMs, collect: flags.training_data_collection && !dspyError, experimentId: experiment?.id, arm: arm?.id, dspyError });
    return { ...outcome, signatureHash: program.signatureHash, cacheHit, runRecordId };
  }

  private async optimizeThenRun(
    step: Record<string, unknown>,
    program: StepProgram,
    lm: ReturnType<typeof lmForStep>,
    maxWait: number,
    ctx: DspyStepContext,
    runProgram: (versionId?: string) => Promise<StepOutcome>,
    traditional: (mode: ExecutionMode, reason: string, deadline?: number) => Promise<StepOutcome>,
  ): Promise<StepOutcome> {
    let job;
    try {
      job = this.deps.engine.submit({ signature: String(step.name ?? program.program.name), program: program.program, strategy: effectiveDspyConfig(ctx.workflow.dspy_config as DspyConfig, step.dspy_config as DspyConfig).evaluation_mode, lm, requestedBy: 'real-time' });
    } catch (err) {
      if (err instanceof OptimizationRefused) return { ...(await runProgram()), reason: `no optimized program yet (${err.message}); ran the baseline program` };
      throw err;
    }
    const deadline = this.now() + maxWait;
    const deadlineReached = new AbortController();
    const finished = await Promise.race([
      this.deps.engine.wait(job.id),
      sleep(maxWait, undefined, { signal: deadlineReached.signal }).catch(() => undefined),
    ]);
    deadlineReached.abort();
    if (finished?.status === 'succeeded' && finished.result?.promoted) return runProgram(finished.result.programVersion);
    if (finished) return { ...(await runProgram()), reason: `optimization ${finished.status}${finished.result ? ' without a promotable gain' : ''}; ran the baseline program` };
    return traditional('fallback', `optimization still running after max_wait_time ${maxWait} ms: fell back to traditional execution (job ${job.id} continues)`, deadline);
  }

  /** Stores the execution (and collects it when allowed), feeds monitoring; returns the run record's id. */
  private record(step: Record<string, unknown>, ctx: DspyStepContext, program: StepProgram, lm: LmConfig, outcome: StepOutcome, m: { cacheHit?: boolean; fallbackMs?: number; latencyMs: number; collect: boolean; experimentId?: string; arm?: string; dspyError?: string }): string {
    const mode = outcome.mode === 'mock' ? 'traditional' : (outcome.mode ?? 'baseline');
    const outputs =
      outcome.status !== 'ok' ? null : outcome.outputs !== null && typeof outcome.outputs === 'object' && !Array.isArray(outcome.outputs) ? (outcome.outputs as Record<string, unknown>) : { response: outcome.outputs };
    const collected = this.deps.data.collectExecution(
      {
        task: String(step.name ?? program.program.name),
        signature_hash: program.signatureHash,
        workflow: String(ctx.workflow.name ?? ''),
        step: String(step.name ?? ''),
        inputs: outcome.inputs ?? {},
        outputs,
        mode,
        latency_ms: m.latencyMs,
        tokens_in: outcome.tokens?.input ?? null,
        tokens_out: outcome.tokens?.output ?? null,
        error: m.dspyError ?? outcome.error ?? null,
      },
      { collectionEnabled: m.collect && this.deps.config().training_data.collection_enabled },
    );
    this.deps.observe?.({
      runId: collected.run.id,
      workflow: String(ctx.workflow.name ?? ''),
      step: String(step.name ?? ''),
      signatureHash: program.signatureHash,
      mode,
      ok: outcome.status === 'ok' && m.dspyError === undefined,
      latencyMs: m.latencyMs,
      tokens: (outcome.tokens?.input ?? 0) + (outcome.tokens?.output ?? 0),
      cost: outcome.costUsd ?? 0,
      cacheHit: m.cacheHit,
      fallbackMs: m.fallbackMs,
      timestamp: Date.now(),
      programVersion: outcome.programVersion,
      experimentId: m.experimentId,
      arm: m.arm,
      ...(outcome.lmStats && { lmStats: outcome.lmStats }),
    }, { program, lm });
    return collected.run.id;
  }

  private now(): number {
    return this.deps.now?.() ?? performance.now();
  }
}
