import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../electron/cli/main';
import { FIXTURES, tmpDir } from './helpers';

let out = '';
let err = '';
beforeEach(() => {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: any) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: any) => ((err += String(s)), true));
});
afterEach(() => vi.restoreAllMocks());

async function run(dir: string, ...args: string[]): Promise<{ code: number; out: string; err: string; json: () => any }> {
  out = '';
  err = '';
  const code = await main(['--data-dir', dir, ...args]);
  const o = out;
  return { code, out: o, err, json: () => JSON.parse(o) };
}

describe('pipeline-studio data / audit (in-process)', () => {
  it('signature add, import, list, label, version, quality, bias, export, audit verify', async () => {
    const dir = tmpDir('cli-');
    expect((await run(dir, 'data', 'signature', 'add', path.join(FIXTURES, 'security.signature.yaml'), '--name', 'security', '--json')).json()).toMatchObject({ ok: true, created: true });
    const sigPath = path.join(FIXTURES, 'qa.signature.json');
    expect((await run(dir, 'data', 'signature', 'add', sigPath, '--name', 'qa')).code).toBe(0);

    const imp = await run(dir, 'data', 'import', path.join(FIXTURES, 'qa.jsonl'), '--signature', 'qa', '--json');
    expect(imp.code).toBe(0);
    expect(imp.json()).toMatchObject({ ok: true, inserted: 3, redactions: 1 });
    const csv = await run(dir, 'data', 'import', path.join(FIXTURES, 'qa-mapped.csv'), '--signature', 'qa', '--map', 'q=question', '--map', 'a=answer', '--map', 'stars=rating');
    expect(csv.code).toBe(0);
    expect(csv.out).toMatch(/imported: 3 examples into qa/);

    const list = (await run(dir, 'data', 'list', '--signature', 'qa', '--json')).json();
    expect(list.total).toBe(6);
    const id = list.examples[1].id;
    expect((await run(dir, 'data', 'label', id, '--accept', '--rate', '4', '--by', 'ann', '--json')).json()).toMatchObject({ ok: true, example: { labelState: 'accepted', rating: 4, labeledBy: 'ann' } });
    const corr = await run(dir, 'data', 'label', id, '--correct', '{"answer":"8"}', '--by', 'ann');
    expect(corr.code).toBe(0);
    // --undo reverts the correction: the accept and its rating are back.
    expect((await run(dir, 'data', 'label', id, '--undo', '--by', 'ann', '--json')).json()).toMatchObject({ ok: true, example: { labelState: 'accepted', rating: 4 } });
    expect((await run(dir, 'data', 'label', id, '--undo', '--rate', '3')).code).toBe(2);
    expect((await run(dir, 'data', 'label', id, '--correct', '{"answer":"8"}', '--by', 'ann')).code).toBe(0);

    const v = (await run(dir, 'data', 'version', 'create', '--signature', 'qa', '--note', 'first', '--json')).json();
    expect(v.version).toMatchObject({ number: 1, rowCount: 6 });
    const show = (await run(dir, 'data', 'version', 'show', '1', '--signature', 'qa', '--json')).json();
    expect(show.imports).toHaveLength(2);

    const q = (await run(dir, 'data', 'quality', '--signature', 'qa', '--version', '1', '--json')).json();
    expect(q.examples).toBe(6);
    expect(Object.keys(q.dimensions)).toEqual(['completeness', 'consistency', 'accuracy', 'relevance', 'diversity', 'freshness', 'coverage', 'bias_score']);
    expect(q.perExample).toBeUndefined();
    const qText = await run(dir, 'data', 'quality', '--signature', 'qa');
    expect(qText.out).toMatch(/completeness\s+1\.000/);
    const b = (await run(dir, 'data', 'bias', '--signature', 'qa', '--json')).json();
    expect(b.dimensions.map((d: any) => d.dimension)).toEqual(['class_balance', 'length_bias', 'topic_skew', 'sentiment_skew', 'temporal_skew']);

    const outFile = path.join(dir, 'out.jsonl');
    expect((await run(dir, 'data', 'export', '--signature', 'qa', '--format', 'jsonl', '--out', outFile)).code).toBe(0);
    const exported = fs.readFileSync(outFile, 'utf8');
    expect(exported.trim().split('\n')).toHaveLength(6);
    expect(exported).not.toContain('alice@example.org');

    const ver = (await run(dir, 'audit', 'verify', '--json')).json();
    expect(ver).toMatchObject({ ok: true });
    expect(ver.checked).toBeGreaterThanOrEqual(7);
    const actions = (await run(dir, 'audit', 'list', '--json')).json().map((e: any) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['data.signature.register', 'data.import', 'data.label', 'data.version.create']));
  });

  it('imports into a workflow step\'s dataset with --workflow and --step, no signature file needed', async () => {
    const dir = tmpDir('cli-');
    const flow = path.resolve(__dirname, '../../templates/sample-project/toy_labels.yaml');
    const data = path.resolve(__dirname, '../../templates/sample-project/data/toy_labels.jsonl');
    const imp = await run(dir, 'data', 'import', data, '--workflow', flow, '--step', 'classify', '--json');
    expect(imp.code, imp.err).toBe(0);
    expect(imp.json()).toMatchObject({ ok: true, inserted: 320, signature: { name: 'classify' } });
    const sigs = (await run(dir, 'data', 'signature', 'list', '--json')).json();
    expect(sigs).toEqual([expect.objectContaining({ name: 'classify', examples: 320 })]);
    expect((await run(dir, 'data', 'list', '--workflow', flow, '--step', 'classify', '--limit', '1', '--json')).json().total).toBe(320);
    const bad = await run(dir, 'data', 'import', data, '--workflow', flow);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--workflow and --step go together/);
    const none = await run(dir, 'data', 'import', data);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/name the dataset: --signature NAME, or --workflow FILE --step NAME/);
  });

  it('refusals exit 1 with reasons; usage errors exit 2', async () => {
    const dir = tmpDir('cli-');
    await run(dir, 'data', 'signature', 'add', path.join(FIXTURES, 'security.signature.yaml'), '--name', 'security');
    const bad = path.join(dir, 'bad.jsonl');
    fs.writeFileSync(bad, '{"code":"a"}\n{"code":"b","nope":1}\n');
    const r = await run(dir, 'data', 'import', bad, '--signature', 'security');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/import refused: 1 error\(s\), nothing was imported/);
    expect(r.err).toContain('bad.jsonl:2: nope: not a field of signature security');
    const good = path.join(dir, 'good.jsonl');
    fs.writeFileSync(good, '{"code":"a","security_analysis":{"risk_score":500}}\n');
    await run(dir, 'data', 'import', good, '--signature', 'security');
    const id = (await run(dir, 'data', 'list', '--signature', 'security', '--json')).json().examples[0].id;
    const refused = await run(dir, 'data', 'label', id, '--accept', '--json');
    expect(refused.code).toBe(1);
    expect(refused.json()).toMatchObject({ ok: false, problems: ['outputs.security_analysis.risk_score: 500 is above the maximum 100'] });
    expect((await run(dir, 'data', 'label', id, '--rate', '9')).code).toBe(2);
    expect((await run(dir, 'data', 'label', id, '--accept', '--reject')).code).toBe(2);
    expect((await run(dir, 'data', 'list', '--signature', 'nope')).code).toBe(2);
    expect((await run(dir, 'data', 'import', good, '--signature', 'security', '--format', 'xml')).code).toBe(2);
    expect((await run(dir, 'data', 'quality', '--signature', 'security', '--threshold', '2')).code).toBe(2);
    expect((await run(dir, 'data', 'config', '--set', 'quality_threshold=0.8', '--json')).json().quality_threshold).toBe(0.8);
    expect((await run(dir, 'data', 'config', '--set', 'quality_threshold=7')).code).toBe(2);
  });

  it('audit verify reports the first broken link (exit 1)', async () => {
    const dir = tmpDir('cli-');
    await run(dir, 'data', 'signature', 'add', path.join(FIXTURES, 'qa.signature.json'), '--name', 'qa');
    await run(dir, 'data', 'import', path.join(FIXTURES, 'qa.jsonl'), '--signature', 'qa');
    const { openDataDir } = await import('../../electron/core/storage');
    const db = openDataDir(dir);
    db.exec('DROP TRIGGER audit_log_append_only_u');
    db.prepare("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2").run();
    db.close();
    const r = await run(dir, 'audit', 'verify');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/audit log broken at entry 2: content does not match its hash/);
  });
});
