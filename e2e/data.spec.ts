import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { axeSerious, shot, skipWithoutChromium, TOKEN } from './helpers';

test.beforeEach(() => skipWithoutChromium());

const TOY_DATA = path.resolve('templates/sample-project/data/toy_labels.jsonl');

/** The sample project's classify dataset on the Data screen (registered from the workflow the first time). */
async function openClassifyData(page: Page): Promise<void> {
  await page.goto(`/?token=${TOKEN}`);
  await page.getByTestId('open-sample').click();
  await expect(page.getByTestId('node-classify')).toBeVisible();
  await page.getByTestId('nav-data').click();
  const picker = page.getByTestId('signature-picker');
  const options = picker.locator('option[value="classify"], option[value="wf:classify"]');
  await expect(options).not.toHaveCount(0);
  await picker.selectOption((await picker.locator('option[value="classify"]').count()) > 0 ? 'classify' : 'wf:classify');
}

test('import: a check previews the first rows or names the row and field of each type error; the table searches words and counts per filter', async ({ page }) => {
  test.setTimeout(240_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openClassifyData(page);
  await expect(page.getByTestId('examples-count')).toBeVisible();

  // a file with a number where text is expected and a list where a label is expected
  const dir = path.resolve('test-output/e2e-data');
  mkdirSync(dir, { recursive: true });
  const bad = path.join(dir, 'typed.jsonl');
  writeFileSync(bad, [JSON.stringify({ text: 'fine row' }), JSON.stringify({ text: 42 }), JSON.stringify({ text: 'x', label: ['animal'] })].join('\n'));
  await page.getByTestId('import-file').setInputFiles(bad);
  await page.getByTestId('import-check').click();
  const rowsOf = page.getByTestId('import-errors').locator('tbody tr');
  await expect(rowsOf).toHaveCount(2);
  await expect(rowsOf.nth(0)).toContainText('2');
  await expect(rowsOf.nth(0)).toContainText('inputs.text');
  await expect(rowsOf.nth(1)).toContainText('outputs.label');
  await expect(page.getByTestId('import-preview')).toHaveCount(0);
  await shot(page, 'data-import-type-errors');
  await page.getByRole('button', { name: 'Close', exact: true }).last().click();
  await expect(page.getByTestId('import-dialog')).toBeHidden();

  await page.getByTestId('import-file').setInputFiles(TOY_DATA);
  await page.getByTestId('import-check').click();
  await expect(page.getByTestId('import-report')).toContainText('All 320 rows are valid');
  const preview = page.getByTestId('import-preview').locator('tbody tr');
  await expect(preview).toHaveCount(5);
  await expect(preview.first()).toContainText('banana otter gecko moose crimson');
  await expect(preview.first()).toContainText('animal');
  await expect(preview.first()).toContainText('user feedback · imported');
  await shot(page, 'data-import-preview');
  expect(await axeSerious(page)).toEqual([]);
  await page.getByTestId('import-confirm').click();
  await expect(page.getByTestId('examples-count')).toHaveText('320 of 320 examples');
  await expect(page.getByTestId('example-row').first()).toContainText('user feedback · imported');

  // word-prefix search: "ott" finds every row with "otter"
  await page.getByTestId('examples-search').fill('ott');
  // Past "Loading…" to the search's own count.
  await expect(page.getByTestId('examples-count')).toHaveText(/^(?!320 )\d+ of 320 examples$/);
  const withOtter = Number((await page.getByTestId('examples-count').innerText()).split(' ')[0]);
  expect(withOtter).toBeGreaterThan(0);
  await expect(page.getByTestId('example-row').first()).toContainText('otter');
  await shot(page, 'data-search');

  // the labeling queue goes on past the 1,000 rows a page loads: it fetches the next rows of the query
  await page.getByTestId('examples-search').fill('');
  await expect(page.getByTestId('examples-count')).toHaveText('320 of 320 examples');
  const many = path.join(dir, 'many.jsonl');
  writeFileSync(many, Array.from({ length: 1030 }, (_, i) => JSON.stringify({ text: `queued row ${i} walrus`, label: 'animal' })).join('\n'));
  await page.getByTestId('import-file').setInputFiles(many);
  await page.getByTestId('import-confirm').click();
  await expect(page.getByTestId('examples-count')).toHaveText('1350 of 1350 examples');
  await page.getByTestId('filter-label').selectOption('unlabeled');
  await expect(page.getByTestId('examples-count')).toHaveText('1042 of 1350 examples');
  await page.getByTestId('start-labeling').click();
  await expect(page.getByTestId('label-position')).toHaveText('1 / 1000');
  for (let i = 0; i < 985; i++) await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('label-position')).toHaveText('986 / 1042');
  await shot(page, 'data-labeling-queue');
  expect(errors).toEqual([]);
});

test('a large import shows its progress (rows, rate, time left); Stop, or closing the dialog, stops it and changes nothing', async ({ page }) => {
  test.setTimeout(240_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openClassifyData(page);
  const count = page.getByTestId('examples-count');
  await expect(count).toHaveText(/^\d+ of \d+ examples$/);
  const before = await count.innerText();

  // over 1 MiB: imported on the host's worker thread, reporting after each batch of 5,000 rows
  const dir = path.resolve('test-output/e2e-data');
  mkdirSync(dir, { recursive: true });
  const big = path.join(dir, 'large.jsonl');
  const rows = 120_000;
  writeFileSync(big, `${Array.from({ length: rows }, (_, i) => JSON.stringify({ text: `large import row ${i} heron`, label: 'animal' })).join('\n')}\n`);
  await page.getByTestId('import-file').setInputFiles(big);
  await page.getByTestId('import-confirm').click();
  const progress = page.getByTestId('import-progress');
  await expect(progress).toBeVisible({ timeout: 60_000 });
  await expect(progress).toContainText('rows checked and written');
  await expect(page.getByTestId('import-rate')).toContainText(/rows\/s · (about [\d,]+ s left \(estimate\)|time left unknown)/);
  await shot(page, 'data-import-progress');
  await page.getByTestId('import-stop').click();
  // the worker stops at its next batch, then rolls back
  await expect(page.getByTestId('import-report')).toContainText('Import stopped: nothing imported.', { timeout: 30_000 });
  await expect(progress).toBeHidden();
  await page.getByRole('button', { name: 'Close', exact: true }).last().click();
  await expect(count).toHaveText(before);

  // closing the dialog during an import stops it too (other rows, so it would add to the count below)
  const other = path.join(dir, 'large-closed.jsonl');
  writeFileSync(other, `${Array.from({ length: rows }, (_, i) => JSON.stringify({ text: `closed import row ${i} ibis`, label: 'animal' })).join('\n')}\n`);
  await page.getByTestId('import-file').setInputFiles(other);
  await page.getByTestId('import-confirm').click();
  await expect(progress).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('import-dialog').getByRole('button', { name: 'Close', exact: true }).click();
  await expect(page.getByTestId('import-dialog')).toBeHidden();

  // the first file imported to the end: its rows, and only its rows, are added
  const total = Number(before.split(' of ')[1].split(' ')[0]);
  await page.getByTestId('import-file').setInputFiles(big);
  await page.getByTestId('import-confirm').click();
  await expect(count).toHaveText(`${total + rows} of ${total + rows} examples`, { timeout: 120_000 });
  expect(errors).toEqual([]);
});
