import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStudioService, type StudioService } from '../../electron/core/studio-service/service';

let dataDir: string;
let service: StudioService;

beforeAll(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'runtime-svc-'));
  service = createStudioService({ dataDir, mode: 'test', env: {}, studio: { pool: { poolSize: 1, healthCheckInterval: 0 } } });
});
afterAll(async () => {
  await service.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('Python runtime (Settings)', () => {
  it('shows where the runtime is and its Python and DSPy versions before any pool starts', async () => {
    const info = await service.call('runtime.info', {});
    expect(info).toMatchObject({ source: 'bundled-venv', pythonVersion: expect.stringMatching(/^3\.\d+\.\d+$/), dspyVersion: '3.4.1', repairable: false, status: { state: 'idle' } });
    expect(info.python).toMatch(/python[\\/]\.venv[\\/]bin[\\/]python$/);
    expect((await service.studio()).poolStarted).toBe(false);
  });

  it('refuses to repair a development venv, naming it and how to rebuild it, without stopping the pool', async () => {
    const studio = await service.studio();
    const pool = await studio.pool();
    const err = (await service.call('runtime.repair', {}).catch((e: unknown) => e)) as { code?: string; message?: string };
    expect(err).toMatchObject({ code: 'conflict', message: expect.stringMatching(/the bundled venv \(python\/\.venv\).*npm run setup/) });
    expect(await studio.pool()).toBe(pool);
    expect(pool.status().state).toBe('ready');
  });
});
