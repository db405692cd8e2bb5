import { defineConfig } from '@playwright/test';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const port = Number(process.env.E2E_PORT ?? 4100 + Math.floor(Math.random() * 800));
export const E2E_TOKEN = process.env.E2E_TOKEN ?? 'e2e-token-0123456789';
const dataDir = process.env.E2E_DATA_DIR ?? mkdtempSync(path.join(os.tmpdir(), 'ps-e2e-data-'));
process.env.E2E_DATA_DIR = dataDir;
process.env.E2E_PORT = String(port);

export default defineConfig({
  testDir: 'e2e',
  testMatch: '*.spec.ts',
  outputDir: 'test-output/playwright',
  timeout: 90_000,
  workers: 1,
  fullyParallel: false,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: existsSync(CHROMIUM) ? CHROMIUM : undefined,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  webServer: existsSync(CHROMIUM)
    ? {
        command: `node bin/pipeline-studio.js --data-dir ${dataDir} serve --port ${port} --token ${E2E_TOKEN}`,
        url: `http://127.0.0.1:${port}/?token=${E2E_TOKEN}`,
        reuseExistingServer: false,
        timeout: 60_000,
        stdout: 'pipe',
        // One Python worker on small CI machines; the simulated model waits a little per call so progress is visible.
        env: { ...(process.env as Record<string, string>), PIPELINE_STUDIO_POOL_SIZE: '1', PIPELINE_STUDIO_SIMULATED_LATENCY_MS: process.env.PIPELINE_STUDIO_SIMULATED_LATENCY_MS ?? '10' },
      }
    : undefined,
});
