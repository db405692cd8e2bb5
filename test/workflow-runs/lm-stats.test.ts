import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createStudioService, type StudioService } from '../../electron/core/studio-service/service';
import type { EventEnvelope, EventPayload } from '../../shared/api/index';
import type { RunTrace } from '../../shared/run/trace';

const TOY = readFileSync(path.resolve('templates/sample-project/toy_labels.yaml'), 'utf8');

let dataDir: string;
let service: StudioService;
const traces: RunTrace[] = [];

beforeAll(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'run-lmstats-'));
  // A model that echoes its input: neither adapter can parse it.
  service = createStudioService({ dataDir, mode: 'test', env: {}, studio: { pool: { poolSize: 1, healthCheckInterval: 0 }, providers: { claude: {}, gemini: {}, simulatedFaults: { echo: true } } } });
  service.subscribe((e: EventEnvelope) => {
    const p = e.payload as EventPayload<'workflow.runEvent'>;
    if (e.event === 'workflow.runEvent' && p.kind === 'run' && p.trace.status !== 'running') traces.push(p.trace);
  });
});
afterAll(async () => {
  await service.close();
  rmSync(dataDir, { recursive: true, force: true });
});

it("the stored trace keeps a DSPy step's adapter counts and retries, also when it fell back", async () => {
  const { runId } = await service.call('workflow.run', { text: TOY, path: path.join(dataDir, 'toy_labels.yaml'), inputs: { text: 'apple pear plum otter' }, model: 'simulated' });
  await expect.poll(() => traces.find((t) => t.runId === runId), { timeout: 60_000 }).toBeDefined();
  const stored = (await service.call('workflow.trace', { runId })).trace;
  const [step] = stored.steps;
  expect(step).toMatchObject({ status: 'ok', mode: 'fallback' });
  expect(step.lmStats).toEqual({ adapterCalls: 2, parseFailures: 2, fallbacks: 1, retries: {} });
});
