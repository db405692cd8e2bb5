import { effectiveDspyConfig, type DspyConfig } from '../../../shared/dspy/config';
import type { StepProgramStatus } from '../../../shared/api/tuning';
import type { DspyPluginConfig } from '../../../shared/plugin-config/schema';
import { evaluateFeatureFlags } from '../deployment/rollout';
import type { OptimizationEngine } from '../optimization/optimization-engine';
import type { StoredProgramVersion } from '../optimization/job-store';
import type { TrainingData } from '../training-data/manager';
import { programForStep, programShape } from './program-spec';
import { promotedStatus } from './program-staleness';

const DSPY_TYPES = new Set(['dspy_claude', 'dspy_gemini', 'dspy_chain', 'dspy_evaluation']);

function* dspySteps(steps: unknown): Generator<Record<string, unknown>> {
  if (!Array.isArray(steps)) return;
  for (const s of steps) {
    if (!s || typeof s !== 'object') continue;
    const step = s as Record<string, unknown>;
    if (DSPY_TYPES.has(String(step.type))) yield step;
    yield* dspySteps(step.steps);
  }
}

/** The DSPy step named `name` in a workflow root (nested steps included), with its workflow. */
export function findDspyStep(root: Record<string, unknown>, name: string): { step: Record<string, unknown>; workflow: Record<string, unknown> } | undefined {
  const wf = (root.workflow ?? root) as Record<string, unknown>;
  for (const step of dspySteps(wf.steps)) if (step.name === name) return { step, workflow: wf };
  return undefined;
}

/**
 * What each DSPy step of a workflow runs next (the same rules as real-time execution, before
 * rollout and experiments): its task's promoted program, or the baseline and why.
 */
export function stepPrograms<V>(
  deps: { engine: OptimizationEngine; data: TrainingData; config: DspyPluginConfig },
  root: Record<string, unknown>,
  present: (v: StoredProgramVersion) => V,
): (Omit<StepProgramStatus, 'promoted'> & { promoted: V | null })[] {
  const wf = (root.workflow ?? root) as Record<string, unknown>;
  const out: (Omit<StepProgramStatus, 'promoted'> & { promoted: V | null })[] = [];
  for (const step of dspySteps(wf.steps)) {
    let program;
    try {
      program = programForStep(step, wf);
    } catch {
      continue; // an invalid step has no program; validation reports it
    }
    const task = String(step.name ?? program.program.name);
    const eff = effectiveDspyConfig(wf.dspy_config as DspyConfig | undefined, step.dspy_config as DspyConfig | undefined);
    const optimizationEnabled = evaluateFeatureFlags(deps.config, { optimization_enabled: eff.optimization_enabled }).optimization_enabled;
    const promoted = deps.engine.promoted(task);
    const choice = deps.data.signatures.task(task)?.staleChoice ?? null;
    const status = promoted ? promotedStatus(promoted, deps.data.signatures.get(promoted.signatureHash).spec, program, choice) : undefined;
    const base = { step: String(step.name), task, signatureHash: program.signatureHash, shape: programShape(program.program), optimizationEnabled, cacheEnabled: eff.cache_enabled, promoted: promoted ? present(promoted) : null, stale: status?.stale ?? null, fieldsChanged: status?.fieldsChanged ?? false, staleChoice: choice };
    let runs: 'optimized' | 'baseline' = 'baseline';
    let why: string;
    if (!optimizationEnabled) why = promoted ? `optimization_enabled is off for this step, so its promoted program is not used` : 'optimization_enabled is off for this step';
    else if (!eff.cache_enabled) why = 'cache_enabled: false, so stored programs are not used';
    else if (!promoted || !status) why = 'no promoted program yet';
    else if (status.use) {
      runs = 'optimized';
      why = status.stale ?? `promoted ${promoted.strategy} program ${promoted.id.slice(0, 8)}`;
    } else why = status.stale ?? 'baseline';
    out.push({ ...base, runs, why });
  }
  return out;
}
