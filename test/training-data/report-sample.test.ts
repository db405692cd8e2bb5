import { describe, expect, it } from 'vitest';
import { freshStore } from './helpers';

// 10^5 rows: the sampled report (a uniform sample of about 20,000) against the exact one on the same data.
const N = 100_000;
const NOW = new Date('2025-06-01T00:00:00Z');
const SAMPLED = { exactUpTo: 10_000, size: 20_000 };
const EXACT = { exactUpTo: Infinity, size: 0 };

describe('quality and bias over 10^5 rows: a sample agrees with the exact figures within its stated intervals', () => {
  const { td } = freshStore();
  let s = 7;
  const rnd = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const words = ['good', 'bad', 'great', 'broken', 'refund', 'shipping', 'order', 'late', 'fine', 'love', 'hate', 'box'];
  const text = (k: number) => Array.from({ length: k }, () => words[Math.floor(rnd() ** 2 * words.length)]).join(' ');
  const states = ['accepted', 'accepted', 'rejected', 'corrected', 'unlabeled'];
  const sentiments = ['positive', 'negative', 'neutral', 'angry'];
  for (let b = 0; b < N; b += 10_000) {
    const rows = Array.from({ length: 10_000 }, (_, j) => {
      const i = b + j;
      // every 50th row repeats the previous row's review with its own sentiment: a conflict when they differ
      const review = i % 50 === 1 ? `review ${i - 1}` : rnd() < 0.02 ? '' : `review ${i} ${text(1 + Math.floor(rnd() * 12))}`;
      return {
        inputs: { review: i % 50 === 1 ? `review ${i - 1}` : review },
        outputs: { sentiment: sentiments[Math.floor(rnd() * (rnd() < 0.9 ? 3 : 4))] },
        label: states[Math.floor(rnd() * states.length)],
        rating: rnd() < 0.3 ? 1 + Math.floor(rnd() * 5) : undefined,
        observed_at: new Date(NOW.getTime() - Math.floor(rnd() * 400) * 86_400_000).toISOString(),
      };
    });
    // accepted and corrected rows must meet the enum: relabel those that do not as unlabeled
    for (const r of rows) if (r.outputs.sentiment === 'angry' && (r.label === 'accepted' || r.label === 'corrected')) r.label = 'unlabeled';
    td.addExamples('sentiment', rows);
  }
  const exact = td.quality('sentiment', { now: NOW, sampling: EXACT });
  const sampled = td.quality('sentiment', { now: NOW, sampling: SAMPLED });

  it('reports the sample it used; the exact report has none', () => {
    expect(exact.sample).toBeUndefined();
    const stored = td.examples.count({ task: 'sentiment' }); // exact duplicates were skipped
    expect(stored).toBeGreaterThan(0.95 * N);
    expect(exact.examples).toBe(stored);
    expect(sampled.examples).toBe(stored);
    expect(sampled.sample!.of).toBe(stored);
    expect(sampled.sample!.size).toBeGreaterThan(18_000);
    expect(sampled.sample!.size).toBeLessThan(22_000);
    expect(sampled.bias.sample).toEqual({ size: sampled.sample!.size, of: stored, confidence: 0.95 });
  });

  it('quality means and counts lie within their intervals of the exact values; conflicts are exact', () => {
    expect(exact.conflicts).toBeGreaterThan(0);
    expect(sampled.conflicts).toBe(exact.conflicts);
    const iv = sampled.sample!.intervals;
    for (const d of ['completeness', 'consistency', 'accuracy', 'relevance', 'freshness'] as const) {
      expect(iv[d], d).toBeGreaterThanOrEqual(0); // 0 when every example scores the same (relevance here)
      expect(Math.abs(sampled.dimensions[d]! - exact.dimensions[d]!), d).toBeLessThanOrEqual(iv[d]!);
    }
    for (const c of ['usable', 'rejected', 'belowThreshold'] as const) expect(Math.abs(sampled[c] - exact[c]), c).toBeLessThanOrEqual(iv[c]!);
  });

  it('each bias score lies within its interval of the exact score', () => {
    expect(exact.bias.dimensions.filter((d) => d.measurable).map((d) => d.dimension)).toEqual(['class_balance', 'length_bias', 'topic_skew', 'sentiment_skew', 'temporal_skew']);
    for (const d of exact.bias.dimensions) {
      const e = sampled.bias.dimensions.find((x) => x.dimension === d.dimension)!;
      expect(e.measurable, d.dimension).toBe(d.measurable);
      if (!d.measurable) continue;
      expect(e.interval, d.dimension).toBeGreaterThan(0);
      expect(Math.abs(e.score - d.score), d.dimension).toBeLessThanOrEqual(e.interval!);
    }
  });
});
