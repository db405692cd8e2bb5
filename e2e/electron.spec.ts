import { expect, test, _electron as electron } from '@playwright/test';
import { existsSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { shot } from './helpers';

const require = createRequire(import.meta.url);

function electronBinary(): string | null {
  try {
    const p = require('electron') as unknown;
    return typeof p === 'string' && existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

test('Electron window: sandboxed, bridge only, welcome screen', async () => {
  const bin = electronBinary();
  if (!bin) {
    console.log('electron e2e skipped: the Electron binary is not installed (node_modules/electron/dist missing; it is downloaded at install time)');
    test.skip(true, 'Electron binary not installed');
    return;
  }
  const build = spawnSync(process.execPath, ['scripts/build-electron.mjs'], { stdio: 'inherit' });
  expect(build.status).toBe(0);
  const app = await electron.launch({
    executablePath: bin,
    args: [path.resolve('dist/electron/main.js'), '--no-sandbox'],
    env: { ...process.env, PIPELINE_STUDIO_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'ps-electron-')) },
  });
  const page = await app.firstWindow();
  await expect(page.getByTestId('welcome')).toBeVisible();
  expect(await page.evaluate(() => typeof (window as any).require)).toBe('undefined');
  expect(await page.evaluate(() => Object.keys((window as any).studio ?? {}).sort())).toEqual(['invoke', 'onEvent']);
  expect(await page.evaluate(() => typeof (window as any).ipcRenderer)).toBe('undefined');
  await shot(page, 'electron-welcome');
  await app.close();
});
