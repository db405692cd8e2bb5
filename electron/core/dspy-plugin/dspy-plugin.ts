import { dspyStepTypes } from '../../../shared/dspy/steps';
import {
  dspyMonitoringSchemaExtension,
  dspySchemaExtension,
  dspyTrainingSchemaExtension,
  type DspyPluginConfig,
} from '../../../shared/plugin-config/schema';
import type { Plugin, PluginContext, PluginHealth } from '../plugins/plugin-manager';

export const DSPY_PLUGIN_MODULE = 'Pipeline.Plugins.DSPyPlugin';

/** The spec's registrations: step type -> implementation, provider -> capabilities. */
export const DSPY_STEP_IMPLEMENTATIONS: Record<string, string> = {
  dspy_claude: 'Pipeline.DSPy.Steps.OptimizedClaudeStep',
  dspy_gemini: 'Pipeline.DSPy.Steps.OptimizedGeminiStep',
  dspy_chain: 'Pipeline.DSPy.Steps.ChainStep',
  dspy_evaluation: 'Pipeline.DSPy.Steps.EvaluationStep',
};

export const DSPY_PROVIDERS = [
  { name: 'dspy_claude', implementation: 'Pipeline.DSPy.Providers.OptimizedClaudeProvider', capabilities: ['dspy_optimization', 'claude_compatible'] },
  { name: 'dspy_gemini', implementation: 'Pipeline.DSPy.Providers.OptimizedGeminiProvider', capabilities: ['dspy_optimization', 'gemini_compatible'] },
];

export class PluginConfigError extends Error {}

/** Registers the DSPy step types, providers and schema extensions, and validates its config block. */
export class DSPyPlugin implements Plugin {
  readonly name = 'dspy_plugin';
  readonly version = '0.1.0';
  readonly description = 'DSPy optimization for pipeline_ex steps: signatures, optimizers, training data, monitoring';
  private current?: DspyPluginConfig;
  private startedAt = 0;

  get config(): DspyPluginConfig {
    if (!this.current) throw new Error('dspy_plugin is not initialised');
    return this.current;
  }

  init(ctx: PluginContext): void {
    ctx.config.registerExtension('dspy', dspySchemaExtension, ctx.name);
    ctx.config.registerExtension('dspy_monitoring', dspyMonitoringSchemaExtension, ctx.name);
    ctx.config.registerExtension('dspy_training', dspyTrainingSchemaExtension, ctx.name);
    const result = ctx.config.validate<DspyPluginConfig>(ctx.name, ctx.rawConfig, ctx.positionOf);
    if (!result.ok) {
      const problems = result.issues
        .filter((i) => i.severity === 'error')
        .map((i) => `plugins.${ctx.name}.config.${i.path}${i.line ? ` (line ${i.line})` : ''}: ${i.message}`);
      throw new PluginConfigError(`Invalid configuration: ${problems.join('; ')}`);
    }
    this.current = result.value;
    for (const def of dspyStepTypes) ctx.steps.register(def, ctx.name, DSPY_STEP_IMPLEMENTATIONS[def.type]);
    for (const p of DSPY_PROVIDERS) ctx.providers.register({ ...p, owner: ctx.name, priority: 10 });
    this.startedAt = Date.now();
  }

  /** Applies an already validated config (Settings and the monitor's deployment controls). */
  reconfigure(config: DspyPluginConfig): void {
    this.current = config;
  }

  health(): PluginHealth {
    const config = this.config;
    return {
      healthy: true,
      details: {
        uptime_ms: Date.now() - this.startedAt,
        optimization_enabled: config.optimization.enabled,
        strategies: config.optimization.strategies,
        deployment_phase: config.deployment.phase,
        rollout_percentage: config.deployment.rollout_percentage,
      },
    };
  }
}
