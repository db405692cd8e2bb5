import type { DspyPluginConfig } from '../../../shared/plugin-config/schema';
import { FEATURE_FLAGS } from '../../../shared/plugin-config/schema';
import { hashUnit } from '../experiments/allocation';

export type FeatureFlag = (typeof FEATURE_FLAGS)[number];

/** Whether a unit is inside the rollout: deterministic, and a unit in at p% stays in at any higher p%. */
export function isInRollout(unitId: string, percentage: number): boolean {
  if (percentage <= 0) return false;
  if (percentage >= 100) return true;
  return hashUnit('rollout', unitId) * 100 < percentage;
}

/** Per-workflow or per-step switches (dspy_config) that can turn a flag off, never on. */
export type FlagOverrides = Partial<Record<FeatureFlag, boolean | undefined>>;

/**
 * A flag is on when it is listed in deployment.feature_flags AND its config switch is on:
 * optimization_enabled <- optimization.enabled; training_data_collection <- training_data.collection_enabled;
 * real_time_optimization <- optimization.enabled and optimization.async_optimization (real-time optimization
 * starts a background job on a cache miss). Overrides from dspy_config can only switch a flag off.
 */
export function evaluateFeatureFlags(config: DspyPluginConfig, ...overrides: (FlagOverrides | undefined)[]): Record<FeatureFlag, boolean> {
  const listed = new Set(config.deployment.feature_flags);
  const switches: Record<FeatureFlag, boolean> = {
    optimization_enabled: config.optimization.enabled,
    training_data_collection: config.training_data.collection_enabled,
    real_time_optimization: config.optimization.enabled && config.optimization.async_optimization,
  };
  return Object.fromEntries(FEATURE_FLAGS.map((f) => [f, listed.has(f) && switches[f] && overrides.every((o) => o?.[f] !== false)])) as Record<FeatureFlag, boolean>;
}
