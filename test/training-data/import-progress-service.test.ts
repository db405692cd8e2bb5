import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKGROUND_IMPORT_BYTES } from '../../electron/core/studio-service/tuning';
import { createStudioService, type StudioService } from '../../electron/core/studio-service/service';
import type { EventEnvelope, ImportProgress } from '../../shared/api/index';

const SPEC = { input_fields: [{ name: 'text', type: 'string' }], output_fields: [{ name: 'label', type: 'string' }] };

/** A JSONL file over `times` the size that moves an import to a worker thread. */
function bigFile(tag: string, times = 1): { content: string; rows: number } {
  const lines: string[] = [];
  let bytes = 0;
  while (bytes <= times * BACKGROUND_IMPORT_BYTES) {
    const line = JSON.stringify({ text: `${tag} row ${lines.length} with a few more words to fill the line`, label: 'animal' });
    lines.push(line);
    bytes += line.length + 1;
  }
  return { content: Buffer.from(`${lines.join('\n')}\n`).toString('base64'), rows: lines.length };
}

let dataDir: string;
let service: StudioService;
const events: EventEnvelope[] = [];
const progressOf = (id: string) => events.filter((e) => e.event === 'data.importProgress').map((e) => e.payload as ImportProgress).filter((p) => p.progressId === id);

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'import-progress-'));
  service = createStudioService({ dataDir, mode: 'test', env: {}, studio: { pool: { poolSize: 1, healthCheckInterval: 0 }, providers: { claude: {}, gemini: {}, simulatedLatencyMs: 0 } } });
  service.subscribe((e) => events.push(e));
  await service.call('data.registerSignature', { name: 'big', spec: SPEC });
});
afterAll(async () => {
  await service.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('data.import of a large file', () => {
  it('runs on a worker thread: progress events per batch under its progressId, the host answering meanwhile', async () => {
    const file = bigFile('first');
    const order: string[] = [];
    const imported = service.call('data.import', { signature: 'big', fileName: 'big.jsonl', content: file.content, progressId: 'p1' }).then((r) => (order.push('import'), r));
    const answered = service.call('data.signatures', {}).then(() => order.push('signatures'));
    const [report] = await Promise.all([imported, answered]);
    expect(order).toEqual(['signatures', 'import']);
    expect(report).toMatchObject({ ok: true, rows: file.rows, inserted: file.rows });
    const progress = progressOf('p1');
    expect(progress.filter((p) => p.phase === 'insert').map((p) => p.done)).toEqual(Array.from({ length: Math.floor(file.rows / 5000) }, (_, i) => (i + 1) * 5000));
    expect(progress.at(-1)).toMatchObject({ phase: 'done', done: file.rows, share: 1 });
    const list = await service.call('data.list', { signature: 'big', limit: 1 });
    expect(list.total).toBe(file.rows);
  });

  it('data.cancelImport stops it: the report says cancelled and the dataset is unchanged', async () => {
    const before = (await service.call('data.list', { signature: 'big', limit: 1 })).total;
    const seen = new Promise<void>((resolve) => {
      const off = service.subscribe((e) => {
        if (e.event === 'data.importProgress' && (e.payload as ImportProgress).progressId === 'p2') {
          off();
          resolve();
        }
      });
    });
    const imported = service.call('data.import', { signature: 'big', fileName: 'big.jsonl', content: bigFile('second', 4).content, progressId: 'p2' });
    // many batches are still to come when the first is reported
    await seen;
    expect(await service.call('data.cancelImport', { progressId: 'p2' })).toEqual({ cancelled: true });
    const report = await imported;
    expect(report).toMatchObject({ ok: false, cancelled: true, inserted: 0, errors: [] });
    expect((await service.call('data.list', { signature: 'big', limit: 1 })).total).toBe(before);
    expect(await service.call('data.cancelImport', { progressId: 'p2' })).toEqual({ cancelled: false });
  });
});
