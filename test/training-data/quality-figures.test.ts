import { describe, expect, it } from 'vitest';
import type { SignatureSpec } from '../../shared/dspy/signature';
import { formatPercent } from '../../shared/format/percent';
import { detectBias, scoreQuality, type QualityItem } from '../../electron/core/training-data';
import { fixtureSpec } from './helpers';

// sentiment: input review (string), output sentiment (enum positive / negative / neutral)
const SENTIMENT = fixtureSpec('sentiment.signature.json') as SignatureSpec;
const DAY = 86_400_000;
const NOW = new Date('2025-06-01T00:00:00Z');
const at = (daysAgo: number) => new Date(NOW.getTime() - daysAgo * DAY).toISOString();
const item = (id: string, review: string, sentiment: string, labelState: QualityItem['labelState'], daysAgo: number): QualityItem => ({
  id,
  inputs: { review },
  outputs: { sentiment },
  labelState,
  rating: null,
  split: 'train',
  source: 'user_feedback',
  observedAt: at(daysAgo),
});

describe('quality and bias figures agree with their own findings (hand-computed)', () => {
  const items = [
    item('e1', 'great product works well', 'positive', 'accepted', 0),
    item('e2', 'great product works well today', 'positive', 'unlabeled', 90), // inputs 4/5 like e1: a near-duplicate
    item('e3', 'arrived broken', 'negative', 'rejected', 90),
    item('e4', 'fine i guess', 'angry', 'corrected', 90), // corrected to a value outside the enum
  ];
  const q = scoreQuality(SENTIMENT, items, { now: NOW, threshold: 0.7, halfLifeDays: 90 });

  it('per example', () => {
    // e4: 1 of 2 present fields meets its schema; its correction fails the signature, so its label scores 0
    expect(q.perExample.map((e) => [e.consistency, e.accuracy, e.freshness])).toEqual([
      [1, 1, 1],
      [1, 0.5, 0.5],
      [1, 0, 0.5],
      [0.5, 0, 0.5],
    ]);
    expect(q.perExample.map((e) => e.score)).toEqual([1, 0.8, 0.7, 0.6]);
    expect(q.perExample.map((e) => e.usable)).toEqual([true, true, false, false]);
    expect([q.usable, q.rejected, q.belowThreshold]).toEqual([2, 1, 1]);
  });

  it('per dataset: accuracy counts the rejected and the wrongly corrected rows; diversity counts the near-duplicate', () => {
    expect(q.dimensions.completeness).toBe(1);
    expect(q.dimensions.consistency).toBe(0.875);
    expect(q.dimensions.accuracy).toBe(0.375); // (1 + 0.5 + 0 + 0) / 4
    expect(q.dimensions.relevance).toBe(1);
    expect(q.dimensions.freshness).toBe(0.625); // (1 + 0.5 + 0.5 + 0.5) / 4
    expect(q.nearDuplicatePairs).toEqual([{ a: 'e1', b: 'e2', inputSimilarity: 0.8, outputSimilarity: 1 }]);
    expect(q.dimensions.diversity).toBe(0.75); // 3 input clusters / 4 examples
    expect(q.dimensions.coverage).toBe(0.5); // enum: 2 of 3 values seen; splits: 1 of 3
    expect(q.dimensions.bias_score).toBeNull();
    expect(q.overall).toBeCloseTo((1 + 0.875 + 0.375 + 1 + 0.75 + 0.625 + 0.5) / 7, 12);
  });

  it('length bias is measured on the free text (here the inputs), not on the class label', () => {
    const d = detectBias(SENTIMENT, items).dimensions.find((x) => x.dimension === 'length_bias')!;
    // input words 4, 5, 2, 3: median 3.5; accepted + corrected (e1, e4): 1 of 2 short; rejected (e3): 1 of 1
    expect(d.score).toBe(0.5);
    expect(d.finding).toBe('50% of accepted examples are shorter than 3.5 words (inputs), against 100% of rejected examples');
  });

  it('freshness is not measured when every example shares one timestamp, like temporal skew', () => {
    const same = items.map((i) => ({ ...i, observedAt: at(0) }));
    const s = scoreQuality(SENTIMENT, same, { now: NOW, threshold: 0.7, halfLifeDays: 90 });
    expect(s.dimensions.freshness).toBeNull();
    expect(s.notMeasurable).toEqual({ freshness: 'all examples share one timestamp' });
    expect(s.perExample[1].score).toBe(0.875); // (1 + 1 + 0.5 + 1) / 4
    const temporal = detectBias(SENTIMENT, same).dimensions.find((x) => x.dimension === 'temporal_skew')!;
    expect(temporal).toMatchObject({ measurable: false, finding: 'all examples share one timestamp' });
  });

  it('a share below 1 never reads 100%, one above 0 never reads 0%', () => {
    expect(formatPercent(1000 / 1001)).toBe('99.9%');
    expect(formatPercent(0.997)).toBe('99.7%');
    expect(formatPercent(0.99999)).toBe('>99.99%');
    expect(formatPercent(0.004)).toBe('0.4%');
    expect(formatPercent(1e-9)).toBe('<0.01%');
    expect([formatPercent(1), formatPercent(0), formatPercent(0.5), formatPercent(0.25, 1)]).toEqual(['100%', '0%', '50%', '25.0%']);
  });
});
