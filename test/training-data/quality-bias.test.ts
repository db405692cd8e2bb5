import { describe, expect, it } from 'vitest';
import type { SignatureSpec } from '../../shared/dspy/signature';
import { detectBias, findNearDuplicates, scoreQuality, sentimentOf, type QualityItem } from '../../electron/core/training-data';
import { fixtureSpec } from './helpers';

const SENTIMENT = fixtureSpec('sentiment.signature.json') as SignatureSpec;
const QA = fixtureSpec('qa.signature.json') as SignatureSpec;
const DAY = 86_400_000;
const NOW = new Date('2025-06-01T00:00:00Z');
const T90 = new Date(NOW.getTime() - 90 * DAY).toISOString();

let n = 0;
function item(p: Partial<QualityItem> & Pick<QualityItem, 'inputs' | 'outputs'>): QualityItem {
  n += 1;
  return { id: `e${n}`, labelState: 'unlabeled', rating: null, split: 'train', source: 'user_feedback', observedAt: T90, ...p };
}

describe('quality scorer on a hand-made dataset', () => {
  const items = [
    item({ inputs: { review: 'great product' }, outputs: { sentiment: 'positive' }, labelState: 'accepted', rating: 5 }),
    // one second younger than the rest: timestamps differ, so freshness is measurable (~0.5 for all)
    item({ inputs: { review: 'broken on arrival' }, outputs: { sentiment: 'angry' }, observedAt: new Date(NOW.getTime() - 90 * DAY + 1000).toISOString() }),
    item({ inputs: { review: '' }, outputs: { sentiment: 'neutral' }, labelState: 'rejected', rating: 1, split: 'dev' }),
    item({ inputs: { review: 'ok I guess', extra: 'x' }, outputs: { sentiment: 'neutral' }, rating: 3 }),
  ];
  const q = scoreQuality(SENTIMENT, items, { now: NOW, threshold: 0.7, halfLifeDays: 90, biasScore: 0.8 });

  it('per example: completeness, consistency, accuracy, relevance, freshness and their mean', () => {
    // 1: all fields filled and valid, accepted + rated 5 -> accuracy mean(1, (5-1)/4) = 1; 90 days old at half-life 90 -> 0.5
    expect(q.perExample[0]).toMatchObject({ completeness: 1, consistency: 1, accuracy: 1, relevance: 1, freshness: 0.5 });
    expect(q.perExample[0].score).toBeCloseTo((1 + 1 + 1 + 1 + 0.5) / 5, 12);
    // 2: "angry" is not in the enum -> 1 of 2 present fields conforms; unlabeled, unrated -> 0.5
    expect(q.perExample[1]).toMatchObject({ completeness: 1, consistency: 0.5, accuracy: 0.5, relevance: 1 });
    expect(q.perExample[1].score).toBeCloseTo(0.7, 6);
    // 3: empty review -> 1 of 2 fields filled; rejected + rated 1 -> mean(0, 0) = 0
    expect(q.perExample[2]).toMatchObject({ completeness: 0.5, consistency: 1, accuracy: 0, relevance: 1 });
    expect(q.perExample[2].score).toBeCloseTo(0.6, 12);
    // 4: an undeclared key "extra" -> 2 of 3 keys declared; rated 3 -> (3-1)/4 = 0.5
    expect(q.perExample[3].relevance).toBeCloseTo(2 / 3, 12);
    expect(q.perExample[3].accuracy).toBe(0.5);
    expect(q.perExample[3].score).toBeCloseTo((1 + 1 + 0.5 + 2 / 3 + 0.5) / 5, 12);
  });

  it('threshold: usable = score >= 0.7 and not rejected', () => {
    expect(q.perExample.map((e) => e.usable)).toEqual([true, true, false, true]);
    expect(q.perExample[2].reasons).toEqual(['rejected', 'quality 0.600 below threshold 0.7']);
    expect(q.usable).toBe(3);
    const strict = scoreQuality(SENTIMENT, items, { now: NOW, threshold: 0.75, halfLifeDays: 90 });
    expect(strict.perExample.map((e) => e.usable)).toEqual([true, false, false, false]);
  });

  it('per dataset: means, diversity, coverage, bias_score and overall', () => {
    const d = q.dimensions;
    expect(d.completeness).toBeCloseTo((1 + 1 + 0.5 + 1) / 4, 12);
    expect(d.consistency).toBeCloseTo((1 + 0.5 + 1 + 1) / 4, 12);
    expect(d.accuracy).toBeCloseTo((1 + 0.5 + 0 + 0.5) / 4, 12);
    expect(d.relevance).toBeCloseTo((3 + 2 / 3) / 4, 12);
    expect(d.freshness).toBeCloseTo(0.5, 6);
    expect(d.diversity).toBe(1); // 4 distinct input token sets
    // enum: positive, neutral seen of 3 -> 2/3; splits: train, dev of 3 -> 2/3
    expect(d.coverage).toBeCloseTo((2 / 3 + 2 / 3) / 2, 12);
    expect(d.bias_score).toBe(0.8);
    const all = [0.875, 0.875, 0.5, (3 + 2 / 3) / 4, 1, 0.5, 2 / 3, 0.8];
    expect(q.overall).toBeCloseTo(all.reduce((a, b) => a + b, 0) / 8, 6);
  });

  it('consistency halves for conflicting outputs on identical inputs; diversity counts input clusters', () => {
    const c = scoreQuality(
      SENTIMENT,
      [
        item({ inputs: { review: 'great product' }, outputs: { sentiment: 'positive' } }),
        item({ inputs: { review: 'great product' }, outputs: { sentiment: 'negative' } }),
        item({ inputs: { review: 'terrible' }, outputs: { sentiment: 'negative' } }),
      ],
      { now: NOW },
    );
    expect(c.conflicts).toBe(2);
    expect(c.perExample.map((e) => e.consistency)).toEqual([0.5, 0.5, 1]);
    expect(c.dimensions.diversity).toBeCloseTo(2 / 3, 12);
    expect(c.perExample.map((e) => e.diversity)).toEqual([0.5, 0.5, 1]);
  });
});

describe('near-duplicates', () => {
  it('needs inputs AND outputs at token-set Jaccard >= 0.8', () => {
    const items = [
      { id: 'a', inputs: { q: 'the quick brown fox jumps over the lazy dog' }, outputs: { a: 'an old proverb' } },
      { id: 'b', inputs: { q: 'The quick brown fox jumps over the lazy dog today!' }, outputs: { a: 'an old proverb' } }, // inputs 8/9
      { id: 'c', inputs: { q: 'the quick brown fox jumps over the lazy dog' }, outputs: { a: 'something else entirely' } }, // outputs 0
      { id: 'd', inputs: { q: 'unrelated question about taxes' }, outputs: { a: 'an old proverb' } },
    ];
    const r = findNearDuplicates(items);
    expect(r.pairs).toEqual([{ a: 'a', b: 'b', inputSimilarity: 8 / 9, outputSimilarity: 1 }]);
    expect(Array.from(r.clusterOf)).toEqual([0, 0, 0, 1]);
    expect(Array.from(r.clusterSize)).toEqual([3, 1]);
  });

  it('finds a near-duplicate among 3000 varied examples', () => {
    const items = Array.from({ length: 3000 }, (_, i) => ({ id: `x${i}`, inputs: { q: `item ${i} alpha${i % 7} beta${i % 11} gamma${i % 13} delta${i}` }, outputs: { a: `out ${i}` } }));
    items.push({ id: 'dup', inputs: { q: 'item 42 alpha0 beta9 gamma3 delta42 extra' }, outputs: { a: 'out 42' } });
    expect(findNearDuplicates(items).pairs.map((p) => [p.a, p.b])).toEqual([['x42', 'dup']]);
  });
});

const H = (ps: number[]) => -ps.reduce((s, p) => s + p * Math.log(p), 0);

describe('bias detector on hand-made datasets', () => {
  it('class balance over the enum output: 7 positive, 2 negative, 1 neutral', () => {
    const vals = ['positive', 'positive', 'positive', 'positive', 'positive', 'positive', 'positive', 'negative', 'negative', 'neutral'];
    const r = detectBias(SENTIMENT, vals.map((s, i) => item({ inputs: { review: `r${i}` }, outputs: { sentiment: s } })));
    const d = r.dimensions.find((x) => x.dimension === 'class_balance')!;
    expect(d.score).toBeCloseTo(1 - H([0.7, 0.2, 0.1]) / Math.log(3), 12); // 0.2701
    expect(d.severity).toBe('medium');
    expect(d.finding).toBe('70% of examples have sentiment = "positive"');
    expect(d.evidence.p_value_uniform as number).toBeLessThan(0.1);
  });

  it('class balance falls back to label states without a class-like output', () => {
    const labels = ['accepted', 'accepted', 'corrected', 'rejected'] as const;
    const r = detectBias(QA, labels.map((l, i) => item({ inputs: { question: `q${i}` }, outputs: { answer: `distinct answer ${i}` }, labelState: l })));
    const d = r.dimensions.find((x) => x.dimension === 'class_balance')!;
    expect(d.score).toBeCloseTo(1 - H([0.75, 0.25]) / Math.log(2), 12);
    expect(d.finding).toBe('75% of labeled examples are accepted');
  });

  it('length bias: accepted answers are short, rejected ones long', () => {
    const words = (k: number) => Array.from({ length: k }, (_, i) => `w${i}`).join(' ');
    const acc = [3, 3, 3, 3, 20].map((k, i) => item({ inputs: { question: `a${i}` }, outputs: { answer: words(k) }, labelState: 'accepted' }));
    const rej = [20, 20, 20, 3, 20].map((k, i) => item({ inputs: { question: `r${i}` }, outputs: { answer: words(k) }, labelState: 'rejected' }));
    const d = detectBias(QA, [...acc, ...rej]).dimensions.find((x) => x.dimension === 'length_bias')!;
    // median of five 3s and five 20s = 11.5; short share: accepted 4/5, rejected 1/5
    expect(d.score).toBeCloseTo(0.6, 12);
    expect(d.severity).toBe('high');
    expect(d.finding).toBe('80% of accepted examples are shorter than 11.5 words (answer), against 20% of rejected examples');
  });

  it('topic skew by dominant keyword: 6 refund, 4 shipping', () => {
    const texts = [...Array(6).fill('refund wanted'), ...Array(4).fill('shipping slow')].map((t, i) => `${t} ${i}`);
    const d = detectBias(QA, texts.map((t) => item({ inputs: { question: t }, outputs: { answer: 'x' } }))).dimensions.find((x) => x.dimension === 'topic_skew')!;
    expect(d.score).toBeCloseTo(1 - H([0.6, 0.4]) / Math.log(2), 12); // 0.029
    expect(d.severity).toBe('none');
    expect(d.finding).toMatch(/^60% of examples are about "refund" \(2 topics/);
  });

  it('sentiment skew: 6 positive, 1 negative, 3 neutral', () => {
    const texts = ['great', 'love it', 'works fine', 'excellent', 'nice and fast', 'happy', 'terrible crash', 'a chair', 'the table', 'blue'];
    expect(texts.map(sentimentOf)).toEqual(['positive', 'positive', 'positive', 'positive', 'positive', 'positive', 'negative', 'neutral', 'neutral', 'neutral']);
    const d = detectBias(QA, texts.map((t, i) => item({ inputs: { question: `q${i}` }, outputs: { answer: t } }))).dimensions.find((x) => x.dimension === 'sentiment_skew')!;
    expect(d.score).toBeCloseTo((6 - 1) / 10, 12);
    expect(d.severity).toBe('high');
    expect(d.finding).toBe('60% of examples read as positive, 10% as negative, 30% neutral');
  });

  it('temporal skew: 7 of 10 examples in the first tenth of the period', () => {
    const t0 = new Date('2025-01-01T00:00:00Z').getTime();
    const days = [0, 0, 0, 0, 0, 0, 0, 5, 9, 10];
    const d = detectBias(QA, days.map((x, i) => item({ inputs: { question: `q${i}` }, outputs: { answer: 'a' }, observedAt: new Date(t0 + x * DAY).toISOString() }))).dimensions.find((x) => x.dimension === 'temporal_skew')!;
    expect(d.evidence.bins).toEqual([7, 0, 0, 0, 0, 1, 0, 0, 0, 2]);
    expect(d.score).toBeCloseTo(1 - H([0.7, 0.1, 0.2]) / Math.log(10), 12); // 0.652
    expect(d.severity).toBe('high');
    expect(d.finding).toMatch(/^70% of examples were observed between 2025-01-01 and 2025-01-02/);
  });

  it('is off when bias_detection is off', () => {
    expect(detectBias(QA, [item({ inputs: { question: 'q' }, outputs: { answer: 'a' } })], false)).toMatchObject({ enabled: false, dimensions: [], biasScore: null });
  });
});
