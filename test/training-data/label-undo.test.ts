import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate, migrations } from '../../electron/core/storage';
import { freshStore, tmpDir } from './helpers';

describe('undoing a label', () => {
  it('restores the state, rating, outputs and labeler it replaced, recorded as a label event and audited', () => {
    const { td } = freshStore();
    const { ids } = td.addExamples('qa', [{ inputs: { question: 'q1' }, outputs: { answer: 'a1' } }]);
    const before = td.examples.get(ids[0])!;
    td.label(ids[0], { action: 'accept', by: 'ann', rating: 4 });
    td.label(ids[0], { action: 'correct', by: 'bob', outputs: { answer: 'b1' }, note: 'wrong city' });
    expect(td.notes(ids).get(ids[0])).toBe('wrong city');

    const once = td.undoLabel(ids[0], 'bob');
    expect(once).toMatchObject({ labelState: 'accepted', rating: 4, labeledBy: 'ann', outputs: { answer: 'a1' } });
    // The undone correction's note is no longer feedback.
    expect(td.notes(ids).has(ids[0])).toBe(false);

    const twice = td.undoLabel(ids[0], 'bob');
    expect(twice).toMatchObject({ labelState: 'unlabeled', rating: before.rating, labeledBy: null, labeledAt: null, contentHash: before.contentHash });
    expect(() => td.undoLabel(ids[0], 'bob')).toThrow(/no label to undo/);

    const h = td.labelHistory(ids[0]);
    expect(h.map((e) => [e.action, e.labelState, e.by])).toEqual([
      ['accept', 'accepted', 'ann'],
      ['correct', 'corrected', 'bob'],
      ['undo', 'accepted', 'bob'],
      ['undo', 'unlabeled', 'bob'],
    ]);
    expect(h[2].undoes).toBe(h[1].id);
    expect(h[3].undoes).toBe(h[0].id);
    const audited = td.audit.list({ action: 'data.label' }).map((a) => (a.details as { label: string; undoes?: string }).label + (a.details.undoes ? `:${String(a.details.undoes)}` : ''));
    expect(audited).toEqual(['accept', 'correct', 'undo:correct', 'undo:accept']);
  });

  it('refuses a label that came with the data, and changes nothing', () => {
    const { td } = freshStore();
    const { ids } = td.addExamples('qa', [{ inputs: { question: 'q' }, outputs: { answer: 'a' }, label: 'accepted' }]);
    expect(() => td.undoLabel(ids[0], 'ann')).toThrow(/no earlier state/);
    expect(td.examples.get(ids[0])?.labelState).toBe('accepted');
    expect(td.labelHistory(ids[0]).map((e) => e.action)).toEqual(['accept']);
  });

  it('keeps the label history and its ids through the schema upgrade', () => {
    const file = path.join(tmpDir(), 'old.db');
    const db = new Database(file);
    migrate(db, migrations, 9);
    db.prepare("INSERT INTO label_events (example_id, action, label_state, rating, outputs_json, by, at, note) VALUES ('ex1', 'reject', 'rejected', 2, '{}', 'ann', 'now', 'bad')").run();
    db.prepare("INSERT INTO label_events (example_id, action, label_state, rating, outputs_json, by, at) VALUES ('ex1', 'accept', 'accepted', 2, '{}', 'ann', 'now')").run();
    db.prepare('DELETE FROM label_events WHERE id = 2').run();
    migrate(db);
    expect(db.prepare('SELECT id, action, note, undoes FROM label_events').all()).toEqual([{ id: 1, action: 'reject', note: 'bad', undoes: null }]);
    // A deleted event's id is never handed out again.
    const next = db.prepare("INSERT INTO label_events (example_id, action, label_state, outputs_json, by, at) VALUES ('ex1', 'undo', 'unlabeled', '{}', 'ann', 'now')").run();
    expect(next.lastInsertRowid).toBe(3);
    db.close();
  });
});
