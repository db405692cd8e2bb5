import { describe, expect, it } from 'vitest';
import { importInBackground, type ImportProgressPhase } from '../../electron/core/training-data/background-import';
import { OperationCancelledError, progressClock, progressFigures, progressLine, type ProgressFigures } from '../../electron/core/training-data/progress';
import { progressReporter } from '../../electron/cli/commands/data';
import { freshStore } from './helpers';

function jsonl(rows: number, badLine?: number): Buffer {
  const lines: string[] = [];
  for (let i = 1; i <= rows; i++) lines.push(i === badLine ? '{"question": "broken"' : JSON.stringify({ question: `q ${i}`, answer: `a ${i}` }));
  return Buffer.from(`${lines.join('\n')}\n`);
}

const counts = (td: ReturnType<typeof freshStore>['td']) => ({
  examples: td.examples.count({ task: 'qa' }),
  imports: (td.db.prepare('SELECT COUNT(*) AS n FROM imports').get() as { n: number }).n,
  audit: td.audit.list().length,
});

describe('progress figures', () => {
  it('rate from the rows done, time left from the share done (a fake clock)', () => {
    let now = 1000;
    const figures = progressClock(() => now);
    now += 5000;
    expect(figures({ done: 250_000, total: 1_000_000, share: 0.25 })).toEqual({ done: 250_000, total: 1_000_000, share: 0.25, elapsedMs: 5000, rowsPerSecond: 50_000, secondsLeft: 15 });
    expect(progressLine('import', progressFigures({ done: 250_000, total: 1_000_000, share: 0.25 }, 5000))).toBe('import: 250000 rows (25%), 50000 rows/s, about 15 s left');
    expect(progressLine('export', progressFigures({ done: 0, total: 10, share: 0 }, 0))).toBe('export: 0 rows (0%), 0 rows/s, time left unknown');
  });
});

describe('import on a worker thread', () => {
  it('reports progress after each batch of 5,000 rows, then the same report as an import in process', async () => {
    const { td } = freshStore();
    const events: { phase: ImportProgressPhase; figures: ProgressFigures }[] = [];
    const job = importInBackground(td, { signature: 'qa', data: jsonl(12_345), fileName: 'rows.jsonl', by: 'tester' }, (phase, figures) => events.push({ phase, figures }));
    const report = await job.result;
    expect(report).toMatchObject({ ok: true, rows: 12_345, inserted: 12_345, errors: [] });
    expect(events.filter((e) => e.phase === 'insert').map((e) => e.figures.done)).toEqual([5000, 10_000]);
    expect(events.map((e) => e.phase)).toEqual(['insert', 'insert', 'parsed', 'done']);
    const last = events.at(-1)!.figures;
    expect(last).toMatchObject({ done: 12_345, total: 12_345, share: 1, secondsLeft: 0 });
    for (const e of events) expect(e.figures.share).toBeGreaterThan(0);
    // the host's own connection sees the worker's commit
    expect(counts(td)).toMatchObject({ examples: 12_345, imports: 1 });
    td.close();
  });

  it('a bad row in the last batch imports nothing', async () => {
    const { td } = freshStore();
    const before = counts(td);
    const report = await importInBackground(td, { signature: 'qa', data: jsonl(11_000, 10_999), fileName: 'rows.jsonl' }, () => {}).result;
    expect(report.ok).toBe(false);
    expect(report.errors.map((e) => e.line)).toEqual([10_999]);
    expect(counts(td)).toEqual(before);
    td.close();
  });

  it('cancelled, it stops at its first batch (already written in the transaction) and changes nothing', async () => {
    const { td } = freshStore();
    const before = counts(td);
    const phases: string[] = [];
    const job = importInBackground(td, { signature: 'qa', data: jsonl(30_000), fileName: 'rows.jsonl' }, (phase) => phases.push(phase));
    job.cancel();
    await expect(job.result).rejects.toBeInstanceOf(OperationCancelledError);
    expect(phases).toEqual([]);
    expect(counts(td)).toEqual(before);
    td.close();
  });
});

describe('the CLI progress reporter (one for import, snapshot and export)', () => {
  it('prints at most once a second, each step timed from its own first report (a fake clock)', () => {
    let now = 0;
    const lines: string[] = [];
    const report = progressReporter((l) => lines.push(l), () => now);
    now = 500;
    report('snapshot (hashing rows)', { done: 10_000, total: 40_000, share: 0.25 });
    expect(lines).toEqual([]);
    now = 1500;
    report('snapshot (hashing rows)', { done: 30_000, total: 40_000, share: 0.75 });
    now = 2000;
    report('snapshot (copying rows)', { done: 10_000, total: 40_000, share: 0.25 });
    now = 3000;
    report('snapshot (copying rows)', { done: 20_000, total: 40_000, share: 0.5 });
    expect(lines).toEqual(['snapshot (hashing rows): 30000 rows (75%), 30000 rows/s, about 0 s left', 'snapshot (copying rows): 20000 rows (50%), 20000 rows/s, about 1 s left']);
  });
});

describe('snapshot and export progress', () => {
  it('a snapshot reports each pass per 10,000 rows and gives the same version as before; an export per 10,000 rows read', () => {
    const { td } = freshStore();
    td.importFile({ signature: 'qa', data: jsonl(25_000), fileName: 'rows.jsonl' });
    const events: { phase: string; done: number; total: number; share: number }[] = [];
    const v = td.createVersion({ signature: 'qa', onProgress: (p) => events.push(p) });
    expect(v.rowCount).toBe(25_000);
    expect(events.map((e) => `${e.phase} ${e.done}/${e.total}`)).toEqual(['hash 10000/25000', 'hash 20000/25000', 'copy 10000/25000', 'copy 20000/25000', 'copy 25000/25000']);
    expect(v.contentHash).toBe(td.versions.liveContent('qa').contentHash);
    expect((td.db.prepare('SELECT COUNT(*) AS n FROM version_rows WHERE version_id = ?').get(v.id) as { n: number }).n).toBe(25_000);
    const exported: number[] = [];
    expect(td.exportTo({ signature: 'qa', format: 'jsonl', version: v.id }, () => {}, (p) => exported.push(p.done))).toBe(25_000);
    expect(exported).toEqual([10_000, 20_000]);
    td.close();
  });

  it('an error thrown by a snapshot\'s progress callback rolls the snapshot back', () => {
    const { td } = freshStore();
    td.importFile({ signature: 'qa', data: jsonl(15_000), fileName: 'rows.jsonl' });
    expect(() =>
      td.createVersion({
        signature: 'qa',
        onProgress: (p) => {
          if (p.phase === 'copy') throw new OperationCancelledError('snapshot');
        },
      }),
    ).toThrow(OperationCancelledError);
    expect(td.versions.list('qa')).toEqual([]);
    expect((td.db.prepare('SELECT COUNT(*) AS n FROM version_rows').get() as { n: number }).n).toBe(0);
    td.close();
  });
});
