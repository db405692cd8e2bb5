/**
 * An import run on a worker thread, so a large file neither blocks the host nor hides its progress:
 * the worker opens its own connection to the same SQLite file and imports in one transaction, as
 * TrainingData.importFile does in process (all or nothing). Cancelling rolls that transaction back.
 */
import { Worker } from 'node:worker_threads';
import type { ImportArgs, ImportReport, TrainingData } from './manager';
import { OperationCancelledError, type ProgressFigures } from './progress';

export type ImportProgressPhase = NonNullable<Parameters<NonNullable<ImportArgs['onProgress']>>[0]>['phase'];

export interface ImportWorkerData {
  dbFile: string;
  nativeBinding?: string;
  args: Omit<ImportArgs, 'onProgress' | 'file'> & { data: Uint8Array };
  /** Int32 flag: 1 asks the worker to stop at its next batch. */
  cancel: SharedArrayBuffer;
}

export type ImportWorkerMessage =
  | { type: 'progress'; phase: ImportProgressPhase; figures: ProgressFigures }
  | { type: 'report'; report: ImportReport }
  | { type: 'cancelled'; message: string }
  | { type: 'error'; message: string };

export interface BackgroundImport {
  /** The report, or OperationCancelledError after cancel(), or the worker's error. */
  result: Promise<ImportReport>;
  /** Stops the import at its next batch; nothing is written. */
  cancel: () => void;
}

/** Imports `args.data` on a worker thread into td's database file; onProgress gets each batch's figures. */
export function importInBackground(td: TrainingData, args: Omit<ImportArgs, 'onProgress' | 'file'> & { data: Buffer }, onProgress: (phase: ImportProgressPhase, figures: ProgressFigures) => void): BackgroundImport {
  if (!td.db.name || td.db.memory) throw new Error('a background import needs the store in a file');
  // Next to this module: import-worker.js in the bundle; from source an entry that loads tsx first.
  const here = import.meta.url;
  const entry = new URL(here.endsWith('.ts') ? './import-worker-source.mjs' : './import-worker.js', here);
  const cancel = new SharedArrayBuffer(4);
  const workerData: ImportWorkerData = { dbFile: td.db.name, nativeBinding: td.openOptions.nativeBinding, args, cancel };
  const worker = new Worker(entry, { workerData });
  const result = new Promise<ImportReport>((resolve, reject) => {
    let settled = false;
    worker.on('message', (m: ImportWorkerMessage) => {
      if (m.type === 'progress') return onProgress(m.phase, m.figures);
      settled = true;
      if (m.type === 'report') resolve(m.report);
      else reject(m.type === 'cancelled' ? new OperationCancelledError('import') : new Error(m.message));
    });
    worker.once('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the import worker exited with code ${code} before reporting`));
    });
  });
  return { result, cancel: () => Atomics.store(new Int32Array(cancel), 0, 1) };
}
