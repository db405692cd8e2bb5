import { describe, expect, it } from 'vitest';
import { ADOPTION_THRESHOLDS, decideAdoption } from '../../electron/core/optimization/adoption';

describe('decideAdoption', () => {
  it('bootstrap_few_shot needs +0.05 on the dev set; exactly +0.05 passes despite floating point', () => {
    expect(decideAdoption({ strategy: 'bootstrap_few_shot', baselineScore: 0.8, optimizedScore: 0.85, devSize: 20 }).adopt).toBe(true);
    const no = decideAdoption({ strategy: 'bootstrap_few_shot', baselineScore: 0.8, optimizedScore: 0.84, devSize: 20 });
    expect(no.adopt).toBe(false);
    expect(no.reason).toBe('bootstrap_few_shot: dev-set gain +0.040 (0.800 -> 0.840 on 20 examples) < threshold +0.050');
  });
  it('per-strategy thresholds and overrides', () => {
    expect(ADOPTION_THRESHOLDS).toEqual({ bootstrap_few_shot: 0.05, copro: 0.03, mipro: 0.05, gepa: 0.08, simba: 0.05 });
    expect(decideAdoption({ strategy: 'copro', baselineScore: 0.5, optimizedScore: 0.53, devSize: 10 }).adopt).toBe(true);
    expect(decideAdoption({ strategy: 'mipro', baselineScore: 0.5, optimizedScore: 0.54, devSize: 10 }).adopt).toBe(false);
    expect(decideAdoption({ strategy: 'mipro', baselineScore: 0.5, optimizedScore: 0.54, devSize: 10, thresholds: { mipro: 0.01 } }).adopt).toBe(true);
  });
  it('never adopts without a dev set or on a loss', () => {
    expect(decideAdoption({ strategy: 'copro', baselineScore: 0, optimizedScore: 1, devSize: 0 }).reason).toMatch(/no dev examples: the scores are on the training set/);
    expect(decideAdoption({ strategy: 'copro', baselineScore: 0.9, optimizedScore: 0.7, devSize: 10 }).adopt).toBe(false);
  });
});

