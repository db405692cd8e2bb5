/**
 * Worker-thread entry of an import run off the host's thread (see background-import.ts): its own
 * connection to the store's file (WAL lets the host keep reading), progress posted after each batch.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../storage/database';
import { TrainingData, type ImportArgs } from './manager';
import { OperationCancelledError, progressClock } from './progress';
import type { ImportWorkerData, ImportWorkerMessage } from './background-import';

const { dbFile, nativeBinding, args, cancel } = workerData as ImportWorkerData;
const post = (m: ImportWorkerMessage) => parentPort!.postMessage(m);
const cancelled = new Int32Array(cancel);
const figures = progressClock();
const td = new TrainingData(openDatabase(dbFile, { nativeBinding, migrate: false }), { nativeBinding });
try {
  const onProgress: ImportArgs['onProgress'] = (p) => {
    if (Atomics.load(cancelled, 0) === 1) throw new OperationCancelledError('import');
    post({ type: 'progress', phase: p.phase, figures: figures({ done: p.done, total: p.total, share: p.totalBytes ? p.bytes / p.totalBytes : 0 }) });
  };
  // a view of the bytes the host sent, not another copy
  post({ type: 'report', report: td.importFile({ ...args, data: Buffer.from(args.data.buffer, args.data.byteOffset, args.data.byteLength), onProgress }) });
} catch (err) {
  post(err instanceof OperationCancelledError ? { type: 'cancelled', message: err.message } : { type: 'error', message: err instanceof Error ? err.message : String(err) });
} finally {
  td.close();
}
