import { describe, expect, it } from 'vitest';
import { tuningMethods } from '../../shared/api/tuning';
import { freshStore } from './helpers';

describe("labelers' notes", () => {
  it('are stored with the label event (redacted), audited, and the latest one per example is what the optimizer gets', () => {
    const { td } = freshStore();
    const { ids } = td.addExamples('qa', [
      { inputs: { question: 'q1' }, outputs: { answer: 'a1' } },
      { inputs: { question: 'q2' }, outputs: { answer: 'a2' } },
    ]);
    td.label(ids[0], { action: 'correct', by: 'ann', outputs: { answer: 'b1' }, note: 'the answer names the city, not the country' });
    td.label(ids[0], { action: 'accept', by: 'bob' });
    td.label(ids[1], { action: 'reject', by: 'ann', note: 'mail bob@corp.example.com for why' });
    const h = td.labelHistory(ids[0]);
    expect(h.map((e) => [e.action, e.note])).toEqual([['correct', 'the answer names the city, not the country'], ['accept', null]]);
    expect(td.notes(ids)).toEqual(new Map([[ids[0], 'the answer names the city, not the country'], [ids[1], 'mail [REDACTED:email] for why']]));
    expect(td.audit.list({ action: 'data.label' }).map((a) => (a.details as { note?: string }).note ?? null)).toEqual(['the answer names the city, not the country', null, 'mail [REDACTED:email] for why']);
    td.label(ids[0], { action: 'correct', by: 'cy', outputs: { answer: 'c1' }, note: 'newer' });
    expect(td.notes([ids[0]]).get(ids[0])).toBe('newer');
  });

  it('are one line of at most 300 characters', () => {
    const { td } = freshStore();
    const { ids } = td.addExamples('qa', [{ inputs: { question: 'q' }, outputs: { answer: 'a' } }]);
    expect(() => td.label(ids[0], { action: 'reject', by: 'ann', note: 'two\nlines' })).toThrow(/note: must be one line/);
    expect(() => td.label(ids[0], { action: 'reject', by: 'ann', note: 'x'.repeat(301) })).toThrow(/note/);
    const api = tuningMethods['data.label'].params;
    expect(api.safeParse({ id: 'e', action: 'reject', note: 'x'.repeat(300) }).success).toBe(true);
    expect(api.safeParse({ id: 'e', action: 'reject', note: 'x'.repeat(301) }).success).toBe(false);
    expect(api.safeParse({ id: 'e', action: 'reject', note: 'a\rb' }).success).toBe(false);
  });

  it('are exported with JSONL, and the exported file imports again', () => {
    const { td } = freshStore();
    const { ids } = td.addExamples('qa', [{ inputs: { question: 'q' }, outputs: { answer: 'a' } }, { inputs: { question: 'r' }, outputs: { answer: 'b' } }]);
    td.label(ids[0], { action: 'correct', by: 'ann', outputs: { answer: 'z' }, note: 'z is right' });
    const text = td.exportData({ signature: 'qa', format: 'jsonl' });
    const rows = text.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.find((r) => r.id === ids[0]).note).toBe('z is right');
    expect('note' in rows.find((r) => r.id === ids[1])).toBe(false);
    const { td: other } = freshStore();
    expect(other.importFile({ signature: 'qa', data: Buffer.from(text), fileName: 'e.jsonl' }).errors).toEqual([]);
  });
});
