import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { inputHashOf } from '../electron/core/training-data/store';
import { splitFor } from '../electron/core/training-data/splits';
import { axeSerious, shot, skipWithoutChromium, TOKEN, dataDirOf } from './helpers';

test.beforeEach(() => skipWithoutChromium());

const dataDir = () => dataDirOf(test.info());
const TOY_ROWS = readFileSync(path.resolve('templates/sample-project/data/toy_labels.jsonl'), 'utf8').trim().split('\n');
const SPEC = {
  input_fields: [{ name: 'text', type: 'string', description: 'a few words' }],
  output_fields: [{ name: 'label', type: 'string', description: 'one of: fruit, animal, color, tool' }],
  instructions: 'Label the text.',
};

/** A one-step workflow file whose DSPy step (and so its dataset) is `step`. */
function workflowFile(step: string): string {
  const file = path.join(dataDir(), 'identity', `${step}.yaml`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(
    file,
    `workflow:\n  name: ${step}_flow\n  dspy_config:\n    optimization_enabled: true\n  steps:\n    - name: ${step}\n      type: dspy_claude\n      dspy_signature:\n        input_fields:\n          - name: text\n            type: string\n            description: a few words\n        output_fields:\n          - name: label\n            type: string\n            description: "one of: fruit, animal, color, tool"\n        instructions: Label the text.\n`,
  );
  return file;
}

const api = <T = any>(page: Page, method: string, params: unknown): Promise<T> => {
  if (process.env.E2E_TRACE) console.log(new Date().toISOString(), method);
  return page.evaluate(([m, p]) => (window as any).__studio.api.call(m, p), [method, params] as const);
};

async function seed(page: Page, task: string, rows: string[]) {
  await api(page, 'data.registerSignature', { name: task, spec: SPEC });
  const report = await api(page, 'data.import', { signature: task, fileName: `${task}.jsonl`, content: Buffer.from(`${rows.join('\n')}\n`).toString('base64') });
  expect(report.ok, JSON.stringify(report.errors)).toBe(true);
}

async function optimize(page: Page, task: string, params: Record<string, number>) {
  const { job } = await api(page, 'optimize.run', { signature: task, strategy: 'bootstrap_few_shot', params });
  await expect.poll(async () => (await api(page, 'optimize.job', { jobId: job.id })).job.status, { timeout: 150_000 }).not.toMatch(/queued|running/);
  const done = (await api(page, 'optimize.job', { jobId: job.id })).job;
  expect(done.status, done.error ?? '').toBe('succeeded');
  return done;
}

const nodeProgram = (page: Page, step: string) => page.getByTestId(`node-${step}`).getByTestId('node-program');

test('an instruction edit keeps the data and marks the program stale; undo restores it; a field rename is answered with a mapping', async ({ page }) => {
  test.setTimeout(240_000);
  const file = workflowFile('sorter');
  await page.goto(`/?token=${TOKEN}&file=${encodeURIComponent(file)}`);
  await expect(page.getByTestId('node-sorter')).toBeVisible();
  await seed(page, 'sorter', TOY_ROWS.slice(12, 132));
  const job = await optimize(page, 'sorter', { max_bootstrapped_demos: 3, max_labeled_demos: 3 });
  expect(job.result.promoted).toBe(true);
  await expect(nodeProgram(page, 'sorter')).toContainText(/optimized · \d+% dev/);

  // Edit the instructions in the inspector.
  await page.getByTestId('node-sorter').click();
  const instructions = page.getByLabel('Signature instructions');
  await instructions.fill('Label the text by the category most of its words belong to.');
  await instructions.blur();
  await expect(nodeProgram(page, 'sorter')).toContainText('stale program');
  await shot(page, '40-node-stale');

  // One dataset, all its examples, its runs and its promoted program, under one picker entry.
  await page.getByTestId('nav-data').click();
  await page.getByTestId('signature-picker').selectOption('sorter');
  await expect(page.getByTestId('examples-count')).toHaveText('120 of 120 examples');
  await expect(page.getByTestId('signature-picker').locator('option', { hasText: /^sorter ·/ })).toHaveCount(1);
  await expect(page.getByTestId('signature-sync')).toBeVisible();
  await shot(page, '41-data-signature-sync');
  expect(await axeSerious(page)).toEqual([]);
  await page.getByTestId('nav-optimize').click();
  await expect(page.getByTestId('promoted-badge')).toHaveCount(1);
  await expect(page.getByTestId('step-runs')).toContainText("the signature's wording changed since it was optimized");
  await shot(page, '42-optimize-stale');
  expect(await axeSerious(page)).toEqual([]);
  await page.getByTestId('stale-baseline').click();
  await expect(page.getByTestId('step-runs')).toContainText('set aside by choice, so the baseline ran');
  await page.getByTestId('stale-keep').click();
  await expect(page.getByTestId('step-runs')).toContainText('kept by choice');

  // Undo restores the original instructions: the program is current again, and no dataset was added.
  await page.getByTestId('nav-design').click();
  await page.locator('.react-flow__pane').click({ position: { x: 30, y: 30 } });
  await page.keyboard.press('Control+z');
  await expect(nodeProgram(page, 'sorter')).toContainText(/optimized · \d+% dev/);
  const sigs = (await api(page, 'data.signatures', {})).signatures.filter((s: any) => s.name.startsWith('sorter'));
  expect(sigs).toEqual([expect.objectContaining({ name: 'sorter', examples: 120, versions: 1 })]);

  // Rename the output field: the program can no longer run; the dataset offers the mapping.
  await page.getByTestId('node-sorter').click();
  const out = page.getByTestId('sig-output-label').getByLabel('output field name');
  await out.fill('category');
  await out.press('Enter');
  await expect(nodeProgram(page, 'sorter')).toContainText('stale · runs baseline');
  await page.getByTestId('nav-data').click();
  await page.getByTestId('adopt-signature').click();
  await expect(page.getByTestId('schema-banner')).toContainText('120 examples do not fit the current signature of sorter');
  await expect(page.getByTestId('rename-to')).toHaveValue('category');
  await shot(page, '43-data-schema-change');
  expect(await axeSerious(page)).toEqual([]);
  await page.getByTestId('apply-mapping').click();
  await expect(page.getByTestId('schema-banner')).toBeHidden();
  const rows = (await api(page, 'data.list', { signature: 'sorter', limit: 200 })).rows;
  expect(rows).toHaveLength(120);
  expect(rows.every((r: any) => typeof r.outputs.category === 'string' && !('label' in r.outputs))).toBe(true);
});

test('promotion: a worse run never replaces a better program, a run without dev examples is not promoted, promote and roll back by hand are audited', async ({ page }) => {
  test.setTimeout(300_000);
  const file = workflowFile('ranker');
  await page.goto(`/?token=${TOKEN}&file=${encodeURIComponent(file)}`);
  await expect(page.getByTestId('node-ranker')).toBeVisible();
  await seed(page, 'ranker', TOY_ROWS.slice(12, 172));
  const first = await optimize(page, 'ranker', { max_bootstrapped_demos: 4, max_labeled_demos: 4 });
  expect(first.result.promoted).toBe(true);
  // One demo and no bootstrapping: weaker than the promoted program on the same dev examples.
  const second = await optimize(page, 'ranker', { max_bootstrapped_demos: 0, max_labeled_demos: 1 });
  expect(second.result.promoted).toBe(false);
  expect(second.result.optimizedScore).toBeLessThan(first.result.optimizedScore + 0.05);
  await page.getByTestId('nav-optimize').click();
  await page.getByTestId('signature-picker').selectOption('ranker');
  await expect(page.getByTestId('promoted-program')).toContainText(first.result.programVersion.slice(0, 8));
  await page.getByTestId('run-item').first().click();
  await expect(page.getByTestId('promotion-reason').or(page.locator('.result .sev-warning'))).toBeVisible();
  await shot(page, '44-optimize-kept');

  // By hand: promote the weaker run, then roll back to the first.
  await page.getByTestId('promote').click();
  await expect(page.getByTestId('promote')).toHaveText('Promoted');
  await expect(page.getByTestId('promoted-program')).toContainText(second.result.programVersion.slice(0, 8));
  await page.getByTestId('rollback').click();
  await expect(page.getByTestId('promoted-program')).toContainText(first.result.programVersion.slice(0, 8));

  // A dataset with no dev example: the run is scored on the training set and not promoted.
  const trainOnly = TOY_ROWS.slice(12).filter((l) => splitFor(inputHashOf('trainer', JSON.parse(l).inputs)) === 'train').slice(0, 40);
  workflowFile('trainer');
  await seed(page, 'trainer', trainOnly);
  const noDev = await optimize(page, 'trainer', { max_bootstrapped_demos: 2, max_labeled_demos: 2 });
  expect(noDev.result).toMatchObject({ promoted: false, scoredOn: 'train', devSize: 0 });
  // The screens load the dataset list when they open.
  await page.getByTestId('nav-data').click();
  await page.getByTestId('nav-optimize').click();
  await page.getByTestId('signature-picker').selectOption('trainer');
  await page.getByTestId('run-item').first().click();
  await expect(page.getByTestId('optimized-score')).toContainText('on the training set: no dev examples');
  await expect(page.getByTestId('promoted-program')).toContainText('None yet');
  await shot(page, '45-optimize-no-dev');

  // An empty dataset cannot start a run, and says why.
  await api(page, 'data.registerSignature', { name: 'empty_ds', spec: SPEC });
  await page.getByTestId('nav-data').click();
  await page.getByTestId('nav-optimize').click();
  await page.getByTestId('signature-picker').selectOption('empty_ds');
  await expect(page.getByTestId('run-disabled-reason')).toContainText('Nothing to train on: 0 usable training examples');
  await expect(page.getByTestId('run-optimization')).toBeDisabled();

  const audit = spawnSync(process.execPath, ['bin/pipeline-studio.js', '--data-dir', dataDir(), 'audit', 'list', '--json'], { encoding: 'utf8' });
  expect(audit.status, audit.stderr).toBe(0);
  const entries = JSON.parse(audit.stdout) as { action: string; target: string; details: Record<string, unknown> }[];
  expect(entries.some((e) => e.action === 'program.promote' && e.target === second.result.programVersion)).toBe(true);
  expect(entries.some((e) => e.action === 'program.rollback' && e.target === second.result.programVersion && e.details.to === first.result.programVersion)).toBe(true);
});
