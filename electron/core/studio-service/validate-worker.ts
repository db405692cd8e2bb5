/** Worker-thread entry: validates workerData.text and posts the API result back. */
import { parentPort, workerData } from 'node:worker_threads';
import { validateWorkflow } from '../workflow-validation';
import { toApiValidation } from './validate';

parentPort!.postMessage(toApiValidation(await validateWorkflow((workerData as { text: string }).text)));
