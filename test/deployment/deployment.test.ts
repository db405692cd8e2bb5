import { describe, expect, it } from 'vitest';
import { defaultDspyPluginConfig, type DspyPluginConfig } from '../../shared/plugin-config/schema';
import {
  degradation, effectiveRollout, evaluateFeatureFlags, isInRollout, PHASE_POLICIES,
  previousPhase, rollbackTrigger,
} from '../../electron/core/deployment';

describe('phases and rollout', () => {
  it('steps back through the five phases', () => {
    expect(previousPhase('development')).toBeUndefined();
    expect(previousPhase('full_production')).toBe('limited_production');
    expect(previousPhase('canary')).toBe('staging');
  });
  it('caps the configured percentage by the phase: canary 1, limited 10, full 100', () => {
    expect(effectiveRollout('canary', 100)).toBe(1);
    expect(effectiveRollout('limited_production', 100)).toBe(10);
    expect(effectiveRollout('limited_production', 5)).toBe(5);
    expect(effectiveRollout('full_production', 100)).toBe(100);
    expect(effectiveRollout('development', 30)).toBe(30);
  });
  it('isInRollout is deterministic, monotone in the percentage, and near the target share', () => {
    const units = Array.from({ length: 10000 }, (_, i) => `unit-${i}`);
    const at = (p: number) => units.filter((u) => isInRollout(u, p));
    expect(at(0)).toHaveLength(0);
    expect(at(100)).toHaveLength(10000);
    const ten = at(10);
    // binomial sd = sqrt(10000 * 0.1 * 0.9) = 30; allow 4 sd
    expect(Math.abs(ten.length - 1000)).toBeLessThan(120);
    const one = at(1);
    expect(Math.abs(one.length - 100)).toBeLessThan(40);
    expect(one.every((u) => ten.includes(u))).toBe(true);
    expect(isInRollout('unit-7', 10)).toBe(ten.includes('unit-7'));
  });
});

describe('feature flags', () => {
  const cfg = (patch: (c: DspyPluginConfig) => void) => { const c = defaultDspyPluginConfig(); patch(c); return c; };
  it('all on by default', () => {
    expect(evaluateFeatureFlags(defaultDspyPluginConfig())).toEqual({ optimization_enabled: true, training_data_collection: true, real_time_optimization: true });
  });
  it('off when not listed, even with the switch on', () => {
    const f = evaluateFeatureFlags(cfg((c) => { c.deployment.feature_flags = ['training_data_collection']; }));
    expect(f).toEqual({ optimization_enabled: false, training_data_collection: true, real_time_optimization: false });
  });
  it('off when the config switch is off, even when listed', () => {
    expect(evaluateFeatureFlags(cfg((c) => { c.optimization.enabled = false; }))).toEqual({ optimization_enabled: false, training_data_collection: true, real_time_optimization: false });
    expect(evaluateFeatureFlags(cfg((c) => { c.training_data.collection_enabled = false; })).training_data_collection).toBe(false);
    expect(evaluateFeatureFlags(cfg((c) => { c.optimization.async_optimization = false; })).real_time_optimization).toBe(false);
  });
  it('dspy_config overrides can switch off but not on', () => {
    const off = evaluateFeatureFlags(defaultDspyPluginConfig(), { real_time_optimization: false }, undefined, { optimization_enabled: true });
    expect(off).toEqual({ optimization_enabled: true, training_data_collection: true, real_time_optimization: false });
    const notOn = evaluateFeatureFlags(cfg((c) => { c.deployment.feature_flags = []; }), { optimization_enabled: true });
    expect(notOn.optimization_enabled).toBe(false);
  });
});

describe('gates and triggers', () => {
  it('degradation is the worse relative drop of quality and success rate', () => {
    expect(degradation({ executions: 1, errorRate: 0, quality: 0.6, baselineQuality: 0.8 })).toBeCloseTo(0.25, 12);
    expect(degradation({ executions: 1, errorRate: 0, quality: 0.6, baselineQuality: 0.8, successRate: 0.4, baselineSuccessRate: 0.8 })).toBeCloseTo(0.5, 12);
    expect(degradation({ executions: 1, errorRate: 0, quality: 0.9, baselineQuality: 0.8 })).toBe(0);
    expect(degradation({ executions: 1, errorRate: 0, quality: 0.5 })).toBe(0);
  });
  it('rollback triggers: error rate > 0.02, degradation > 0.3 in canary; nothing before minExecutions', () => {
    const n = PHASE_POLICIES.canary.minExecutions;
    expect(rollbackTrigger('canary', { executions: n, errorRate: 0.021 })).toMatch(/error rate 0\.0210 > 0\.02/);
    expect(rollbackTrigger('canary', { executions: n, errorRate: 0.02 })).toBeUndefined();
    expect(rollbackTrigger('canary', { executions: n, errorRate: 0, quality: 0.55, baselineQuality: 0.8 })).toMatch(/degradation 0\.313 > 0\.3/);
    expect(rollbackTrigger('canary', { executions: n - 1, errorRate: 0.5 })).toBeUndefined();
    expect(rollbackTrigger('development', { executions: 1000, errorRate: 0.5 })).toBeUndefined();
  });
});

