import { describe, expect, it } from 'vitest';
import { ADOPTION_THRESHOLDS, decideAdoption, VersionList, type ProgramVersion } from '../../electron/core/optimization/adoption';

describe('decideAdoption', () => {
  it('bootstrap_few_shot needs +0.05 on the dev set; exactly +0.05 passes despite floating point', () => {
    expect(decideAdoption({ strategy: 'bootstrap_few_shot', baselineScore: 0.8, optimizedScore: 0.85, devSize: 20 }).adopt).toBe(true);
    const no = decideAdoption({ strategy: 'bootstrap_few_shot', baselineScore: 0.8, optimizedScore: 0.84, devSize: 20 });
    expect(no.adopt).toBe(false);
    expect(no.reason).toBe('bootstrap_few_shot: dev-set gain +0.040 (0.800 -> 0.840 on 20 examples) < threshold +0.050');
  });
  it('per-strategy thresholds and overrides', () => {
    expect(ADOPTION_THRESHOLDS).toEqual({ bootstrap_few_shot: 0.05, copro: 0.03, mipro: 0.05 });
    expect(decideAdoption({ strategy: 'copro', baselineScore: 0.5, optimizedScore: 0.53, devSize: 10 }).adopt).toBe(true);
    expect(decideAdoption({ strategy: 'mipro', baselineScore: 0.5, optimizedScore: 0.54, devSize: 10 }).adopt).toBe(false);
    expect(decideAdoption({ strategy: 'mipro', baselineScore: 0.5, optimizedScore: 0.54, devSize: 10, thresholds: { mipro: 0.01 } }).adopt).toBe(true);
  });
  it('never adopts without a dev set or on a loss', () => {
    expect(decideAdoption({ strategy: 'copro', baselineScore: 0, optimizedScore: 1, devSize: 0 }).reason).toMatch(/no dev set/);
    expect(decideAdoption({ strategy: 'copro', baselineScore: 0.9, optimizedScore: 0.7, devSize: 10 }).adopt).toBe(false);
  });
});

describe('VersionList', () => {
  const v = (id: string, score: number): ProgramVersion => ({ id, signatureHash: 'sig', strategy: 'bootstrap_few_shot', baselineScore: 0.5, score, createdAt: 0, programRef: `ref-${id}` });
  const decide = (x: ProgramVersion) => decideAdoption({ strategy: x.strategy, baselineScore: x.baselineScore, optimizedScore: x.score, devSize: 10 });

  it('promotes winners, records rejects, and rolls back step by step to the baseline', () => {
    const list = new VersionList('sig');
    expect(list.propose(v('v1', 0.6), decide(v('v1', 0.6)), 1)).toMatchObject({ type: 'promoted', activeId: 'v1' });
    expect(list.propose(v('v2', 0.52), decide(v('v2', 0.52)), 2)).toMatchObject({ type: 'rejected', activeId: 'v1' });
    list.propose(v('v3', 0.7), decide(v('v3', 0.7)), 3);
    expect(list.active?.id).toBe('v3');
    expect(list.list().map((x) => x.id)).toEqual(['v1', 'v2', 'v3']);
    expect(list.rollback(4, { reason: 'quality dropped' })).toMatchObject({ type: 'rolled_back', versionId: 'v3', activeId: 'v1', reason: 'quality dropped' });
    expect(list.rollback(5)).toMatchObject({ activeId: undefined });
    expect(list.active).toBeUndefined();
    expect(() => list.rollback(6)).toThrow(/baseline is active/);
    expect(list.state.events.map((e) => e.type)).toEqual(['promoted', 'rejected', 'promoted', 'rolled_back', 'rolled_back']);
  });

  it('rolls back to a named earlier version, and round-trips through its state', () => {
    const list = new VersionList('sig');
    for (const [i, id] of ['a', 'b', 'c'].entries()) list.propose(v(id, 0.9), decide(v(id, 0.9)), i);
    expect(() => list.rollback(9, { toId: 'c' })).toThrow(/not a version promoted before c/);
    list.rollback(9, { toId: 'a' });
    const copy = new VersionList(list.state);
    expect(copy.active?.programRef).toBe('ref-a');
    expect(copy.state.promoted).toEqual(['a']);
    // the copy is independent
    copy.rollback(10);
    expect(list.active?.id).toBe('a');
  });

  it('rejects duplicates and foreign signatures', () => {
    const list = new VersionList('sig');
    list.propose(v('a', 0.9), decide(v('a', 0.9)), 0);
    expect(() => list.propose(v('a', 0.9), decide(v('a', 0.9)), 1)).toThrow(/already exists/);
    expect(() => list.propose({ ...v('b', 0.9), signatureHash: 'other' }, decide(v('b', 0.9)), 1)).toThrow(/for signature other/);
  });
});
