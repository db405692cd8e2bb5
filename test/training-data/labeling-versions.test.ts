import { describe, expect, it } from 'vitest';
import { LabelRefusedError, splitFor } from '../../electron/core/training-data';
import { freshStore } from './helpers';

const SEC_OK = { security_analysis: { vulnerabilities: ['eval'], risk_score: 80, recommendations: ['remove eval'] } };

describe('labeling', () => {
  it('refuses accept/correct when outputs fail the schema, with the reason; reject and rate are allowed', () => {
    const { td } = freshStore();
    const { ids } = td.addExamples('security', [{ inputs: { code: 'eval(x)' }, outputs: { security_analysis: { risk_score: 150 } } }]);
    const id = ids[0];
    expect(() => td.label(id, { action: 'accept', by: 'ann' })).toThrow(LabelRefusedError);
    expect(() => td.label(id, { action: 'accept', by: 'ann' })).toThrow(/outputs\.security_analysis\.risk_score: 150 is above the maximum 100/);
    expect(() => td.label(id, { action: 'correct', by: 'ann', outputs: { security_analysis: { vulnerabilities: 'eval' } } })).toThrow(
      /risk_score: required property is missing; outputs\.security_analysis\.vulnerabilities: expected array, got string/,
    );
    expect(td.examples.get(id)!.labelState).toBe('unlabeled');
    const c = td.label(id, { action: 'correct', by: 'ann', outputs: SEC_OK, rating: 4 });
    expect(c).toMatchObject({ labelState: 'corrected', labeledBy: 'ann', rating: 4, outputs: SEC_OK });
    expect(td.label(id, { action: 'rate', by: 'bob', rating: 2 })).toMatchObject({ labelState: 'corrected', labeledBy: 'ann', rating: 2 });
    expect(td.label(id, { action: 'reject', by: 'cy', reason: 'wrong' })).toMatchObject({ labelState: 'rejected', labeledBy: 'cy' });
    expect(() => td.label(id, { action: 'rate', by: 'x', rating: 6 } as any)).toThrow(/rating/);
    const h = td.labelHistory(id);
    expect(h.map((e) => [e.action, e.by])).toEqual([['correct', 'ann'], ['rate', 'bob'], ['reject', 'cy']]);
    expect(h[0].previousOutputs).toEqual({ security_analysis: { risk_score: 150 } });
    expect(td.audit.list({ action: 'data.label' })).toHaveLength(3);
    expect(td.audit.verify().ok).toBe(true);
  });

  it('splits are deterministic from the inputs and survive corrections', () => {
    const { td } = freshStore();
    const { ids } = td.addExamples('qa', Array.from({ length: 300 }, (_, i) => ({ inputs: { question: `q${i}` }, outputs: { answer: `a${i}` } })));
    const ex = td.examples.list();
    for (const e of ex) expect(e.split).toBe(splitFor(e.inputHash));
    const counts = { train: 0, dev: 0, test: 0 };
    ex.forEach((e) => (counts[e.split] += 1));
    expect(counts.train).toBeGreaterThan(200);
    expect(counts.dev + counts.test).toBeGreaterThan(30);
    const before = td.examples.get(ids[0])!.split;
    td.label(ids[0], { action: 'correct', by: 'u', outputs: { answer: 'new' } });
    expect(td.examples.get(ids[0])!.split).toBe(before);
  });
});

describe('collection', () => {
  const run = (hash: string, extra: object = {}) => ({ signature_hash: hash, inputs: { question: 'from a run, call 415-555-0199' }, outputs: { answer: 'ok' }, mode: 'optimized' as const, latency_ms: 12, tokens_in: 10, tokens_out: 3, cost: 0.001, ...extra });

  it('collects when collection_enabled and the training_data_collection flag are both on, and not otherwise', () => {
    const { td } = freshStore();
    const hash = td.signatures.resolve('qa').hash;
    const on = td.collectExecution(run(hash));
    expect(on).toMatchObject({ collected: true });
    const ex = td.examples.get(on.exampleId!)!;
    expect(ex).toMatchObject({ source: 'execution_history', runId: on.run.id, labelState: 'unlabeled' });
    expect(ex.inputs.question).toBe('from a run, call [REDACTED:phone]');
    expect(td.runs.get(on.run.id)!.inputs.question).toBe('from a run, call [REDACTED:phone]');
    expect(td.collectExecution(run(hash, { inputs: { question: 'b' } }), { collectionEnabled: false })).toMatchObject({ collected: false, reason: 'training_data.collection_enabled is false' });
    expect(td.collectExecution(run(hash, { inputs: { question: 'c' } }), { featureFlags: ['optimization_enabled'] })).toMatchObject({ collected: false, reason: 'feature flag training_data_collection is off' });
    expect(td.collectExecution(run(hash, { inputs: { question: 'd' } }), { stepCollect: false })).toMatchObject({ collected: false });
    expect(td.collectExecution(run(hash, { inputs: { question: 'e' }, error: 'timeout', outputs: null }))).toMatchObject({ collected: false, reason: 'the run failed' });
    td.updateSettings({ collection_enabled: false }, 'admin');
    expect(td.collectExecution(run(hash, { inputs: { question: 'f' } }))).toMatchObject({ collected: false });
    expect(td.examples.count({ source: 'execution_history' })).toBe(1);
    expect(td.runs.list()).toHaveLength(6); // run records are kept either way
    expect(td.runs.summary('qa')[0]).toMatchObject({ mode: 'optimized', runs: 6, errors: 1 });
  });

  it('refuses sources not enabled in training_data.sources', () => {
    const { td } = freshStore();
    td.updateSettings({ sources: ['execution_history', 'user_feedback'] }, 'admin');
    expect(() => td.addExamples('qa', [{ inputs: { question: 'x' }, source: 'synthetic_generation' }])).toThrow(/synthetic_generation is not enabled/);
  });
});

describe('dataset versions and lineage', () => {
  it('snapshots are immutable, content-hashed, chained to a parent, with lineage', () => {
    const { td } = freshStore();
    const hash = td.signatures.resolve('qa').hash;
    const r = td.importFile({ signature: 'qa', data: Buffer.from('{"question":"a","answer":"1"}\n{"question":"b","answer":"2"}\n'), fileName: 'x.jsonl', by: 'ann' });
    const col = td.collectExecution({ signature_hash: hash, inputs: { question: 'c' }, outputs: { answer: '3' }, mode: 'baseline' });
    const v1 = td.createVersion({ signature: 'qa', by: 'ann', note: 'first' });
    expect(v1).toMatchObject({ number: 1, rowCount: 3, parentId: null });
    const [a] = td.examples.list();
    td.label(a.id, { action: 'correct', by: 'bob', outputs: { answer: 'one' } });
    td.deleteExample(td.examples.list()[1].id, 'bob');
    td.addExamples('qa', [{ inputs: { question: 'd' }, outputs: { answer: '4' } }]);
    const v2 = td.createVersion({ signature: 'qa', by: 'ann' });
    expect(v2).toMatchObject({ number: 2, parentId: v1.id, rowCount: 3, sameAsParent: false });
    // v1 never changes
    expect(td.versions.rows(v1.id).map((x) => x.outputs.answer).sort()).toEqual(['1', '2', '3']);
    expect(() => td.db.prepare('UPDATE version_rows SET outputs_json = ?').run('{}')).toThrow(/immutable/);
    expect(() => td.db.prepare('DELETE FROM dataset_versions').run()).toThrow(/immutable/);
    const lin = td.versions.lineage(v2.id);
    expect(lin.diffFromParent).toEqual({ added: 1, removed: 1, changed: 1, unchanged: 1 });
    expect(lin.ancestors).toEqual([v1.id]);
    expect(lin.runs.ids).toEqual([col.run.id]);
    expect(lin.imports).toEqual([expect.objectContaining({ id: r.importId, rows: 1, createdBy: 'ann' })]);
    expect(lin.labels).toEqual({ count: 1, by: { bob: 1 } });
    expect(lin.bySource).toEqual({ execution_history: 1, user_feedback: 2 });
    // same content -> same content hash
    const v3 = td.createVersion({ signature: 'qa' });
    expect(v3.contentHash).toBe(v2.contentHash);
    expect(v3.sameAsParent).toBe(true);
    expect(td.audit.list({ action: 'data.version.create' })).toHaveLength(3);
    td.updateSettings({ versioning_enabled: false }, 'admin');
    expect(() => td.createVersion({ signature: 'qa' })).toThrow(/versioning is off/);
  });

  it('examplesForOptimization: train/dev from a version, rejected and low-quality rows excluded, test held out', () => {
    const { td } = freshStore();
    const rows = Array.from({ length: 60 }, (_, i) => ({ inputs: { question: `question ${i}` }, outputs: { answer: `answer ${i}` }, label: 'accepted' as const }));
    const { ids: all60 } = td.addExamples('qa', rows);
    const nonTest = new Set(td.examples.list().filter((e) => e.split !== 'test').map((e) => e.id));
    const ids = all60.filter((id) => nonTest.has(id));
    td.label(ids[0], { action: 'reject', by: 'u' });
    td.label(ids[1], { action: 'rate', by: 'u', rating: 1 });
    const v = td.createVersion({ signature: 'qa' });
    td.label(ids[2], { action: 'reject', by: 'u' }); // after the snapshot: not seen by the version
    const hash = td.signatures.resolve('qa').hash;
    const set = td.examplesForOptimization(hash, v.id);
    const all = [...set.train, ...set.dev].map((x) => x.id);
    expect(all).not.toContain(ids[0]);
    expect(all).toContain(ids[1]); // accepted + rated 1: accuracy 0.5, score 0.9 >= 0.7
    expect(all).toContain(ids[2]);
    expect(set.train.every((x) => x.split === 'train')).toBe(true);
    expect(set.dev.every((x) => x.split === 'dev')).toBe(true);
    expect(set.train.length + set.dev.length + set.testCount).toBe(59);
    expect(set.excluded).toEqual({ rejected: 1, belowThreshold: 0, misfit: 0 });
    const strict = td.examplesForOptimization(hash, v.id, 0.95);
    expect([...strict.train, ...strict.dev].map((x) => x.id)).not.toContain(ids[1]);
    expect(strict.excluded.belowThreshold).toBe(1);
    expect(td.examplesForOptimization(hash).excluded.rejected).toBe(2); // live set
  });

  it('versionDiff: counts, and at most `limit` rows of each kind found in SQL', () => {
    const { td } = freshStore();
    const { ids } = td.addExamples('qa', Array.from({ length: 8 }, (_, i) => ({ inputs: { question: `q${i}` }, outputs: { answer: `a${i}` } })));
    const v1 = td.createVersion({ signature: 'qa', by: 'me' });
    td.deleteExample(ids[0], 'me');
    td.deleteExample(ids[1], 'me');
    td.label(ids[2], { action: 'reject', by: 'me' });
    td.label(ids[3], { action: 'correct', outputs: { answer: 'fixed' }, by: 'me' });
    const { ids: added } = td.addExamples('qa', [{ inputs: { question: 'new' }, outputs: { answer: 'n' } }]);
    const v2 = td.createVersion({ signature: 'qa', by: 'me' });
    const d = td.versionDiff('qa', 'v1', String(v2.number), 1);
    expect({ added: d.added, removed: d.removed, changed: d.changed, unchanged: d.unchanged }).toEqual({ added: 1, removed: 2, changed: 2, unchanged: 4 });
    expect(d.addedRows.map((r) => r.exampleId)).toEqual(added);
    expect(d.removedRows.map((r) => r.exampleId)).toEqual([ids[0]]);
    expect(d.changedRows).toHaveLength(1);
    expect(d.changedRows[0].before.exampleId).toBe(ids[2]);
    expect([d.changedRows[0].before.labelState, d.changedRows[0].after.labelState]).toEqual(['unlabeled', 'rejected']);
    expect(td.versionDiff('qa', v1.id, v2.id).removedRows.map((r) => r.exampleId)).toEqual([ids[0], ids[1]]);
    expect(() => td.versionDiff('qa', 'v9', 'v1')).toThrow(/no dataset version v9 of qa/);
    td.close();
  });
});
