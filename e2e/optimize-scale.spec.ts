import { expect, test } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { shot, skipWithoutChromium, TOKEN } from './helpers';

test.beforeEach(() => skipWithoutChromium());

test('a dataset larger than the optimizer receives: the estimate shows the sample size', async ({ page }) => {
  test.setTimeout(180_000);
  // 6,000 accepted rows of the sample project's classify step: more than the 5,000 an optimizer gets
  const labels = ['fruit', 'animal', 'color', 'tool'];
  const file = path.resolve('test-output/e2e-data/classify-6000.jsonl');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, Array.from({ length: 6_000 }, (_, i) => JSON.stringify({ inputs: { text: `item number ${i}` }, outputs: { label: labels[i % 4] }, label: 'accepted' })).join('\n'));
  await page.goto(`/?token=${TOKEN}`);
  await page.getByTestId('open-sample').click();
  await expect(page.getByTestId('node-classify')).toBeVisible();
  await page.getByTestId('nav-data').click();
  await page.getByTestId('signature-picker').selectOption('wf:classify');
  await expect(page.getByTestId('examples-count')).toBeVisible();
  await page.getByTestId('import-file').setInputFiles(file);
  await page.getByTestId('import-check').click();
  await expect(page.getByTestId('import-report')).toContainText('6000 rows are valid');
  await page.getByTestId('import-confirm').click();
  await expect(page.getByTestId('import-dialog')).toBeHidden({ timeout: 60_000 });
  await expect(page.getByTestId('examples-count')).toHaveText('6000 of 6000 examples');

  await page.getByTestId('nav-optimize').click();
  await expect(page.getByTestId('estimate')).toContainText('LM calls');
  await expect(page.getByTestId('estimate-sample')).toHaveText(/^[45],\d{3} of 6,000 examples, stratified sample$/);
  await shot(page, '60-optimize-estimate-sample');
});
