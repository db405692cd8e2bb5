import { describe, expect, it } from 'vitest';
import { defaultDspyPluginConfig, type DspyPluginConfig } from '../../shared/plugin-config/schema';
import {
  DeploymentController, degradation, effectiveRollout, evaluateFeatureFlags, isInRollout, nextPhase, PHASE_POLICIES,
  previousPhase, promotionGate, rollbackTrigger, type DeploymentEvent,
} from '../../electron/core/deployment';

describe('phases and rollout', () => {
  it('orders the five phases', () => {
    expect(nextPhase('development')).toBe('staging');
    expect(nextPhase('canary')).toBe('limited_production');
    expect(nextPhase('full_production')).toBeUndefined();
    expect(previousPhase('development')).toBeUndefined();
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
  it('promotion gate lists every failing reason', () => {
    const g = promotionGate('canary', { executions: 10, errorRate: 0.015, quality: 0.5, baselineQuality: 0.8 });
    expect(g.ok).toBe(false);
    expect(g.reasons).toHaveLength(3);
    expect(promotionGate('canary', { executions: 60, errorRate: 0.005 }).ok).toBe(true);
    expect(promotionGate('full_production', { executions: 1000, errorRate: 0 }).reasons).toContain('full_production is the last phase');
  });
});

describe('DeploymentController', () => {
  const make = (phase: Parameters<typeof effectiveRollout>[0] = 'development') => {
    let now = 1000;
    const events: DeploymentEvent[] = [];
    const c = new DeploymentController({ phase, rolloutPercentage: 100, clock: () => now });
    c.onEvent((e) => events.push(e));
    return { c, events, tick: (ms: number) => { now += ms; } };
  };

  it('promotes through every phase, emitting an event per transition with the new rollout', () => {
    const { c, events, tick } = make();
    for (let i = 0; i < 4; i++) { tick(10); c.promote({ reason: `step ${i}` }); }
    expect(c.phase).toBe('full_production');
    expect(events.map((e) => [e.from, e.to, e.rolloutPercentage])).toEqual([
      ['development', 'staging', 100], ['staging', 'canary', 1], ['canary', 'limited_production', 10], ['limited_production', 'full_production', 100],
    ]);
    expect(events[1]).toMatchObject({ type: 'promote', reason: 'step 1', actor: 'user', at: 1020 });
    expect(c.history()).toEqual(events);
    expect(() => c.promote()).toThrow(/last phase/);
  });

  it('refuses a promotion whose gate fails unless forced', () => {
    const { c } = make('canary');
    expect(() => c.promote({ metrics: { executions: 5, errorRate: 0 } })).toThrow(/cannot promote from canary: 5 executions < 50/);
    expect(c.phase).toBe('canary');
    c.promote({ metrics: { executions: 5, errorRate: 0 }, force: true });
    expect(c.phase).toBe('limited_production');
  });

  it('demotes and stops at development', () => {
    const { c, events } = make('staging');
    c.demote({ reason: 'test' });
    expect(events[0]).toMatchObject({ type: 'demote', from: 'staging', to: 'development' });
    expect(() => c.demote()).toThrow(/first phase/);
  });

  it('auto-rolls back on a trigger and ignores windows older than the phase', () => {
    const { c, events, tick } = make('limited_production');
    const bad = { executions: 200, errorRate: 0.05, since: 1000 };
    expect(c.evaluate({ executions: 200, errorRate: 0.01 })).toBeUndefined();
    tick(5);
    const e = c.evaluate(bad)!;
    expect(e).toMatchObject({ type: 'rollback', from: 'limited_production', to: 'canary', actor: 'auto-rollback', rolloutPercentage: 1 });
    expect(e.reason).toMatch(/auto-rollback: error rate 0\.0500 > 0\.02/);
    expect(e.metrics).toEqual(bad);
    // the same stale window must not roll canary back too
    expect(c.evaluate(bad)).toBeUndefined();
    expect(c.evaluate({ ...bad, since: c.phaseEnteredAt })).toBeDefined();
    expect(c.phase).toBe('staging');
    expect(events).toHaveLength(2);
  });

  it('policies can be overridden per phase', () => {
    const c = new DeploymentController({ phase: 'canary', rolloutPercentage: 100, policies: { canary: { rollbackErrorRate: 0.1 } } });
    expect(c.policy().rollbackErrorRate).toBe(0.1);
    expect(c.policy().maxRollout).toBe(1);
    expect(c.evaluate({ executions: 100, errorRate: 0.05 })).toBeUndefined();
  });

  it('unsubscribes listeners', () => {
    const { c } = make();
    let count = 0;
    const off = c.onEvent(() => count++);
    c.promote();
    off();
    c.promote();
    expect(count).toBe(1);
  });
});
