import { z } from 'zod';

export const EVALUATION_MODES = ['bootstrap_few_shot', 'copro', 'mipro', 'gepa', 'simba'] as const;
export const evaluationModeSchema = z.enum(EVALUATION_MODES).describe('DSPy optimizer: bootstrap_few_shot, copro, mipro, gepa or simba.');
export const fallbackStrategySchema = z.enum(['traditional', 'fail']).describe('On a miss or an error: run the plain prompt (traditional) or fail.');

export const chainLinkSchema = z.looseObject({
  signature: z.string().describe('Signature name: a key of workflow dspy_signatures, or `<inputs>_to_<outputs>`.'),
});

/** `dspy_config` of a workflow or a step; every key optional, defaults are applied by the runtime. */
export const dspyConfigSchema = z.looseObject({
  optimization_enabled: z.boolean().describe('Use the optimized program when there is one (default false).').optional(),
  evaluation_mode: evaluationModeSchema.describe("Optimizer of this step's optimizations (default: the plugin's optimization.default_strategy).").optional(),
  training_data_collection: z.boolean().describe('Collect training data from runs (default false).').optional(),
  real_time_optimization: z.boolean().describe('Optimize in the background while running (default false).').optional(),
  cache_enabled: z.boolean().describe('Cache optimized programs (default true).').optional(),
  max_wait_time: z.number().int().min(0).describe('Milliseconds to wait for an optimized program before falling back (default 5000).').optional(),
  fallback_strategy: fallbackStrategySchema.optional(),
  collect_training_data: z.boolean().describe("Store this step's inputs and outputs as training examples (default false).").optional(),
  chain_steps: z.array(chainLinkSchema).describe('dspy_chain only: signatures run in order, each output feeding the next input.').optional(),
}).describe('DSPy settings.');
export type DspyConfig = z.infer<typeof dspyConfigSchema>;

/**
 * What the runtime uses for keys set neither on the step nor on the workflow. evaluation_mode has no
 * default here: unset, the plugin's optimization.default_strategy decides.
 */
export const DSPY_CONFIG_DEFAULTS = {
  optimization_enabled: false,
  training_data_collection: false,
  real_time_optimization: false,
  cache_enabled: true,
  max_wait_time: 5000,
  fallback_strategy: 'traditional',
  collect_training_data: false,
} as const satisfies DspyConfig;

export type EffectiveDspyConfig = { -readonly [K in keyof typeof DSPY_CONFIG_DEFAULTS]: NonNullable<DspyConfig[K]> } & Pick<DspyConfig, 'chain_steps' | 'evaluation_mode'>;

/** A step's effective settings: the step's dspy_config over the workflow's over the defaults. */
export function effectiveDspyConfig(workflow?: DspyConfig, step?: DspyConfig): EffectiveDspyConfig {
  const defined = (c?: DspyConfig) => Object.fromEntries(Object.entries(c ?? {}).filter(([, v]) => v !== undefined));
  return { ...DSPY_CONFIG_DEFAULTS, ...defined(workflow), ...defined(step) } as EffectiveDspyConfig;
}
