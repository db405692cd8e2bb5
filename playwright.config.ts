import { defineConfig } from '@playwright/test';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const E2E_TOKEN = process.env.E2E_TOKEN ?? 'e2e-token-0123456789';

/**
 * Each browser-mode spec gets its own server and data directory, so no spec sees another's datasets,
 * labels or promoted programs. Workers re-read this file: the ports and directories travel in the
 * environment so every process agrees on them.
 */
const SPECS = ['data', 'designer', 'gepa', 'identity', 'optimize-scale', 'providers', 'run', 'tuning'] as const;
if (!process.env.E2E_SERVERS) {
  const base = Number(process.env.E2E_PORT ?? 4100 + Math.floor(Math.random() * 700));
  process.env.E2E_SERVERS = JSON.stringify(SPECS.map((name, i) => ({ name, port: base + i, dataDir: mkdtempSync(path.join(os.tmpdir(), `ps-e2e-${name}-`)) })));
}
const servers = JSON.parse(process.env.E2E_SERVERS) as { name: string; port: number; dataDir: string }[];
const url = (port: number) => `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-output/playwright',
  timeout: 90_000,
  workers: 1,
  fullyParallel: false,
  reporter: [['list']],
  use: {
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: existsSync(CHROMIUM) ? CHROMIUM : undefined,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  projects: [
    ...servers.map((s) => ({ name: s.name, testMatch: `${s.name}.spec.ts`, use: { baseURL: url(s.port) }, metadata: { dataDir: s.dataDir } })),
    { name: 'electron', testMatch: 'electron.spec.ts' },
  ],
  webServer: existsSync(CHROMIUM)
    ? servers.map((s) => ({
        command: `node bin/pipeline-studio.js --data-dir ${s.dataDir} serve --port ${s.port} --token ${E2E_TOKEN}`,
        url: `${url(s.port)}/?token=${E2E_TOKEN}`,
        reuseExistingServer: false,
        timeout: 120_000,
        stdout: 'pipe' as const,
        // One Python worker on small CI machines; the simulated model waits a little per call so progress is visible.
        env: { ...(process.env as Record<string, string>), PIPELINE_STUDIO_POOL_SIZE: '1', PIPELINE_STUDIO_SIMULATED_LATENCY_MS: process.env.PIPELINE_STUDIO_SIMULATED_LATENCY_MS ?? '10' },
      }))
    : undefined,
});
