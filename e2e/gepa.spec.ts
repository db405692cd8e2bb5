import { expect, test } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inputHashOf } from '../electron/core/training-data/store';
import { splitFor } from '../electron/core/training-data/splits';
import { shot, skipWithoutChromium, TOKEN } from './helpers';

test.beforeEach(() => skipWithoutChromium());

const NOTES = ['most of these words are animals', 'count the words per category carefully', 'the majority category wins, not the first word'];

/** 60 sample rows: three unlabeled training examples first (labeled below with notes), the rest accepted. */
function dataset(): string {
  const rows = readFileSync(path.resolve('templates/sample-project/data/toy_labels.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { inputs: { text: string }; outputs: { label: string } });
  const train = rows.filter((r) => splitFor(inputHashOf('classify', r.inputs)) === 'train').slice(0, 3);
  const rest = rows.filter((r) => !train.includes(r)).slice(0, 57);
  const file = path.join(os.tmpdir(), `gepa-e2e-${process.pid}.jsonl`);
  writeFileSync(file, [...train.map((r) => ({ ...r })), ...rest.map((r) => ({ ...r, label: 'accepted' }))].map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
}

test('label three examples with notes, run GEPA, read a note in the reflection that produced a candidate, promote the best', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto(`/?token=${TOKEN}`);
  await page.getByTestId('open-sample').click();
  await expect(page.getByTestId('node-classify')).toBeVisible();
  await page.getByTestId('nav-data').click();
  await page.getByTestId('signature-picker').selectOption('wf:classify');
  await page.getByTestId('import-file').setInputFiles(dataset());
  await page.getByTestId('import-check').click();
  await page.getByTestId('import-confirm').click();
  await expect(page.getByTestId('import-dialog')).toBeHidden();

  // Keyboard only: e edits, Tab reaches the note, Enter saves the correction with it.
  await page.getByTestId('filter-label').selectOption('unlabeled');
  await expect(page.getByTestId('examples-count')).toContainText('3 of');
  await page.getByTestId('start-labeling').focus();
  await page.keyboard.press('Enter');
  for (const [i, note] of NOTES.entries()) {
    await expect(page.getByTestId('label-position')).toHaveText(`${i + 1} / 3`);
    // The labeling view listens for keys once it has rendered: press again until the edit box has focus.
    await expect(async () => {
      await page.keyboard.press('e');
      await expect(page.getByTestId('edit-output-label')).toBeFocused({ timeout: 2000 });
    }).toPass({ timeout: 15_000 });
    await page.keyboard.press('Tab');
    await expect(page.getByTestId('label-note')).toBeFocused();
    await page.keyboard.type(note);
    if (i === 0) await shot(page, '60-labeling-note');
    await page.keyboard.press('Enter');
  }
  await expect(page.locator('.labeling-bar')).toContainText('3 of 3 labeled');
  await page.keyboard.press('Escape');

  await page.getByTestId('nav-optimize').click();
  await page.getByTestId('strategy').selectOption('gepa');
  await expect(page.getByTestId('estimate')).toContainText('reflection simulated/toy');
  await page.getByTestId('run-optimization').click();
  await expect(page.getByTestId('gepa-search')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('job-status')).toHaveText('succeeded', { timeout: 180_000 });

  // The candidate whose reflection read a labeler's note quotes it.
  const noted = page.locator('[data-testid^="gepa-node-"]', { hasText: 'note' }).first();
  await noted.click();
  await expect(page.getByTestId('gepa-note').first()).toBeVisible();
  expect(NOTES).toContain((await page.getByTestId('gepa-note').first().innerText()).trim());
  await shot(page, '61-gepa-tree');

  await page.locator('[data-testid^="gepa-node-"]', { hasText: 'chosen' }).click();
  await expect(page.getByTestId('gepa-instructions')).toBeVisible();
  // The first program of the step beat the baseline on dev by GEPA's threshold: promoted on adoption.
  await expect(page.getByTestId('promotion-reason')).toContainText('Promoted automatically');
  await expect(page.getByTestId('promote')).toHaveText('Promoted');
  await shot(page, '62-gepa-promoted');
});
