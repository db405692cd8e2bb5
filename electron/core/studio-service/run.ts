/** StudioApi handlers of workflow runs from the designer: start, stop, history, trace, add to dataset. */
import { StudioApiError } from '../../../shared/api/index';
import type { Studio } from '../studio';
import { RunRequestError, WorkflowRunManager, type RunStreamEvent } from '../workflow-runs/run-manager';
import type { Handlers } from './router';

type RunHandlers = Pick<Handlers, 'workflow.run' | 'workflow.stop' | 'workflow.runs' | 'workflow.trace' | 'workflow.addToDataset'>;

/** A refused request as a bad_request naming the field. */
async function refusals<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof RunRequestError) throw new StudioApiError('bad_request', err.message, [{ path: err.field, message: err.message }]);
    throw err;
  }
}

export function createRunHandlers(deps: { studio: () => Promise<Studio>; emit: (e: RunStreamEvent) => void; defaultBaseDir: string }): { handlers: RunHandlers; manager: () => WorkflowRunManager | undefined } {
  let manager: WorkflowRunManager | undefined;
  const runs = async () => {
    const studio = await deps.studio();
    // One manager per Studio (a closed service opens a new one).
    if (manager?.studio !== studio) manager = new WorkflowRunManager(studio, deps.emit, { defaultBaseDir: deps.defaultBaseDir });
    return manager;
  };
  return {
    manager: () => manager,
    handlers: {
      'workflow.run': async (params) => {
        const m = await runs();
        const trace = await refusals(() => m.start(params));
        return { runId: trace.runId, trace };
      },
      'workflow.stop': async ({ runId }) => ({ stopped: (await runs()).stop(runId) }),
      'workflow.runs': async (filter) => ({ runs: (await runs()).list(filter) }),
      'workflow.trace': async ({ runId }) => {
        const trace = (await runs()).trace(runId);
        if (!trace) throw new StudioApiError('not_found', `no run ${runId}`);
        return { trace };
      },
      'workflow.addToDataset': async ({ runId, step }) => {
        const m = await runs();
        return refusals(() => m.addToDataset(runId, step));
      },
    },
  };
}
