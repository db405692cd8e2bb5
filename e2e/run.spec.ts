import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import path from 'node:path';
import { axeSerious, shot, skipWithoutChromium, TOKEN, dataDirOf } from './helpers';

test.beforeEach(() => skipWithoutChromium());

const dataDir = () => dataDirOf(test.info());

/** Step 2 cannot run: step 1's output stays, step 3 is skipped. */
const FAILING = readFileSync(path.resolve('test/fixtures/run/failing_run.yaml'), 'utf8');

/** A StudioApi call from the page (test setup the UI does not offer). */
function api(page: Page, method: string, params: unknown): Promise<any> {
  return page.evaluate(([m, p]) => (window as any).__studio.api.call(m, p), [method, params] as const);
}

/** The sample step's dataset, as the Data screen registers it (so a test does not depend on an earlier one). */
async function registerClassify(page: Page): Promise<void> {
  const spec = { input_fields: [{ name: 'text', type: 'string', description: 'a few words' }], output_fields: [{ name: 'label', type: 'string', description: 'one of: fruit, animal, color, tool' }], instructions: 'Label the text.' };
  await api(page, 'data.registerSignature', { name: 'classify', spec });
}

async function noSerious(page: Page, where: string) {
  expect(await axeSerious(page), `axe on ${where}`).toEqual([]);
}

test('run the sample on the simulated model: the node turns done, the trace shows the prompt, output, tokens and mode', async ({ page }) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`/?token=${TOKEN}`);
  await page.getByTestId('open-sample').click();
  await expect(page.getByTestId('node-classify')).toBeVisible();

  await page.getByTestId('topbar-run').click();
  await expect(page.getByTestId('run-panel')).toBeVisible();
  // The form comes from the first DSPy step's signature: text, optional (the prompt fills it).
  await expect(page.getByTestId('run-input-text')).toHaveAttribute('placeholder', "empty: the step's rendered prompt");
  await expect(page.getByTestId('run-model')).toHaveValue('simulated');
  // The other choice says what it resolves to here (the active model of Settings).
  await expect(page.getByTestId('run-model').locator('option[value="auto"]')).toHaveText(/^Each step's provider: /);
  await page.getByTestId('run-input-text').fill('apple pear plum otter');
  await shot(page, '40-run-form');
  await noSerious(page, 'run form');
  // Ctrl+Enter runs.
  await page.keyboard.press('Control+Enter');

  const node = page.getByTestId('node-classify').getByTestId('node-run');
  await expect(node).toHaveAttribute('data-status', 'ok');
  await expect(node).toContainText(/done\s*\d+(\.\d+)? (ms|s)/);
  await expect(page.getByTestId('trace-summary')).toHaveAttribute('data-status', 'ok');
  await expect(page.getByTestId('trace-step-classify')).toHaveAttribute('data-status', 'ok');
  const detail = page.getByTestId('trace-detail');
  await expect(detail.getByTestId('trace-mode')).toContainText('baseline');
  await expect(detail.getByTestId('trace-mode')).toContainText('simulated');
  await expect(detail.getByTestId('trace-outputs')).toContainText(/"label": "(fruit|animal|color|tool)"/);
  await expect(detail.getByTestId('trace-tokens')).toContainText(/[1-9]\d* \/ [1-9]\d*/);
  // The messages DSPy sent: its system prompt with the signature's instructions, and the input.
  const prompt = detail.getByTestId('trace-prompt');
  await expect(prompt).toContainText('system');
  await expect(prompt).toContainText('Label the text.');
  await expect(prompt).toContainText('apple pear plum otter');
  await shot(page, '41-run-trace');
  await noSerious(page, 'run trace');

  // Clicking a trace step selects its node.
  await page.evaluate(() => (window as any).__studio.doc.getState().select([]));
  await page.getByTestId('trace-step-classify').click();
  await expect.poll(() => page.evaluate(() => (window as any).__studio.doc.getState().selection)).toEqual(['classify']);

  // Add to dataset: the example is in the step's dataset (collection may already have stored it).
  await page.getByTestId('add-to-dataset').click();
  await expect(page.locator('.toast').last()).toContainText(/Added to dataset classify|an identical example is already stored/);
  const rows = await page.evaluate(async () => (await (window as any).__studio.api.call('data.list', { signature: 'classify' })).rows as { inputs: { text: string }; source: string }[]);
  expect(rows.some((r) => r.inputs.text === 'apple pear plum otter' && r.source === 'execution_history')).toBe(true);
  // "Label in Data" opens the step's dataset; back to the designer, the trace is still there.
  await page.getByTestId('label-in-data').click();
  await expect(page.getByTestId('examples-count')).toBeVisible();
  await expect(page.getByTestId('signature-picker')).toHaveValue(/classify/);
  await shot(page, '45-run-label-in-data');
  await page.getByTestId('nav-design').click();
  await expect(page.getByTestId('trace-step-classify')).toHaveAttribute('data-status', 'ok');

  // A second run with another input.
  await page.getByTestId('run-input-text').fill('red blue teal');
  await page.getByTestId('run-start').click();
  await expect(page.getByTestId('trace-detail').getByTestId('trace-outputs')).toBeVisible();
  await expect(page.getByTestId('trace-summary')).toHaveAttribute('data-status', 'ok');
  await expect(page.getByTestId('trace-prompt')).toContainText('red blue teal');

  // History lists both runs; reopening the first shows its trace and inputs.
  await page.getByTestId('run-history-tab').click();
  await expect(page.getByTestId('run-history-row')).toHaveCount(2);
  await expect(page.getByTestId('run-history-row').first()).toContainText('done');
  await shot(page, '42-run-history');
  await noSerious(page, 'run history');
  await page.getByTestId('run-history-row').nth(1).click();
  await expect(page.getByTestId('trace-prompt')).toContainText('apple pear plum otter');
  await expect(page.getByTestId('run-input-text')).toHaveValue('apple pear plum otter');

  // Two runs side by side.
  await page.getByTestId('run-history-tab').click();
  await page.getByTestId('run-pick').nth(0).check();
  await page.getByTestId('run-pick').nth(1).check();
  await page.getByTestId('run-compare-button').click();
  await expect(page.getByTestId('run-compare')).toBeVisible();
  await expect(page.getByTestId('run-compare-row')).toHaveCount(1);
  await expect(page.getByTestId('run-compare')).toContainText('red blue teal');
  await expect(page.getByTestId('run-compare')).toContainText('apple pear plum otter');
  await shot(page, '46-run-compare');
  await noSerious(page, 'run compare');
  expect(errors).toEqual([]);
});

test("a run failing at step 2 shows step 1's output, step 2's error and step 3 skipped", async ({ page }) => {
  const dir = path.join(dataDir(), 'run-e2e');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'failing_run.yaml');
  writeFileSync(file, FAILING);
  await page.goto(`/?token=${TOKEN}`);
  await expect(page.getByTestId('open-sample')).toBeVisible();
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await page.getByTestId('path-input').fill(file);
  await page.getByTestId('path-dialog-submit').click();
  await expect(page.getByTestId('node-judge')).toBeVisible();

  await page.getByTestId('topbar-run').click();
  // {{inputs.topic}} is required: running without it names the field.
  await page.getByTestId('run-start').click();
  await expect(page.getByTestId('run-error')).toContainText('inputs.topic');
  await page.getByTestId('run-input-topic').fill('ducks');
  await page.getByTestId('run-start').click();

  await expect(page.getByTestId('trace-summary')).toHaveAttribute('data-status', 'failed');
  await expect(page.getByTestId('node-gather').getByTestId('node-run')).toHaveAttribute('data-status', 'ok');
  await expect(page.getByTestId('node-judge').getByTestId('node-run')).toHaveAttribute('data-status', 'failed');
  await expect(page.getByTestId('node-report').getByTestId('node-run')).toHaveAttribute('data-status', 'skipped');
  // The failed step is shown first, with its cause.
  await expect(page.getByTestId('trace-error')).toContainText("input field 'evidence' has no value");
  await shot(page, '43-run-failed');
  await noSerious(page, 'failed run');
  await page.getByTestId('trace-step-gather').click();
  await expect(page.getByTestId('trace-outputs')).toContainText('"topic": "ducks"');
  await page.getByTestId('trace-step-report').click();
  await expect(page.getByTestId('trace-detail')).toContainText("not run: step 'judge' failed");
  await shot(page, '44-run-skipped-step');
});

test('a started experiment on the step counts the runs made from the designer; its switch off is said and turned on', async ({ page }) => {
  await page.goto(`/?token=${TOKEN}`);
  await page.getByTestId('open-sample').click();
  await expect(page.getByTestId('node-classify')).toBeVisible();
  await registerClassify(page);
  await api(page, 'config.update', { patch: { deployment: { experiment_enabled: false } } });
  const { experiment } = (await api(page, 'experiments.create', {
    name: 'GUI traffic',
    signature: 'classify',
    arms: [
      { id: 'control', kind: 'baseline_dspy', weight: 1 },
      { id: 'plain', kind: 'traditional', weight: 1 },
    ],
    targetSampleSize: 50,
  })) as { experiment: { id: string } };
  try {
    await page.getByTestId('nav-experiments').click();
    await page.getByRole('button', { name: /GUI traffic/ }).click();
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await expect(page.getByTestId('experiment-gate')).toContainText('deployment.experiment_enabled');
    await shot(page, '49-experiment-switch-off');
    await page.getByTestId('experiment-gate-enable').click();
    await expect(page.getByTestId('experiment-gate')).toBeHidden();

    await page.getByTestId('nav-design').click();
    await page.getByTestId('topbar-run').click();
    await page.getByTestId('run-model').selectOption('simulated');
    for (const text of ['lemon mango', 'wolf bear hawk']) {
      await page.getByTestId('run-input-text').fill(text);
      await page.getByTestId('run-start').click();
      await expect(page.getByTestId('trace-inputs')).toContainText(text);
      await expect(page.getByTestId('trace-summary')).toHaveAttribute('data-status', 'ok');
    }
    await page.getByTestId('nav-experiments').click();
    await page.getByRole('button', { name: /GUI traffic/ }).click();
    const n = async () => Number(await page.getByTestId('arm-n-control').innerText()) + Number(await page.getByTestId('arm-n-plain').innerText());
    await expect.poll(n).toBe(2);
    await shot(page, '50-experiment-gui-traffic');
  } finally {
    await api(page, 'experiments.transition', { id: experiment.id, to: 'completed' }).catch(() => undefined);
    await api(page, 'config.update', { patch: { deployment: { experiment_enabled: false } } }).catch(() => undefined);
  }
});

test('a batch runs the workflow on labeled examples of the step dataset, with progress and the outputs that match their labels', async ({ page }) => {
  await page.goto(`/?token=${TOKEN}`);
  await page.getByTestId('open-sample').click();
  await expect(page.getByTestId('node-classify')).toBeVisible();
  const toy = readFileSync(path.resolve('templates/sample-project/data/toy_labels.jsonl')).toString('base64');
  await registerClassify(page);
  await api(page, 'data.import', { signature: 'classify', fileName: 'toy_labels.jsonl', content: toy });

  await page.getByTestId('topbar-run').click();
  await page.getByTestId('run-model').selectOption('simulated');
  await expect(page.getByTestId('batch-dataset')).toHaveValue('classify');
  await page.getByTestId('batch-label-state').selectOption('accepted');
  await page.getByTestId('batch-limit').fill('5');
  await page.getByTestId('batch-start').click();
  await expect(page.getByTestId('batch-progress')).toHaveAttribute('data-status', 'ok');
  await expect(page.getByTestId('batch-progress')).toContainText('5 / 5 runs · 5 done · 0 failed');
  await expect(page.getByTestId('batch-agreement')).toContainText(/\d of 5 labeled examples: classify's output matches the label/);
  // The panel followed the batch's runs: the last one's trace is shown.
  await expect(page.getByTestId('trace-summary')).toHaveAttribute('data-status', 'ok');
  await page.getByTestId('batch-progress').scrollIntoViewIfNeeded();
  await shot(page, '51-run-batch');
  await noSerious(page, 'batch');
  await page.getByTestId('run-history-tab').click();
  await expect.poll(() => page.getByTestId('run-history-row').count()).toBeGreaterThanOrEqual(5);

  // Optimized and promoted: the next run says so, and its prompt carries the demos.
  const { job } = await api(page, 'optimize.run', { signature: 'classify', strategy: 'bootstrap_few_shot', params: { max_bootstrapped_demos: 2, max_labeled_demos: 2 } });
  await expect.poll(async () => (await api(page, 'optimize.job', { jobId: job.id })).job.status, { timeout: 60_000 }).toBe('succeeded');
  const versionId = (await api(page, 'optimize.job', { jobId: job.id })).job.result.programVersion as string;
  await api(page, 'optimize.promote', { versionId });
  try {
    await page.getByRole('tab', { name: 'Run' }).click();
    await page.getByTestId('run-input-text').fill('kiwi lemon fig');
    await page.keyboard.press('Control+Enter');
    await expect(page.getByTestId('trace-mode')).toContainText(`optimized · ${versionId.slice(0, 8)}`);
    await expect(page.getByTestId('trace-prompt')).toContainText('assistant');
    await expect(page.getByTestId('trace-prompt')).toContainText('kiwi lemon fig');
    await page.getByTestId('trace-prompt').scrollIntoViewIfNeeded();
    await shot(page, '52-run-optimized-demos');
  } finally {
    await api(page, 'optimize.rollback', { signature: 'classify' });
  }
});

test('a step waiting on its model shows it is running; Stop cancels it and skips the rest', async ({ page }) => {
  // An OpenAI-compatible endpoint that accepts connections and never answers: the step waits until stopped.
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  try {
    await page.goto(`/?token=${TOKEN}`);
    await page.getByTestId('open-sample').click();
    await expect(page.getByTestId('node-classify')).toBeVisible();
    await api(page, 'providers.update', { openaiCompatible: { apiBase: `http://127.0.0.1:${port}/v1`, model: 'never-answers' } });
    await page.getByTestId('topbar-run').click();
    await page.getByTestId('run-model').selectOption('auto');
    await page.getByTestId('run-input-text').fill('fig kiwi lime');
    await page.getByTestId('run-start').click();

    await expect(page.getByTestId('node-classify').getByTestId('node-run')).toHaveAttribute('data-status', 'running');
    await expect(page.getByTestId('trace-step-classify')).toContainText('working…');
    await expect(page.getByTestId('run-stop')).toBeEnabled();
    await shot(page, '47-run-running');
    await page.getByTestId('run-stop').click();

    await expect(page.getByTestId('trace-summary')).toHaveAttribute('data-status', 'cancelled');
    await expect(page.getByTestId('node-classify').getByTestId('node-run')).toHaveAttribute('data-status', 'failed');
    await expect(page.getByTestId('trace-error')).toContainText(/cancel/i);
    await expect(page.getByTestId('run-start')).toBeVisible();
    await shot(page, '48-run-stopped');
  } finally {
    await api(page, 'providers.update', { openaiCompatible: null }).catch(() => undefined);
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});
