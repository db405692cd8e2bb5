/** StudioApi handlers of workflow runs from the designer: start, stop, history, trace, add to dataset. */
import { StudioApiError } from '../../../shared/api/index';
import type { Studio } from '../studio';
import type { BatchProgress } from '../../../shared/api/run';
import { BatchRunner } from '../workflow-runs/batch';
import { RunRequestError, WorkflowRunManager, type RunStreamEvent } from '../workflow-runs/run-manager';
import type { Handlers } from './router';

type RunHandlers = Pick<Handlers, 'workflow.run' | 'workflow.stop' | 'workflow.runs' | 'workflow.trace' | 'workflow.addToDataset' | 'workflow.batch' | 'workflow.stopBatch'>;

/** A refused request as a bad_request naming the field. */
async function refusals<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof RunRequestError) throw new StudioApiError('bad_request', err.message, [{ path: err.field, message: err.message }]);
    throw err;
  }
}

export function createRunHandlers(deps: {
  studio: () => Promise<Studio>;
  emit: (e: RunStreamEvent) => void;
  emitBatch: (p: BatchProgress) => void;
  defaultBaseDir: string;
}): { handlers: RunHandlers; stopAll: () => Promise<void> } {
  let manager: WorkflowRunManager | undefined;
  let batches: BatchRunner | undefined;
  const runs = async () => {
    const studio = await deps.studio();
    // One manager per Studio (a closed service opens a new one).
    if (manager?.studio !== studio) {
      manager = new WorkflowRunManager(studio, deps.emit, { defaultBaseDir: deps.defaultBaseDir });
      batches = new BatchRunner(manager, deps.emitBatch);
    }
    return { manager, batches: batches! };
  };
  return {
    async stopAll() {
      batches?.stopAll();
      await manager?.stopAll();
    },
    handlers: {
      'workflow.run': async (params) => {
        const { manager: m } = await runs();
        const trace = await refusals(() => m.start(params));
        return { runId: trace.runId, trace };
      },
      'workflow.stop': async ({ runId }) => ({ stopped: (await runs()).manager.stop(runId) }),
      'workflow.runs': async (filter) => ({ runs: (await runs()).manager.list(filter) }),
      'workflow.trace': async ({ runId }) => {
        const trace = (await runs()).manager.trace(runId);
        if (!trace) throw new StudioApiError('not_found', `no run ${runId}`);
        return { trace };
      },
      'workflow.batch': async (params) => {
        const { batches: b } = await runs();
        return refusals(() => b.start(params));
      },
      'workflow.stopBatch': async ({ batchId }) => ({ stopped: (await runs()).batches.stop(batchId) }),
      'workflow.addToDataset': async ({ runId, step }) => {
        const { manager: m } = await runs();
        return refusals(() => m.addToDataset(runId, step));
      },
    },
  };
}
