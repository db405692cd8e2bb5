import { beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createStudioService, layoutPathFor, type SecretStore } from '../../electron/core/studio-service/service';
import type { Router } from '../../electron/core/studio-service/router';

let dataDir: string;
let work: string;
let router: Router;

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-router-data-'));
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-router-work-'));
  router = createStudioService({ dataDir, mode: 'test', env: {} });
});

const req = (method: string, params: unknown, id = 1) => router.dispatch({ kind: 'request', id, method, params });

describe('studio-service router', () => {
  it('validates envelopes and params', async () => {
    expect(await router.dispatch(null)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await router.dispatch({ kind: 'request', id: 1, method: 'app.info', params: {}, extra: 1 })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await req('nope', {})).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    expect(await req('workspace.open', { path: 'relative.yaml' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await req('workspace.save', { path: '/x.yaml' })).toMatchObject({ ok: false, error: { code: 'bad_request', issues: [expect.objectContaining({ path: 'text' })] } });
  });

  it('refuses messages nested beyond the depth limit before validating them', async () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(await req('workspace.open', { path: deep }, 7)).toMatchObject({ id: 7, ok: false, error: { code: 'bad_request', message: expect.stringContaining('depth limit') } });
    expect(await req('app.info', {}, 8)).toMatchObject({ id: 8, ok: true });
  });

  it.runIf(process.platform === 'linux')('workspace.open refuses /proc, /sys, devices, FIFOs, directories and oversized files', async () => {
    const refused = async (p: string, pattern: RegExp) => expect(await req('workspace.open', { path: p })).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringMatching(pattern) } });
    await refused('/proc/self/environ', /not opened/);
    await refused('/sys/kernel/mm/transparent_hugepage/enabled', /not opened/);
    await refused('/dev/zero', /not opened/);
    const link = path.join(work, 'env.yaml');
    fs.symlinkSync('/proc/self/environ', link);
    await refused(link, /not opened/);
    const fifo = path.join(work, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    await refused(fifo, /not a regular file/);
    await refused(work, /not a regular file/);
    const big = path.join(work, 'big.yaml');
    fs.writeFileSync(big, Buffer.alloc(10 * 1024 * 1024 + 1, 0x61));
    await refused(big, /larger than the 10 MB limit/);
    const ok = path.join(work, 'ok.yaml');
    fs.writeFileSync(ok, 'workflow: {}\n');
    expect(await req('workspace.open', { path: ok })).toMatchObject({ ok: true, result: { text: 'workflow: {}\n' } });
  });

  it.runIf(process.platform === 'linux')('workspace.save, layout.write and export.write refuse /proc, /sys, /dev and non-regular targets', async () => {
    const refused = async (method: string, params: unknown) => expect(await req(method, params)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    await refused('workspace.save', { path: '/dev/null', text: 'x' });
    await refused('workspace.save', { path: '/proc/self/x.yaml', text: 'x' });
    await refused('export.write', { path: '/sys/x.png', content: 'eA==', encoding: 'base64' });
    await refused('layout.write', { workflowPath: '/dev/shm-nope/x.yaml', layout: { version: 1, nodes: {} } });
    const linkDir = path.join(work, 'devlink');
    fs.symlinkSync('/dev', linkDir);
    await refused('workspace.save', { path: path.join(linkDir, 'null'), text: 'x' });
    const fifo = path.join(work, 'p.yaml');
    execFileSync('mkfifo', [fifo]);
    await refused('workspace.save', { path: fifo, text: 'x' });
    expect(await req('workspace.save', { path: path.join(work, 'new', 'ok.yaml'), text: 'x' })).toMatchObject({ ok: true });
  });

  it('saves, opens, keeps the sidecar layout and the recent list', async () => {
    const file = path.join(work, 'a.yaml');
    const text = '# comment\nworkflow:\n  name: a\n  steps:\n    - name: s\n      type: claude\n      prompt:\n        - type: static\n          content: hi\n';
    const layout = { version: 1 as const, nodes: { s: { x: 10, y: 20 } } };
    const saved = await router.call('workspace.save', { path: file, text, layout });
    expect(saved.bytes).toBe(Buffer.byteLength(text));
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
    expect(JSON.parse(fs.readFileSync(layoutPathFor(file), 'utf8')).nodes).toEqual({ s: { x: 10, y: 20 } });
    const opened = await router.call('workspace.open', { path: file });
    expect(opened.text).toBe(text);
    expect(opened.layout?.nodes.s).toEqual({ x: 10, y: 20 });
    const recent = await router.call('workspace.recent', {});
    expect(recent.files[0].path).toBe(file);
    expect(fs.existsSync(path.join(dataDir, 'recent.json'))).toBe(true);
    await router.call('layout.write', { workflowPath: file, layout: { version: 1, nodes: { s: { x: 1, y: 2 } } } });
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
    expect((await router.call('layout.read', { workflowPath: file })).layout?.nodes.s).toEqual({ x: 1, y: 2 });
  });

  it('refuses to overwrite with createOnly, reports missing files', async () => {
    const file = path.join(work, 'b.yaml');
    fs.writeFileSync(file, 'x');
    expect(await req('workspace.save', { path: file, text: 'y', createOnly: true })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await req('workspace.open', { path: path.join(work, 'missing.yaml') })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('lists folders with yaml files only', async () => {
    fs.writeFileSync(path.join(work, 'w.yaml'), 'workflow: {}');
    fs.writeFileSync(path.join(work, 'notes.txt'), '');
    fs.mkdirSync(path.join(work, 'sub'));
    fs.writeFileSync(path.join(work, 'sub', 'x.yml'), '');
    const listing = await router.call('fs.list', { path: work });
    expect(listing.entries.map((e) => e.name)).toEqual(['sub', 'w.yaml']);
    const folder = await router.call('workspace.openFolder', { path: work });
    expect(folder.files.map((f) => f.name)).toEqual(['sub/x.yml', 'w.yaml']);
  });

  it('serves templates, including the spec example, all of them valid', async () => {
    const { templates } = await router.call('templates.list', {});
    expect(templates.map((t) => t.id)).toContain('dspy_code_analysis');
    for (const t of templates) {
      const { text } = await router.call('templates.get', { id: t.id });
      const v = await router.call('workflow.validate', { text });
      expect({ id: t.id, errors: v.diagnostics.filter((d) => d.severity === 'error') }).toEqual({ id: t.id, errors: [] });
    }
    expect(await req('templates.get', { id: 'nope' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('creates the sample project: the offline demo the first steps use, with its counts', async () => {
    const s = await router.call('sample.create', {});
    expect(path.basename(s.workflowPath)).toBe('toy_labels.yaml');
    expect(fs.readFileSync(s.workflowPath, 'utf8')).toContain('optimization_enabled: true');
    const lines = fs.readFileSync(s.datasetPath, 'utf8').trim().split('\n');
    expect(s).toMatchObject({ step: 'classify', examples: lines.length, labeled: lines.filter((l) => JSON.parse(l).label === 'accepted').length });
    expect(s.examples).toBe(320);
    expect(s.examples - s.labeled).toBe(12);
    expect(JSON.parse(lines[0])).toHaveProperty('outputs.label');
  });

  it('validates with positions', async () => {
    const v = await router.call('workflow.validate', { text: 'workflow:\n  name: x\n  steps:\n    - name: a\n      type: nope\n' });
    expect(v.ok).toBe(false);
    expect(v.diagnostics.some((d) => d.line === 5 || d.line === 4)).toBe(true);
  });

  it('secrets: environment in browser mode, secret store when available', async () => {
    const envRouter = createStudioService({ dataDir, mode: 'browser', env: { ANTHROPIC_API_KEY: 'x' } });
    const st = await envRouter.call('secrets.status', {});
    expect(st.providers.find((p) => p.provider === 'anthropic')).toMatchObject({ configured: true, source: 'environment' });
    expect(await envRouter.dispatch({ kind: 'request', id: 1, method: 'secrets.set', params: { provider: 'anthropic', value: 'k' } })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const mem = new Map<string, string>();
    const store: SecretStore = { available: () => true, has: (p) => mem.has(p), set: (p, v) => void mem.set(p, v) };
    const r2 = createStudioService({ dataDir, mode: 'electron', env: {}, secretStore: store });
    await r2.call('secrets.set', { provider: 'gemini', value: 'k' });
    expect((await r2.call('secrets.status', {})).providers.find((p) => p.provider === 'gemini')).toMatchObject({ configured: true, source: 'safe-storage' });
  });

  it('emits recentChanged events', async () => {
    const events: string[] = [];
    router.subscribe((e) => events.push(e.event));
    await router.call('workspace.save', { path: path.join(work, 'c.yaml'), text: 'workflow: {}\n' });
    expect(events).toContain('workspace.recentChanged');
  });
});
