import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, migrations } from '../../electron/core/storage/migrations';
import { TrainingData } from '../../electron/core/training-data';
import { signatureHash } from '../../shared/dspy/signature';
import { tmpDir } from './helpers';

const SPEC = {
  input_fields: [{ name: 'text', type: 'string' }],
  output_fields: [{ name: 'label', type: 'string', description: 'fruit or animal' }],
  instructions: 'Label the text.',
};
const reworded = { ...SPEC, instructions: 'Label the text, carefully.' };
const renamed = { ...SPEC, output_fields: [{ name: 'category', type: 'string' }] };
const rows = (n: number, field = 'label') =>
  Array.from({ length: n }, (_, i) => ({ inputs: { text: `word ${i}` }, outputs: { [field]: i % 2 ? 'fruit' : 'animal' }, label: 'accepted', labeled_by: 'ann' }));

function store(): TrainingData {
  return TrainingData.open(tmpDir('task-'));
}

describe('a dataset belongs to its task, across signature versions', () => {
  it('editing instructions (and undoing it) keeps every example and adds no dataset', () => {
    const td = store();
    td.registerSignature('classify', SPEC);
    td.addExamples('classify', rows(20));
    const edited = td.registerSignature('classify', reworded, 'ann');
    expect(edited).toMatchObject({ created: true, misfits: 0, changes: { added: [], removed: [], retyped: [] } });
    expect(td.signatures.list()).toHaveLength(1);
    expect(td.signatures.list()[0]).toMatchObject({ name: 'classify', hash: signatureHash(reworded), examples: 20, versions: 2 });
    expect(td.examplesForOptimization('classify').train.length + td.examplesForOptimization('classify').dev.length).toBeGreaterThan(0);
    td.addExamples('classify', rows(25).slice(20));
    expect(td.examples.count({ task: 'classify' })).toBe(25);
    // undo: the first version is the head again; no new version, no new dataset
    const undone = td.registerSignature('classify', SPEC, 'ann');
    expect(undone.hash).toBe(signatureHash(SPEC));
    expect(td.signatures.list()).toEqual([expect.objectContaining({ name: 'classify', hash: signatureHash(SPEC), examples: 25, versions: 2 })]);
    expect(td.signatures.versions('classify').filter((v) => v.head).map((v) => v.hash)).toEqual([signatureHash(SPEC)]);
  });

  it('two tasks may share a signature text and keep separate datasets', () => {
    const td = store();
    td.registerSignature('a', SPEC);
    td.registerSignature('b', SPEC);
    td.addExamples('a', rows(3));
    expect(td.signatures.list().map((s) => [s.name, s.examples])).toEqual([['a', 3], ['b', 0]]);
    expect(td.signatures.resolve('b').name).toBe('b');
  });

  it('a field rename is a schema change: misfits are named, a mapping moves them to the new field', () => {
    const td = store();
    td.registerSignature('classify', SPEC);
    td.addExamples('classify', rows(10));
    const r = td.registerSignature('classify', renamed, 'ann');
    expect(r.changes).toEqual({ added: [{ side: 'output', name: 'category', type: 'string' }], removed: [{ side: 'output', name: 'label', type: 'string' }], retyped: [] });
    expect(r.misfits).toBe(10);
    const status = td.schemaStatus('classify');
    expect(status.sample[0].reasons).toEqual(['no output category', 'output label is not in the signature']);
    expect(status.suggested).toEqual({ renames: [{ side: 'output', from: 'label', to: 'category' }], defaults: {}, dropUnknown: true });
    // misfits are not given to an optimizer, and say why
    const set = td.examplesForOptimization('classify');
    expect(set.train).toHaveLength(0);
    expect(set.excluded.misfit).toBe(10);
    const mapped = td.mapFields('classify', status.suggested, 'ann');
    expect(mapped).toEqual({ mapped: 10, stillMisfit: 0, clashes: 0 });
    const after = td.examples.list({ task: 'classify' });
    expect(after.every((e) => typeof e.outputs.category === 'string' && !('label' in e.outputs))).toBe(true);
    expect(after.every((e) => e.signatureHash === signatureHash(renamed) && e.labelState === 'accepted')).toBe(true);
    expect(td.audit.list().map((e) => e.action)).toContain('data.fields.map');
  });

  it('a bad mapping names the field and changes nothing', () => {
    const td = store();
    td.registerSignature('classify', SPEC);
    td.addExamples('classify', rows(4));
    td.registerSignature('classify', renamed);
    expect(() => td.mapFields('classify', { renames: [{ side: 'output', from: 'label', to: 'not a name' }] })).toThrow(/renames\.0\.to: a field name/);
    expect(td.misfits('classify')).toHaveLength(4);
  });

  it('or the misfits move to a new dataset that keeps their signature version', () => {
    const td = store();
    td.registerSignature('classify', SPEC);
    td.addExamples('classify', rows(6));
    td.registerSignature('classify', renamed);
    expect(td.splitOffMisfits('classify', 'classify_old', 'ann')).toEqual({ moved: 6, task: 'classify_old' });
    expect(td.examples.count({ task: 'classify' })).toBe(0);
    expect(td.signatures.resolve('classify_old').hash).toBe(signatureHash(SPEC));
    expect(td.misfits('classify_old')).toHaveLength(0);
    expect(() => td.splitOffMisfits('classify', 'classify_old')).toThrow(/already exists/);
  });
});

describe('migration to task-owned datasets', () => {
  it('a database of the previous release opens with every example, label, run, version and program in place', () => {
    const dir = tmpDir('mig-');
    const file = path.join(dir, 'studio.db');
    const old = new Database(file);
    migrate(old, migrations, 4);
    const h1 = signatureHash(SPEC);
    const h2 = signatureHash(reworded);
    const ins = (sql: string, ...args: unknown[]) => old.prepare(sql).run(...args);
    ins('INSERT INTO signatures VALUES (?, ?, ?, ?)', h1, 'classify', JSON.stringify(SPEC), '2026-01-01T00:00:00.000Z');
    ins('INSERT INTO signatures VALUES (?, ?, ?, ?)', h2, 'classify', JSON.stringify(reworded), '2026-01-02T00:00:00.000Z');
    ins("INSERT INTO runs (id, signature_hash, step, inputs_json, outputs_json, mode, created_at) VALUES ('r1', ?, 'classify', '{}', '{}', 'baseline', '2026-01-01')", h1);
    const example = (id: string, hash: string, content: string, updated: string, label = 'accepted') =>
      ins(
        `INSERT INTO examples (id, signature_hash, inputs_json, outputs_json, input_hash, content_hash, source, label_state, labeled_by, split, run_id, observed_at, created_at, updated_at)
         VALUES (?, ?, '{"text":"x"}', '{"label":"fruit"}', 'ih', ?, 'user_feedback', ?, 'ann', 'train', ?, '2026-01-01', '2026-01-01', ?)`,
        id, hash, content, label, id === 'e1' ? 'r1' : null, updated,
      );
    example('e1', h1, 'c1', '2026-01-01');
    example('e2', h1, 'c2', '2026-01-01');
    example('e3', h2, 'c3', '2026-01-02', 'corrected');
    example('e2-again', h2, 'c2', '2026-01-03'); // the same example stored under both versions
    ins("INSERT INTO label_events (example_id, action, label_state, by, at) VALUES ('e3', 'correct', 'corrected', 'ann', '2026-01-02')");
    for (const [id, hash, at] of [['v-a', h1, '2026-01-01'], ['v-b', h2, '2026-01-02']]) {
      ins("INSERT INTO dataset_versions (id, signature_hash, number, content_hash, row_count, created_by, created_at) VALUES (?, ?, 1, 'x', 2, 'ann', ?)", id, hash, at);
    }
    ins("INSERT INTO optimization_jobs (id, signature_hash, signature_name, strategy, params_json, model, cache_key, status, requested_by, created_at) VALUES ('j1', ?, 'classify', 'copro', '{}', 'm', 'k', 'succeeded', 'ann', '2026-01-02')", h2);
    ins(
      `INSERT INTO program_versions (id, signature_hash, job_id, strategy, model, baseline_score, optimized_score, status, decision_json, program_spec_json, program_state_json, source, created_at, promoted_at)
       VALUES ('p1', ?, 'j1', 'copro', 'm', 0.5, 0.7, 'promoted', '{"adopt":true,"gain":0.2,"threshold":0.03,"reason":"r"}', '{"kind":"step","name":"classify","module":"predict","signature":{}}', '{}', '', '2026-01-02', '2026-01-02')`,
      h2,
    );
    old.close();

    const td = TrainingData.openFile(file);
    expect(td.signatures.list()).toEqual([expect.objectContaining({ name: 'classify', hash: h2, examples: 3, versions: 2 })]);
    const ids = td.examples.list({ task: 'classify' }).map((e) => e.id).sort();
    expect(ids).toEqual(['e1', 'e2-again', 'e3']); // the duplicate keeps its most recently updated copy
    expect(td.examples.get('e3')).toMatchObject({ labelState: 'corrected', task: 'classify', signatureHash: h2 });
    expect(td.labelHistory('e3')).toHaveLength(1);
    expect(td.runs.get('r1')).toMatchObject({ task: 'classify' });
    expect(td.versions.list('classify').map((v) => [v.id, v.number])).toEqual([['v-a', 1], ['v-b', 2]]);
    expect(() => td.db.prepare("UPDATE dataset_versions SET note = 'x'").run()).toThrow(/immutable/);
    const p = td.db.prepare("SELECT task, status FROM program_versions WHERE id = 'p1'").get();
    expect(p).toEqual({ task: 'classify', status: 'promoted' });
    expect(td.db.prepare("SELECT task FROM optimization_jobs WHERE id = 'j1'").get()).toEqual({ task: 'classify' });
    expect(td.db.pragma('integrity_check', { simple: true })).toBe('ok');
    td.close();
  });
});
