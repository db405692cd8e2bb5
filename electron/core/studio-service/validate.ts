/**
 * Workflow validation for the API: the host's one validation path (the plugins' step catalog).
 * Big documents are validated on a worker thread, so one request never blocks the others.
 */
import { Worker } from 'node:worker_threads';
import { validateWorkflow } from '../workflow-validation';
import type { PluginHost } from '../plugin-host';
import type { ApiDiagnostic } from '../../../shared/api/index';
import type { ValidationResult } from '../../../shared/yaml/validate';

export type ApiValidation = { ok: boolean; diagnostics: ApiDiagnostic[] };

/** Above this many characters validation can take a noticeable time (about 100 ms per 100 KB of steps). */
export const OFFLOAD_CHARS = 256 * 1024;
const WORKER_TIMEOUT_MS = 120_000;
const WORKER_HEAP_MB = 2048;

export function toApiValidation(result: ValidationResult): ApiValidation {
  const diagnostics: ApiDiagnostic[] = result.diagnostics.map((d) => ({ severity: d.severity, message: d.message, path: d.path, line: d.line, column: d.column }));
  return { ok: result.verdict === 'valid', diagnostics };
}

/** A worker thread runs the same validation with the default plugins (those of a `plugins:` block load there too). */
function validateOnWorker(text: string): Promise<ApiValidation> {
  // Next to this module: validate-worker.js in the bundle; from source an entry that loads tsx first.
  const here = import.meta.url;
  const entry = new URL(here.endsWith('.ts') ? './validate-worker-source.mjs' : './validate-worker.js', here);
  return new Promise((resolve, reject) => {
    const worker = new Worker(entry, { workerData: { text }, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`validation did not finish within ${WORKER_TIMEOUT_MS / 1000} s`));
    }, WORKER_TIMEOUT_MS);
    worker.once('message', (result: ApiValidation) => {
      clearTimeout(timer);
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    worker.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`validation worker exited with code ${code}`));
    });
  });
}

export async function validateText(text: string, host?: PluginHost, offloadChars = OFFLOAD_CHARS): Promise<ApiValidation> {
  if (text.length > offloadChars) return validateOnWorker(text);
  return toApiValidation(await validateWorkflow(text, host));
}
