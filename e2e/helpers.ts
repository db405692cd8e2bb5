import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { test, type Page, type TestInfo } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const TOKEN = process.env.E2E_TOKEN ?? 'e2e-token-0123456789';
export const SHOTS = path.resolve('test-output/screenshots');

export function skipWithoutChromium(): void {
  if (!existsSync(CHROMIUM)) {
    console.log(`e2e skipped: no Chromium at ${CHROMIUM} (install chromium or set CHROMIUM_PATH)`);
    test.skip(true, `no Chromium at ${CHROMIUM}`);
  }
}

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

/** Axe: no serious or critical violation on the current screen. */
export async function axeSerious(page: Page): Promise<{ id: string; impact: string; help: string; nodes: number }[]> {
  const results = await new AxeBuilder({ page }).disableRules(['region']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: String(v.impact), help: v.help, nodes: v.nodes.length, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
}

export async function editorText(page: Page): Promise<string> {
  return page.evaluate(() => (window as any).__studio.doc.getState().text as string);
}

/** The data directory of the server the running spec talks to (each spec has its own: playwright.config.ts). */
export function dataDirOf(info: TestInfo): string {
  return String(info.project.metadata.dataDir);
}
