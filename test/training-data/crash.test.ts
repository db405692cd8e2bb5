import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { TrainingData } from '../../electron/core/training-data';
import { databasePath, openDatabase } from '../../electron/core/storage';
import { FIXTURES, freshStore } from './helpers';

const ROWS = 150_000;
const CHILD = path.join(FIXTURES, 'import-child.ts');
const ROOT = path.resolve(__dirname, '../..');

function bigJsonl(dir: string): string {
  const file = path.join(dir, 'big.jsonl');
  const lines: string[] = [];
  for (let i = 0; i < ROWS; i++) lines.push(JSON.stringify({ question: `question number ${i} about item ${i % 97}`, answer: `answer ${i}` }));
  fs.writeFileSync(file, lines.join('\n'));
  return file;
}

function startChild(dir: string, file: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, file, 'qa'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const lines: string[] = [];
  const listeners: ((line: string) => void)[] = [];
  let buf = '';
  child.stdout.on('data', (d) => {
    buf += d;
    let at: number;
    while ((at = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, at);
      buf = buf.slice(at + 1);
      lines.push(line);
      listeners.forEach((l) => l(line));
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, lines, onLine: (l: (line: string) => void) => listeners.push(l), exited, stderr: () => stderr };
}

function countQa(db: Database.Database): number {
  return (db.prepare("SELECT COUNT(*) AS n FROM examples e JOIN signatures s ON s.hash = e.signature_hash WHERE s.name = 'qa'").get() as { n: number }).n;
}

describe('crash safety and concurrency', () => {
  it('kill -9 in the middle of a bulk import: the file opens, passes integrity_check, holds none of that import', async () => {
    const { td, dir } = freshStore();
    const earlier = td.addExamples('qa', [{ inputs: { question: 'kept?' }, outputs: { answer: 'yes' } }]);
    td.close();
    const file = bigJsonl(dir);
    const c = startChild(dir, file);
    let killedAtInsert = -1;
    c.onLine((line) => {
      const m = /^insert (\d+) (\d+)$/.exec(line);
      if (m && killedAtInsert < 0 && Number(m[1]) >= 10_000) {
        killedAtInsert = Number(m[1]);
        c.child.kill('SIGKILL');
      }
    });
    const exit = await c.exited;
    expect(exit.signal, c.stderr()).toBe('SIGKILL');
    expect(killedAtInsert).toBeGreaterThan(0);
    expect(killedAtInsert).toBeLessThan(ROWS); // killed inside the transaction, before the commit
    expect(c.lines.some((l) => l.startsWith('result'))).toBe(false);
    expect(fs.existsSync(databasePath(dir) + '-wal')).toBe(true);
    const db = openDatabase(databasePath(dir));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const n = countQa(db);
    expect(n === 1 || n === 1 + ROWS).toBe(true);
    expect(n).toBe(1); // the kill landed before the commit: none of it
    expect((db.prepare('SELECT COUNT(*) AS n FROM imports').get() as { n: number }).n).toBe(0);
    db.close();
    const after = TrainingData.open(dir);
    expect(after.examples.get(earlier.ids[0])).toBeDefined();
    expect(after.audit.verify().ok).toBe(true);
    after.close();
  });

  it('kill -9 while labeling: integrity_check passes, every label reported as done is kept, the audit chain verifies', async () => {
    const { td, dir } = freshStore();
    const added = td.addExamples('qa', Array.from({ length: 3000 }, (_, i) => ({ inputs: { question: `q${i}` }, outputs: { answer: `a${i}` } })));
    td.close();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(FIXTURES, 'label-child.ts'), dir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const labeled: string[] = [];
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      let at: number;
      while ((at = buf.indexOf('\n')) >= 0) {
        const m = /^labeled (\S+)$/.exec(buf.slice(0, at));
        buf = buf.slice(at + 1);
        if (m) labeled.push(m[1]);
        if (labeled.length === 200) child.kill('SIGKILL');
      }
    });
    const signal = await new Promise((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
    expect(signal).toBe('SIGKILL');
    expect(labeled.length).toBeGreaterThanOrEqual(200);
    expect(labeled.length).toBeLessThan(added.ids.length);
    const db = openDatabase(databasePath(dir));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
    const after = TrainingData.open(dir);
    for (const id of labeled) expect(after.examples.get(id)!.labelState).toBe('accepted');
    expect(after.examples.list().filter((e) => e.labelState === 'unlabeled').length).toBeGreaterThan(0);
    expect(after.audit.verify().ok).toBe(true);
    after.close();
  }, 120_000);

  it('an import that completes in a child process holds all of it', async () => {
    const { td, dir } = freshStore();
    td.close();
    const c = startChild(dir, bigJsonl(dir));
    const exit = await c.exited;
    expect(exit.code, c.stderr()).toBe(0);
    const db = openDatabase(databasePath(dir));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(countQa(db)).toBe(ROWS);
    db.close();
  });

  it('a reader keeps reading (old snapshot, never a partial import) while a writer imports', async () => {
    const { td, dir } = freshStore();
    td.addExamples('qa', [{ inputs: { question: 'first' }, outputs: { answer: 'one' } }]);
    td.close();
    const reader = new Database(databasePath(dir), { readonly: true });
    reader.pragma('busy_timeout = 100');
    const c = startChild(dir, bigJsonl(dir));
    let writing = false;
    c.onLine((line) => {
      if (line.startsWith('insert')) writing = true;
      if (line.startsWith('done')) writing = false;
    });
    const seen: number[] = [];
    let readsWhileWriting = 0;
    let done = false;
    void c.exited.then(() => (done = true));
    while (!done) {
      const n = countQa(reader);
      seen.push(n);
      if (writing) readsWhileWriting += 1;
      await new Promise((r) => setTimeout(r, 5));
    }
    seen.push(countQa(reader));
    reader.close();
    expect((await c.exited).code, c.stderr()).toBe(0);
    expect(readsWhileWriting).toBeGreaterThan(5);
    expect(new Set(seen)).toEqual(new Set([1, 1 + ROWS]));
    expect(seen[seen.length - 1]).toBe(1 + ROWS);
  });
});
