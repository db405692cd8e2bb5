import { describe, expect, it } from 'vitest';
import { importInBackground, type ImportProgressPhase } from '../../electron/core/training-data/background-import';
import { OperationCancelledError, progressClock, progressFigures, progressLine, type ProgressFigures } from '../../electron/core/training-data/progress';
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
