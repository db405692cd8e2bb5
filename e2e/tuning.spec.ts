import { expect, test, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { axeSerious, shot, SHOTS, skipWithoutChromium, TOKEN, dataDirOf } from './helpers';
import { MetricsStore } from '../electron/core/monitoring/metrics-store';
import { databasePath, openDatabase } from '../electron/core/storage';

test.beforeEach(() => skipWithoutChromium());

const dataDir = () => dataDirOf(test.info());
const EXPORT_DIR = path.resolve('test-output/exported');
const TOY_DATA = path.resolve('templates/sample-project/data/toy_labels.jsonl');

async function noSerious(page: Page, where: string) {
  const v = await axeSerious(page);
  expect(v, `axe on ${where}`).toEqual([]);
}

const pct = async (page: Page, testId: string) => Number((await page.getByTestId(testId).locator('.stat-value').innerText()).replace('%', ''));

test("the README's first steps, literally: sample, import, label by keyboard, optimize, compare, promote, export, run", async ({ page }) => {
  test.setTimeout(300_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`/?token=${TOKEN}`);
  // "on the welcome screen open the sample project: it opens toy_labels.yaml"
  await page.getByTestId('open-sample').click();
  await expect(page.getByTestId('node-classify')).toBeVisible();
  const toy = path.join(dataDir(), 'samples', 'sample-project', 'toy_labels.yaml');
  expect(existsSync(toy)).toBe(true);

  // Data: register the step's signature, import the dataset.
  await page.getByTestId('nav-data').click();
  await page.getByTestId('signature-picker').selectOption('wf:classify');
  await expect(page.getByTestId('examples-count')).toBeVisible();
  await page.getByTestId('import-file').setInputFiles(TOY_DATA);
  await expect(page.getByTestId('import-dialog')).toBeVisible();
  await page.getByTestId('import-check').click();
  await expect(page.getByTestId('import-report')).toContainText('All 320 rows are valid');
  await shot(page, '20-data-import');
  await noSerious(page, 'import dialog');
  await page.getByTestId('import-confirm').click();
  await expect(page.getByTestId('import-dialog')).toBeHidden();
  await expect(page.getByTestId('examples-count')).toHaveText('320 of 320 examples');
  await expect(page.getByTestId('example-row').first()).toBeVisible();
  await shot(page, '21-data-table');
  await noSerious(page, 'data table');

  // Label ten examples with the keyboard only.
  await page.getByTestId('filter-label').selectOption('unlabeled');
  await expect(page.getByTestId('examples-count')).toHaveText('12 of 320 examples');
  await page.getByTestId('start-labeling').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('labeling')).toBeVisible();
  await expect(page.getByTestId('label-position')).toHaveText('1 / 12');
  await page.keyboard.press('?');
  await expect(page.getByTestId('shortcuts-help')).toBeVisible();
  await shot(page, '22-labeling-shortcuts');
  await noSerious(page, 'shortcuts help');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('shortcuts-help')).toBeHidden();
  for (let i = 0; i < 10; i++) {
    await expect(page.getByTestId('label-position')).toHaveText(`${i + 1} / 12`);
    if (i === 3) {
      // Edit the output (same value), save with Ctrl+Enter: a correction.
      await page.keyboard.press('e');
      await expect(page.getByTestId('edit-output-label')).toBeFocused();
      if (i === 3) await shot(page, '23-labeling-edit');
      await page.keyboard.press('Control+Enter');
    } else if (i === 1) {
      // The label is a class: its values are choice buttons, and ratings are clicked.
      await page.getByTestId('rate-4').click();
      await expect(page.getByTestId('rate-4')).toHaveAttribute('aria-pressed', 'true');
      await shot(page, '24-labeling');
      await noSerious(page, 'labeling');
      await page.keyboard.press('a');
    } else {
      // Number keys pick the class: the one the output already holds accepts it.
      await page.keyboard.press(await page.getByTestId('label-choices-label').locator('[aria-pressed="true"] .kbd').innerText());
    }
  }
  await expect(page.getByTestId('label-position')).toHaveText('11 / 12');
  await expect(page.locator('.labeling-bar')).toContainText('10 of 12 labeled');
  // Ctrl+Z undoes the last label and goes back to it; the same key labels it again.
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('label-position')).toHaveText('10 / 12');
  await expect(page.getByTestId('label-state')).toHaveText('unlabeled');
  await expect(page.locator('.labeling-bar')).toContainText('9 of 12 labeled');
  await page.keyboard.press(await page.getByTestId('label-choices-label').locator('[aria-pressed="true"] .kbd').innerText());
  await expect(page.getByTestId('label-position')).toHaveText('11 / 12');
  await expect(page.locator('.labeling-bar')).toContainText('10 of 12 labeled');
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('label-state')).toHaveText('accepted');
  await page.keyboard.press('Escape');
  await page.getByTestId('filter-label').selectOption('');
  await page.getByTestId('tab-quality').click();
  await expect(page.getByTestId('findings')).toContainText('usable for optimization');
  await shot(page, '25-data-quality');
  await noSerious(page, 'quality');
  await page.getByTestId('tab-versions').click();
  await page.getByTestId('create-version').click();
  await expect(page.locator('.version-item')).toHaveCount(1);

  // Optimize with bootstrap_few_shot and watch the progress.
  await page.getByTestId('nav-optimize').click();
  await expect(page.getByTestId('estimate')).toContainText('LM calls');
  await expect(page.getByTestId('estimate')).toContainText('simulated (offline demo)');
  await page.getByTestId('param-max_bootstrapped_demos').fill('3');
  await page.getByTestId('param-max_labeled_demos').fill('3');
  await shot(page, '26-optimize-setup');
  await noSerious(page, 'optimize setup');
  await page.getByTestId('run-optimization').click();
  await expect(page.getByTestId('progress')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('phase')).not.toHaveText('');
  await shot(page, '27-optimize-progress');
  await expect(page.getByTestId('job-status')).toHaveText('succeeded', { timeout: 150_000 });
  await expect(page.getByTestId('demos')).toBeVisible();
  const baseline = await pct(page, 'baseline-score');
  const optimized = await pct(page, 'optimized-score');
  expect(optimized).toBeGreaterThan(baseline);
  await expect(page.getByTestId('demos')).toContainText('labeled by');
  await expect(page.getByTestId('runs-chart')).toBeVisible();
  await shot(page, '28-optimize-result');
  await noSerious(page, 'optimize result');

  // Compare baseline vs optimized.
  await page.getByTestId('open-compare').click();
  await expect(page.getByTestId('aggregate')).toBeVisible({ timeout: 90_000 });
  const [wins, , losses] = (await page.getByTestId('wtl').innerText()).split('/').map((x) => Number(x.trim()));
  expect(wins).toBeGreaterThan(0);
  expect(wins).toBeGreaterThan(losses);
  await expect(page.getByTestId('significance')).toContainText(/p [<=]/);
  // The sample set holds enough held-out examples for the win to be significant.
  await expect(page.getByTestId('significance')).toContainText('· significant');
  await shot(page, '29-compare');
  await noSerious(page, 'compare');
  await page.getByTestId('filter-win').click();
  await expect(page.locator('.ct-row.win').first()).toBeVisible();
  // Outputs are colored against the label: on a win, B matches it and A does not.
  const winRow = page.locator('.ct-row.win').first();
  await expect(winRow.getByTestId('cell-b')).toHaveClass(/graded-correct/);
  await expect(winRow.getByTestId('cell-a')).toHaveClass(/graded-wrong/);
  await shot(page, '29b-compare-wins');
  const csv = page.waitForEvent('download');
  await page.getByTestId('export-csv').click();
  expect((await csv).suggestedFilename()).toBe('comparison-classify.csv');

  // Promote (the engine may already have adopted it: roll back first), export program JSON + source.
  await page.getByTestId('nav-optimize').click();
  await page.getByTestId('run-item').first().click();
  await expect(page.getByTestId('promote')).toBeVisible();
  if ((await page.getByTestId('promote').innerText()).includes('Promoted')) {
    await page.getByTestId('rollback').click();
    await expect(page.getByTestId('promote')).toHaveText('Promote');
  }
  await page.getByTestId('promote').click();
  await expect(page.getByTestId('promote')).toHaveText('Promoted');
  // The sample enables optimization: the toast says the open workflow's step now runs the program, and the node shows it.
  await expect(page.locator('.toast').last()).toContainText('Promoted: step classify of the open workflow now runs this program');
  await expect(page.getByTestId('promoted-badge')).toHaveCount(1);
  await expect(page.getByTestId('promoted-program')).toContainText('dev examples');
  await expect(page.getByTestId('promoted-program')).toContainText(/promoted .+ by \S+/);
  mkdirSync(EXPORT_DIR, { recursive: true });
  await page.getByTestId('export-path').fill(path.join(EXPORT_DIR, 'program'));
  await page.getByTestId('export-json').click();
  await expect.poll(() => existsSync(path.join(EXPORT_DIR, 'program.json'))).toBe(true);
  await page.getByTestId('export-python').click();
  await expect.poll(() => existsSync(path.join(EXPORT_DIR, 'program.py'))).toBe(true);
  const state = JSON.parse(readFileSync(path.join(EXPORT_DIR, 'program.json'), 'utf8'));
  expect(state.demos.length).toBeGreaterThan(0);
  expect(JSON.stringify(state)).not.toMatch(/api_key/);
  expect(existsSync(path.join(EXPORT_DIR, 'program.signature.json'))).toBe(true);

  // Export the YAML from the designer.
  await page.getByTestId('nav-design').click();
  await page.getByTestId('export-menu').click();
  const dl = page.waitForEvent('download');
  await page.getByRole('menuitem', { name: /YAML/ }).click();
  const yamlPath = path.join(EXPORT_DIR, 'toy_labels.yaml');
  await (await dl).saveAs(yamlPath);
  const yaml = readFileSync(yamlPath, 'utf8');
  expect(yaml).toContain('type: dspy_claude');
  expect(yaml).toContain('dspy_plugin');
  // The block is the configuration the host runs with, all of it (deployment included), and it validates.
  expect(yaml).toMatch(/deployment:\n\s+phase: development/);
  expect(yaml).toContain('feature_flags:');
  await expect(page.getByTestId('node-classify').getByTestId('node-program')).toContainText('optimized ·');
  await shot(page, '34-designer-promoted');

  // "run the sample": its next run uses the promoted program (mode optimized in the run's record).
  const run = spawnSync(process.execPath, ['bin/pipeline-studio.js', '--data-dir', dataDir(), 'run', toy, '--input', 'text=apple pear otter', '--json'], { encoding: 'utf8', timeout: 120_000 });
  expect(run.status, run.stderr).toBe(0);
  const record = JSON.parse(run.stdout).records[0];
  expect(record).toMatchObject({ step: 'classify', status: 'ok', mode: 'optimized' });
  expect(errors).toEqual([]);
});

test('monitor, experiments and settings screens: controls take effect, accessible', async ({ page }) => {
  await page.goto(`/?token=${TOKEN}`);
  await page.getByTestId('nav-monitor').click();
  await expect(page.getByTestId('screen-monitor')).toBeVisible();
  await expect(page.getByTestId('deployment-phase')).toBeVisible();
  await page.getByTestId('deployment-phase').selectOption('staging');
  await expect(page.locator('.toast')).toContainText('Deployment phase: in effect now');
  await page.getByTestId('rollout').focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('label[for="dep-rollout"]')).toContainText('%');
  await expect(page.getByTestId('pool')).toBeVisible();
  await shot(page, '30-monitor');
  await noSerious(page, 'monitor');
  const cfg = await page.evaluate(() => (window as any).__studio.api.call('config.get', {}));
  expect(cfg.config.deployment.phase).toBe('staging');

  await page.getByTestId('nav-experiments').click();
  const sigs = await page.evaluate(() => (window as any).__studio.api.call('data.signatures', {}));
  if (sigs.signatures.length) {
    await page.getByTestId('new-experiment').click();
    await page.getByLabel('Arm 2 kind').selectOption('traditional');
    await page.getByTestId('create-experiment-submit').click();
    await expect(page.getByTestId('experiment-view')).toBeVisible();
    await page.getByRole('button', { name: 'Start' }).click();
    await expect(page.getByTestId('experiment-view')).toContainText('running');
    await expect(page.getByTestId('recommendation')).not.toBeEmpty();
  }
  await shot(page, '31-experiments');
  await noSerious(page, 'experiments');

  await page.getByTestId('nav-settings').click();
  await expect(page.getByTestId('simulated-notice')).toContainText('No provider key is set');
  await expect(page.getByTestId('providers')).toContainText('simulated (offline demo)');
  await page.getByTestId('plugin-config').fill('{ "deployment": { "rollout_percentage": 250 } }');
  await page.getByTestId('apply-config').click();
  await expect(page.getByTestId('config-error')).toContainText(/rollout_percentage|100/);
  await shot(page, '32-settings');
  await noSerious(page, 'settings');

  // Every screen's controls are reachable by keyboard: Tab lands on visible, focusable elements with a focus ring.
  await page.getByTestId('nav-data').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('screen-data')).toBeVisible();
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press('Tab');
    const outline = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return 'none';
      const s = getComputedStyle(el);
      // Inputs and selects show focus with the accent border (the designer's convention); the rest with an outline.
      const accentBorder = el.matches('.input, .select, .textarea') && s.borderTopColor === getComputedStyle(document.documentElement).getPropertyValue('--accent').trim().replace(/^#(..)(..)(..)$/, (_m, r, g, b) => `rgb(${parseInt(r, 16)}, ${parseInt(g, 16)}, ${parseInt(b, 16)})`);
      return s.outlineStyle !== 'none' || s.boxShadow !== 'none' || accentBorder ? 'visible' : `invisible: ${el.outerHTML.slice(0, 120)}`;
    });
    expect(outline).toBe('visible');
  }
});

test('monitor: per-step parse-failure rate, fallbacks to JSON and retries of the DSPy step executions', async ({ page }) => {
  // Executions as a sloppy local model leaves them, written where the server reads its metrics.
  const db = openDatabase(databasePath(dataDir()));
  const store = new MetricsStore(db);
  const at = Date.now() - 60_000;
  const seed = [
    ['extract', { adapterCalls: 2, parseFailures: 1, fallbacks: 1, retries: { timeout: 1 } }],
    ['extract', { adapterCalls: 1, parseFailures: 0, fallbacks: 0, retries: {} }],
    ['extract', { adapterCalls: 2, parseFailures: 2, fallbacks: 1, retries: { rate_limit: 2 } }],
    ['summarize', { adapterCalls: 1, parseFailures: 0, fallbacks: 0, retries: {} }],
  ] as const;
  seed.forEach(([step, lmStats], i) => {
    const runId = `e2e-monitor-${Date.now()}-${i}`;
    db.prepare(`INSERT INTO runs (id, inputs_json, mode, created_at) VALUES (?, '{}', 'baseline', ?)`).run(runId, new Date(at).toISOString());
    store.record({ runId, workflow: 'sloppy_local', step, mode: 'baseline', ok: lmStats.parseFailures < 2, latencyMs: 800 + i * 100, tokens: 120, cost: 0, lmStats, model: 'qwen2.5:0.5b', structuredOutput: 'chat', timestamp: at + i });
  });
  db.close();
  await page.goto(`/?token=${TOKEN}`);
  await page.getByTestId('nav-monitor').click();
  const table = page.getByTestId('step-lm-stats');
  const extract = table.locator('tr', { hasText: 'sloppy_local › extract' });
  // 3 of 5 adapter calls failed to parse; 2 fallbacks; 1 timeout and 2 rate-limit retries.
  await expect(extract).toContainText('60.0% (3)');
  await expect(extract.locator('td').nth(5)).toHaveText('2');
  await expect(extract.locator('td').nth(6)).toHaveText('3: timeout 1, rate limit 2');
  await expect(table.locator('tr', { hasText: 'sloppy_local › summarize' })).toContainText('0.0% (0)');
  await expect(page.getByTestId('parse-failure-rate')).toBeVisible();
  await table.scrollIntoViewIfNeeded();
  await shot(page, '33-monitor-lm-stats');
  await noSerious(page, 'monitor');
});

test('dataset table: 10,000 rows scroll smoothly (virtualized)', async ({ page }) => {
  await page.goto(`/?token=${TOKEN}`);
  await page.waitForFunction(() => Boolean((window as any).__studio?.api));
  const lines: string[] = [];
  for (let i = 0; i < 10_000; i++) lines.push(JSON.stringify({ inputs: { text: `row ${i} apple banana ${i % 97}` }, outputs: { label: 'fruit' }, label: i % 3 ? 'accepted' : 'unlabeled', labeled_by: 'bench' }));
  const file = path.resolve('test-output/big.jsonl');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${lines.join('\n')}\n`);
  const content = readFileSync(file).toString('base64');
  const report = await page.evaluate(async (c) => {
    const api = (window as any).__studio.api;
    await api.call('data.registerSignature', { name: 'big_table', spec: { input_fields: [{ name: 'text', type: 'string' }], output_fields: [{ name: 'label', type: 'string' }] } });
    return api.call('data.import', { signature: 'big_table', fileName: 'big.jsonl', content: c });
  }, content);
  expect(report.inserted).toBe(10_000);
  await page.evaluate(() => (window as any).__studio.nav.getState().setSignature('big_table'));
  await page.getByTestId('nav-data').click();
  await expect(page.getByTestId('examples-count')).toHaveText('10000 of 10000 examples', { timeout: 60_000 });
  const scroller = page.getByTestId('examples-scroll');
  const frames = await scroller.evaluate(async (el) => {
    const times: number[] = [];
    let last = performance.now();
    for (let i = 0; i < 60; i++) {
      el.scrollTop += 5000;
      await new Promise((r) => requestAnimationFrame(() => r(null)));
      const now = performance.now();
      times.push(now - last);
      last = now;
    }
    return { times, rendered: el.querySelectorAll('[data-testid="example-row"]').length, top: el.scrollTop };
  });
  expect(frames.rendered).toBeLessThan(120);
  const sorted = [...frames.times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  console.log(`10k rows: median frame ${median.toFixed(1)} ms, ${frames.rendered} rows in the DOM`);
  expect(median).toBeLessThan(50);
  await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(page.getByTestId('example-row').last()).toContainText('row');
  await shot(page, '33-data-10k');
});

const TOY_SPEC = {
  input_fields: [{ name: 'text', type: 'string', description: 'a few words' }],
  output_fields: [{ name: 'label', type: 'string', description: 'one of: fruit, animal, color, tool' }],
  instructions: 'Label the text.',
};

/** Registers a dataset through the API and imports rows into it (exact duplicates are skipped, so this can run again). */
async function dataset(page: Page, name: string, jsonl: Buffer, spec: object = TOY_SPEC): Promise<void> {
  await page.waitForFunction(() => Boolean((window as any).__studio?.api));
  await page.evaluate(
    async ([n, s, c]) => {
      const api = (window as any).__studio.api;
      await api.call('data.registerSignature', { name: n, spec: s });
      await api.call('data.import', { signature: n, fileName: `${n}.jsonl`, content: c });
    },
    [name, spec, jsonl.toString('base64')] as const,
  );
  await page.evaluate((n) => (window as any).__studio.nav.getState().setSignature(n), name);
}

/** An optimized program of the sample data (bootstrap, small), through the API. */
async function optimized(page: Page, signature: string): Promise<string> {
  const v = await page.evaluate(async (sig) => {
    const api = (window as any).__studio.api;
    const { job } = await api.call('optimize.run', { signature: sig, strategy: 'bootstrap_few_shot', params: { max_bootstrapped_demos: 3, max_labeled_demos: 3 } });
    for (;;) {
      const d = await api.call('optimize.job', { jobId: job.id });
      if (d.job.status !== 'queued' && d.job.status !== 'running') return d.job.result?.programVersion ?? `failed: ${d.job.status} ${d.job.error}`;
      await new Promise((r) => setTimeout(r, 500));
    }
  }, signature);
  expect(v).not.toMatch(/^failed/);
  return v;
}

test('labeling a classification dataset: number keys pick the class, Ctrl+Z undoes the last label, a done screen says what next', async ({ page }) => {
  const rows = [
    ['apple pear', 'fruit'],
    ['otter heron', 'animal'],
    ['teal crimson', 'color'],
    ['kiwi fig', 'fruit'],
    ['moose gecko', 'animal'],
    ['violet teal', 'color'],
  ];
  await page.goto(`/?token=${TOKEN}`);
  await dataset(page, 'triage', Buffer.from(rows.map(([t, l]) => JSON.stringify({ inputs: { text: t }, outputs: { label: l } })).join('\n') + '\n'));
  await page.getByTestId('nav-data').click();
  await expect(page.getByTestId('examples-count')).toHaveText('6 of 6 examples');
  await page.getByTestId('start-labeling').click();
  const position = page.getByTestId('label-position');
  const bar = page.locator('.labeling-bar');
  const choices = page.getByTestId('label-choices-label');
  // The label's few values are choice buttons with their number keys, in a stable order; no free-text box.
  await expect(choices.getByRole('button')).toHaveText([/1\s*animal/, /2\s*color/, /3\s*fruit/]);
  await expect(page.getByTestId('choice-label-fruit')).toHaveAttribute('aria-pressed', 'true');
  await shot(page, '40-labeling-choices');
  await noSerious(page, 'labeling choices');

  // 1 corrects "fruit" to "animal" and moves on; Ctrl+Z brings the example back unlabeled.
  await expect(async () => {
    await page.keyboard.press('1');
    await expect(position).toHaveText('2 / 6', { timeout: 1000 });
  }).toPass({ timeout: 10_000 });
  await expect(bar).toContainText('1 of 6 labeled');
  await page.keyboard.press('Control+z');
  await expect(position).toHaveText('1 / 6');
  await expect(page.getByTestId('label-state')).toHaveText('unlabeled');
  await expect(page.getByTestId('choice-label-fruit')).toHaveAttribute('aria-pressed', 'true');
  await expect(bar).toContainText('0 of 6 labeled');

  // The pressed choice's key accepts it; the last one opens the done screen.
  for (let i = 0; i < rows.length; i++) {
    await expect(position).toHaveText(`${i + 1} / 6`);
    await page.keyboard.press(await choices.locator('[aria-pressed="true"] .kbd').innerText());
  }
  const done = page.getByTestId('labeling-done');
  await expect(done).toContainText('All 6 examples labeled');
  await expect(done).toContainText('6 accepted · 0 corrected · 0 rejected');
  await expect(page.getByTestId('label-done-optimize')).toBeVisible();
  await shot(page, '41-labeling-done');
  await noSerious(page, 'labeling done');
  // Undo works from the done screen too.
  await page.keyboard.press('Control+z');
  await expect(position).toHaveText('6 / 6');
  await expect(page.getByTestId('label-state')).toHaveText('unlabeled');
  await page.keyboard.press('2');
  await expect(done).toContainText('All 6 examples labeled');
  await page.getByTestId('label-done-close').click();
  await expect(page.getByTestId('example-row').first()).toBeVisible();

  // The undo is in the label history, between the correction and the accept.
  const history = await page.evaluate(async () => {
    const api = (window as any).__studio.api;
    const list = await api.call('data.list', { signature: 'triage', search: 'apple' });
    return (await api.call('data.labelHistory', { id: list.rows[0].id })).events.map((e: { action: string }) => e.action);
  });
  expect(history).toEqual(['correct', 'undo', 'accept']);
});

test('compare: on a loss row A is green and B red against the label; a row opens the example with both traces', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto(`/?token=${TOKEN}`);
  await dataset(page, 'toy_compare', readFileSync(TOY_DATA));
  const versionId = await optimized(page, 'toy_compare');
  await page.getByTestId('nav-compare').click();
  // The optimized program as A against the baseline as B: its wins are B's losses.
  await page.getByTestId('arm-a').selectOption(versionId);
  await page.getByTestId('arm-b').selectOption('baseline');
  await page.getByTestId('run-compare').click();
  await expect(page.getByTestId('aggregate')).toBeVisible({ timeout: 90_000 });
  await page.getByTestId('filter-loss').click();
  const loss = page.locator('.ct-row.loss').first();
  await expect(loss.getByTestId('cell-a')).toHaveClass(/graded-correct/);
  await expect(loss.getByTestId('cell-b')).toHaveClass(/graded-wrong/);
  // Outputs are fields, not JSON.
  await expect(loss.getByTestId('cell-a')).not.toContainText('{');
  await expect(loss.getByTestId('cell-a').locator('dt')).toHaveText('label');
  await shot(page, '42-compare-loss');
  await loss.click();
  const dialog = page.getByTestId('example-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('trace-a')).toContainText('LM call 1', { timeout: 60_000 });
  await expect(dialog.getByTestId('trace-b')).toContainText('LM call 1');
  await expect(dialog.getByTestId('trace-a')).toContainText(String(await loss.locator('[role="cell"]').first().innerText()));
  await shot(page, '43-compare-example-traces');
  await noSerious(page, 'compare example');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
});

test('cancelling a GEPA run keeps the best program so far, offered for promotion, not shown as an error', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto(`/?token=${TOKEN}`);
  await dataset(page, 'toy_compare', readFileSync(TOY_DATA));
  await page.getByTestId('nav-optimize').click();
  await page.getByTestId('strategy').selectOption('gepa');
  // The heavy budget runs long past the moment it is stopped.
  await page.locator('#param-auto').selectOption('heavy');
  await expect(page.getByTestId('estimate')).toContainText('LM calls');
  await page.getByTestId('run-optimization').click();
  await expect(page.getByTestId('progress')).toBeVisible({ timeout: 30_000 });
  // Stop once the search has a candidate to keep.
  await expect(page.locator('.gepa-search')).toBeVisible({ timeout: 120_000 });
  await page.getByTestId('cancel-run').click();
  await expect(page.getByTestId('job-status')).toHaveText('cancelled', { timeout: 120_000 });
  await expect(page.getByTestId('cancel-note')).toContainText('kept its best candidate');
  await expect(page.getByTestId('job-view').locator('.inline-error')).toHaveCount(0);
  await expect(page.getByTestId('result')).toBeVisible();
  await expect(page.getByTestId('promote')).toBeVisible();
  await shot(page, '44-optimize-cancelled-kept');
});

test('tuning screens at 1440x900 and 1024x768, dark and light: screenshots', async ({ page }) => {
  test.setTimeout(400_000);
  await page.goto(`/?token=${TOKEN}`);
  await dataset(page, 'toy_compare', readFileSync(TOY_DATA));
  // Run alone, this test makes the run the screens show.
  const { versions } = await page.evaluate(() => (window as any).__studio.api.call('optimize.versions', { signature: 'toy_compare' }));
  if (versions.length === 0) await optimized(page, 'toy_compare');
  for (const [w, h] of [
    [1440, 900],
    [1024, 768],
  ]) {
    await page.setViewportSize({ width: w, height: h });
    for (const theme of ['dark', 'light']) {
      await page.evaluate((t) => (window as any).__studio.ui.getState().setTheme(t), theme);
      const tag = `${w}x${h}-${theme}`;
      await page.getByTestId('nav-data').click();
      await expect(page.getByTestId('examples-count')).toContainText('of 320 examples');
      await shot(page, `50-data-${tag}`);
      await page.getByTestId('start-labeling').click();
      await expect(page.getByTestId('label-choices-label')).toBeVisible();
      await shot(page, `51-labeling-${tag}`);
      await page.keyboard.press('Escape');
      await page.getByTestId('nav-optimize').click();
      await page.getByTestId('run-item').first().click();
      await expect(page.getByTestId('job-view')).toBeVisible();
      await expect(page.getByTestId('runs-chart')).toBeVisible();
      await shot(page, `52-optimize-${tag}`);
      const chart = page.getByTestId('runs-chart');
      await chart.scrollIntoViewIfNeeded();
      await chart.screenshot({ path: path.join(SHOTS, `52b-runs-chart-${tag}.png`) });
      if (tag === '1440x900-dark') {
        // A point's tooltip names its run: sweep the row of the first run's score until it shows.
        const { versions } = await page.evaluate(() => (window as any).__studio.api.call('optimize.versions', { signature: 'toy_compare' }));
        const box = (await chart.boundingBox())!;
        const y = box.y + 36 + (box.height - 36 - 48) * (1 - versions[0].optimizedScore);
        let tip = '';
        for (let x = box.x + 64; x < box.x + box.width - 36 && !tip.includes('LM calls'); x += 3) {
          await page.mouse.move(x, y);
          tip = await chart.innerText();
        }
        expect(tip).toContain('LM calls');
        expect(tip).toMatch(/score \d+% on (dev|train) \(baseline \d+%\)/);
        await chart.screenshot({ path: path.join(SHOTS, '52c-runs-chart-tooltip.png') });
        await page.mouse.move(0, 0);
      }
      await page.getByTestId('nav-compare').click();
      await page.getByTestId('arm-a').selectOption('baseline');
      await page.getByTestId('run-compare').click();
      await expect(page.getByTestId('aggregate')).toBeVisible({ timeout: 90_000 });
      await shot(page, `53-compare-${tag}`);
      await page.getByTestId('nav-experiments').click();
      await page.getByTestId('new-experiment').click();
      await expect(page.getByTestId('create-experiment')).toBeVisible();
      await shot(page, `54-experiments-${tag}`);
      await page.getByTestId('nav-monitor').click();
      await expect(page.getByTestId('screen-monitor')).toBeVisible();
      await shot(page, `55-monitor-${tag}`);
    }
  }
});
