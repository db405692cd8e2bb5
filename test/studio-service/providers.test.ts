import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createStudioService } from '../../electron/core/studio-service/service';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('providers in Settings', () => {
  it('saves the generation bounds every real call carries; refuses out-of-range values naming the field', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'prov-'));
    dirs.push(dataDir);
    const svc = createStudioService({ dataDir, mode: 'test', env: {}, studio: { pool: { poolSize: 1, healthCheckInterval: 0 } } });
    try {
      expect((await svc.call('providers.status', {})).generation).toEqual({ maxTokens: 1024, temperature: null });
      const s = await svc.call('providers.update', { generation: { maxTokens: 300, temperature: 0.2 } });
      expect(s.generation).toEqual({ maxTokens: 300, temperature: 0.2 });
      expect(JSON.parse(readFileSync(path.join(dataDir, 'providers.json'), 'utf8')).generation).toEqual({ maxTokens: 300, temperature: 0.2 });
      const bad = (await svc.call('providers.update', { generation: { maxTokens: 0 } }).catch((e: unknown) => e)) as { issues?: { path: string }[] };
      expect(bad.issues?.[0].path).toBe('generation.maxTokens');
      expect((await svc.call('providers.update', { generation: { maxTokens: null } })).generation.maxTokens).toBe(1024);
    } finally {
      await svc.close();
    }
  });
});
