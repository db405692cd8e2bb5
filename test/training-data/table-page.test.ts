import { describe, expect, it } from 'vitest';
import { freshStore } from './helpers';

describe('a page of the Data table: filters, search, sort and cut in SQL, each row with its quality', () => {
  const { td } = freshStore();
  const day = (d: number) => new Date(Date.UTC(2025, 0, 1 + d)).toISOString();
  td.addExamples(
    'sentiment',
    Array.from({ length: 30 }, (_, i) => ({
      inputs: { review: i === 29 ? 'review 0 refund please' : `review ${i} ${i % 3 === 0 ? 'refund please' : 'fine'}` },
      outputs: { sentiment: ['positive', 'negative', 'neutral'][i % 3] },
      label: (['accepted', 'rejected', 'unlabeled'] as const)[i % 3],
      rating: i % 5 === 0 ? 5 - (i % 4) : undefined,
      observed_at: day(i),
    })),
  );
  const full = td.quality('sentiment', { perExample: true });

  it('counts, filters and offset', () => {
    const all = td.page('sentiment', { limit: 100 });
    expect([all.total, all.matching, all.rows.length]).toEqual([30, 30, 30]);
    expect(all.labelCounts).toEqual({ accepted: 10, rejected: 10, unlabeled: 10 });
    const rejected = td.page('sentiment', { labelState: 'rejected', limit: 4, offset: 2 });
    expect(rejected.matching).toBe(10);
    expect(rejected.rows.map((r) => r.item.labelState)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
    expect(rejected.rows[0].item.id).toBe(td.page('sentiment', { labelState: 'rejected', limit: 10 }).rows[2].item.id);
  });

  it('search: every word starts a word of the inputs or outputs (FTS5, any case); text without words is a literal substring', () => {
    const refund = td.page('sentiment', { search: 'REFUND', limit: 100 });
    expect(refund.matching).toBe(11);
    expect(refund.rows).toHaveLength(11);
    expect(td.page('sentiment', { search: 'ref', limit: 100 }).matching).toBe(11);
    expect(td.page('sentiment', { search: 'refund fine', limit: 100 }).matching).toBe(0);
    expect(td.page('sentiment', { search: 'fine negative', limit: 100 }).matching).toBe(10);
    expect(td.page('sentiment', { search: 'efund', limit: 100 }).matching).toBe(0);
    expect(td.page('sentiment', { search: '%', limit: 100 }).matching).toBe(0);
    expect(td.page('sentiment', { search: '"', limit: 100 }).matching).toBe(30);
    // a version's rows: substring
    const v = td.createVersion({ signature: 'sentiment', by: 'test' });
    expect(td.page('sentiment', { version: v.id, search: 'efund', limit: 100 }).matching).toBe(11);
  });

  it('counts per filter come from counts kept by triggers (insert, label, delete, task change) and written with each version', () => {
    const { td: t } = freshStore();
    t.addExamples('qa', Array.from({ length: 12 }, (_, i) => ({ inputs: { question: `q${i}` }, outputs: { answer: `a${i}` }, label: i < 4 ? 'accepted' : 'unlabeled' })));
    const exact = (filter: { labelState?: 'accepted' | 'unlabeled' | 'rejected'; split?: 'train' | 'dev' | 'test' }) =>
      [...t.examples.iterate({ task: 'qa' })].filter((e) => (!filter.labelState || e.labelState === filter.labelState) && (!filter.split || e.split === filter.split)).length;
    const check = () => {
      for (const f of [{}, { labelState: 'accepted' as const }, { labelState: 'rejected' as const }, { split: 'train' as const }, { split: 'dev' as const, labelState: 'unlabeled' as const }]) {
        expect(t.page('qa', { ...f, limit: 1 }).matching).toBe(exact(f));
      }
    };
    check();
    const ids = [...t.examples.iterate({ task: 'qa' })].map((e) => e.id);
    t.label(ids[5], { action: 'reject', by: 'me' });
    t.deleteExample(ids[0], 'me');
    check();
    expect(t.page('qa', { limit: 1 }).labelCounts).toEqual({ accepted: 3, rejected: 1, unlabeled: 7 });
    const v = t.createVersion({ signature: 'qa', by: 'me' });
    t.label(ids[6], { action: 'reject', by: 'me' });
    expect(t.page('qa', { version: v.id, limit: 1 }).labelCounts).toEqual({ accepted: 3, rejected: 1, unlabeled: 7 });
    expect(t.page('qa', { version: v.id, labelState: 'rejected', limit: 5 }).matching).toBe(1);
    expect(t.page('qa', { limit: 1 }).labelCounts).toEqual({ accepted: 3, rejected: 2, unlabeled: 6 });
    const counted = t.db.prepare("SELECT task, SUM(n) AS n FROM example_counts WHERE n > 0 GROUP BY task").all();
    expect(counted).toEqual([{ task: 'qa', n: 11 }]);
    t.close();
  });

  it('sort by time and by rating', () => {
    const newest = td.page('sentiment', { sort: 'newest', limit: 3 }).rows.map((r) => r.item.observedAt);
    expect(newest).toEqual([day(29), day(28), day(27)]);
    const rated = td.page('sentiment', { sort: 'rating', limit: 30 }).rows.map((r) => r.item.rating);
    expect(rated.slice(0, 6)).toEqual([5, 5, 4, 4, 3, 2]);
    expect(rated.at(-1)).toBeNull();
  });

  it("each row's quality equals the full report's score of that example (conflicts included)", () => {
    const byId = new Map(full.perExample!.map((e) => [e.id, e]));
    const rows = td.page('sentiment', { limit: 100 }).rows;
    expect(rows.filter((r) => r.quality.consistency === 0.5)).toHaveLength(2); // rows 0 and 29: the same review with different outputs
    for (const r of rows) {
      expect(r.quality.score).toBeCloseTo(byId.get(r.item.id)!.score, 9);
      expect(r.quality.usable).toBe(byId.get(r.item.id)!.usable);
    }
  });
});
