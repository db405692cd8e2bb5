// A/B experiments as plain data; the integrator persists experiments and outcomes.
import { hashUnit, pickWeighted } from './allocation';

export const ARM_KINDS = ['traditional', 'baseline_dspy', 'optimized'] as const;
export type ArmKind = (typeof ARM_KINDS)[number];
export const EXPERIMENT_STATUSES = ['draft', 'running', 'stopped', 'completed'] as const;
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];

export interface Arm {
  id: string;
  kind: ArmKind;
  /** Required for `optimized` arms: the program version under test. */
  programVersionId?: string;
  weight: number;
}

export interface Experiment {
  id: string;
  name: string;
  arms: Arm[];
  /** The arm the others are compared against. */
  controlArmId: string;
  /** Outcomes wanted per arm. */
  targetSampleSize: number;
  status: ExperimentStatus;
  alpha: number;
}

export interface ExperimentInput {
  id: string;
  name?: string;
  arms: Arm[];
  controlArmId?: string;
  targetSampleSize: number;
  alpha?: number;
}

/** Validates and builds a draft experiment; the first arm is the control unless named. */
export function createExperiment(input: ExperimentInput): Experiment {
  const errors: string[] = [];
  if (!input.id) errors.push('id is required');
  if (input.arms.length < 2) errors.push('an experiment needs at least 2 arms');
  const ids = input.arms.map((a) => a.id);
  if (new Set(ids).size !== ids.length) errors.push('arm ids must be unique');
  for (const a of input.arms) {
    if (!ARM_KINDS.includes(a.kind)) errors.push(`arm ${a.id}: kind must be one of ${ARM_KINDS.join(', ')}`);
    if (!(Number.isFinite(a.weight) && a.weight >= 0)) errors.push(`arm ${a.id}: weight must be a number >= 0`);
    if (a.kind === 'optimized' && !a.programVersionId) errors.push(`arm ${a.id}: an optimized arm needs programVersionId`);
  }
  if (input.arms.reduce((s, a) => s + a.weight, 0) <= 0) errors.push('at least one arm needs a positive weight');
  const controlArmId = input.controlArmId ?? input.arms[0]?.id;
  if (!ids.includes(controlArmId)) errors.push(`control arm ${controlArmId} is not one of the arms`);
  if (!(Number.isInteger(input.targetSampleSize) && input.targetSampleSize > 0)) errors.push('targetSampleSize must be a positive integer');
  const alpha = input.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) errors.push('alpha must be between 0 and 1');
  if (errors.length) throw new Error(`invalid experiment: ${errors.join('; ')}`);
  return { id: input.id, name: input.name ?? input.id, arms: input.arms.map((a) => ({ ...a })), controlArmId, targetSampleSize: input.targetSampleSize, status: 'draft', alpha };
}

const TRANSITIONS: Record<ExperimentStatus, ExperimentStatus[]> = {
  draft: ['running'],
  running: ['stopped', 'completed'],
  stopped: ['running', 'completed'],
  completed: [],
};

/** Returns the experiment in its new status; throws on a transition the lifecycle does not allow. */
export function transitionExperiment(exp: Experiment, to: ExperimentStatus): Experiment {
  if (!TRANSITIONS[exp.status].includes(to)) {
    throw new Error(`experiment ${exp.id}: cannot go from ${exp.status} to ${to} (allowed: ${TRANSITIONS[exp.status].join(', ') || 'none'})`);
  }
  return { ...exp, status: to };
}

/** The arm a unit (a user, a run, an input hash) gets: deterministic, proportional to the weights. */
export function assignArm(exp: Experiment, unitId: string): Arm {
  return exp.arms[pickWeighted(exp.arms.map((a) => a.weight), hashUnit(`experiment:${exp.id}`, unitId))];
}

export interface Outcome {
  experimentId: string;
  armId: string;
  unitId: string;
  ok: boolean;
  /** Quality score in [0, 1] when a metric ran. */
  score?: number;
  latencyMs: number;
  cost: number;
  timestamp: number;
}

/** Checks an outcome against its experiment before the integrator stores it. */
export function recordOutcome(exp: Experiment, outcome: Outcome): Outcome {
  if (outcome.experimentId !== exp.id) throw new Error(`outcome belongs to experiment ${outcome.experimentId}, not ${exp.id}`);
  if (exp.status !== 'running') throw new Error(`experiment ${exp.id} is ${exp.status}: outcomes are recorded only while running`);
  if (!exp.arms.some((a) => a.id === outcome.armId)) throw new Error(`experiment ${exp.id} has no arm ${outcome.armId}`);
  if (!(outcome.latencyMs >= 0) || !(outcome.cost >= 0)) throw new Error('latencyMs and cost must be >= 0');
  if (outcome.score !== undefined && !Number.isFinite(outcome.score)) throw new Error('score must be a finite number');
  return { ...outcome };
}
