import { expect, test, type Page } from '@playwright/test';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { axeSerious, editorText, shot, skipWithoutChromium, TOKEN, dataDirOf } from './helpers';

test.beforeEach(() => skipWithoutChromium());

const dataDir = () => dataDirOf(test.info());
/** A new blank workflow in the designer, its text replaced by `text` when given. */
async function openBlank(page: Page, text?: string): Promise<void> {
  await page.goto(`/?token=${TOKEN}`);
  await page.getByTestId('template-blank').click();
  await expect(page.getByTestId('node-first_step')).toBeVisible();
  if (text) await setText(page, text);
}
/** The YAML without double quotes: new fragments take the file's quoting, these checks are about structure. */
const unquoted = async (page: Page) => (await editorText(page)).replace(/"/g, '');

test('welcome, sample project, canvas and YAML in sync', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`/?token=${TOKEN}`);
  await expect(page.getByTestId('welcome')).toBeVisible();
  await expect(page.getByTestId('template-dspy_code_analysis')).toBeVisible();
  await shot(page, '01-welcome-dark');
  expect(await axeSerious(page)).toEqual([]);

  await page.getByTestId('open-sample').click();
  await expect(page.getByTestId('node-classify')).toBeVisible();
  await expect(page.locator('.toast')).toContainText('data/toy_labels.jsonl (320 examples, 308 labeled) into classify');
  await expect(page.locator('.monaco-editor')).toBeVisible();
  await page.waitForTimeout(500);
  await shot(page, '02-designer-sample');
  expect(await axeSerious(page)).toEqual([]);
  expect(errors).toEqual([]);
});

test('drag, connect, edit signature, YAML edits, markers, undo/redo, save, reload keeps layout', async ({ page }) => {
  await openBlank(page);

  // Drag a dspy_claude from the palette onto the canvas.
  const canvas = page.getByTestId('canvas');
  const box = (await canvas.boundingBox())!;
  await page.getByTestId('palette-dspy_claude').dragTo(canvas, { targetPosition: { x: box.width * 0.35, y: box.height * 0.7 } });
  await expect(page.getByTestId('node-dspy_claude_1')).toBeVisible();
  expect(await unquoted(page)).toContain('type: dspy_claude');

  // Add a dspy_chain and connect the dspy_claude node to it.
  await page.getByTestId('palette-dspy_chain').dragTo(canvas, { targetPosition: { x: box.width * 0.75, y: box.height * 0.7 } });
  await expect(page.getByTestId('node-dspy_chain_1')).toBeVisible();
  const from = page.locator('[data-testid="node-dspy_claude_1"] .react-flow__handle[data-handleid="flow-out"]');
  const to = page.locator('[data-testid="node-dspy_chain_1"] .react-flow__handle[data-handleid="flow-in"]');
  await from.dragTo(to);
  await expect.poll(() => unquoted(page)).toMatch(/name: dspy_chain_1[\s\S]*previous_response[\s\S]*step: dspy_claude_1/);
  await expect(page.locator('.react-flow__edge.previous_response')).toHaveCount(1);

  // Edit the signature in the inspector.
  await page.getByTestId('node-dspy_claude_1').click();
  await expect(page.getByTestId('signature-editor')).toBeVisible();
  const nameInput = page.getByTestId('sig-output-answer').getByLabel('output field name');
  await nameInput.fill('verdict');
  await nameInput.press('Enter');
  await expect.poll(() => unquoted(page)).toContain('name: verdict');
  await page.getByTestId('sig-output-verdict').getByLabel('output field type').selectOption('object');
  await expect.poll(() => unquoted(page)).toMatch(/name: verdict\s+type: object/);
  await shot(page, '03-inspector-signature');
  expect(await axeSerious(page)).toEqual([]);

  // Undo and redo (focus on the canvas, not an input).
  await page.locator('.react-flow__pane').click({ position: { x: 30, y: 30 } });
  await page.keyboard.press('Control+z');
  await expect.poll(() => unquoted(page)).not.toMatch(/name: verdict\s+type: object/);
  await page.keyboard.press('Control+Shift+z');
  await expect.poll(() => unquoted(page)).toMatch(/name: verdict\s+type: object/);
  await page.keyboard.press('Control+z');
  await page.keyboard.press('Control+y');
  await expect.poll(() => unquoted(page)).toMatch(/name: verdict\s+type: object/);

  // Edit the YAML and see the canvas update.
  const editor = page.locator('.monaco-editor textarea').first();
  await page.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('Control+f');
  await page.keyboard.press('Escape');
  const before = await editorText(page);
  await page.evaluate(() => {
    const t = (window as any).__studio.doc.getState().text as string;
    (window as any).__monacoSetValueForTest?.(t);
  });
  await editor.focus();
  await page.keyboard.press('Control+Home');
  await page.keyboard.type('# edited in the YAML editor\n');
  await expect.poll(() => editorText(page)).toContain('# edited in the YAML editor');
  // Rename a step by typing in the text: its card stays where it was.
  const positionOf = (id: string) => page.evaluate((n) => (window as any).__studio.doc.getState().positions[n], id);
  const firstAt = await positionOf('first_step');
  expect(firstAt).toBeTruthy();
  const lineIndex = before.split('\n').findIndex((l) => l.includes('name: "first_step"') || l.includes('name: first_step'));
  expect(lineIndex).toBeGreaterThan(-1);
  await page.keyboard.press('Control+Home');
  for (let i = 0; i < lineIndex + 1; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End');
  await page.keyboard.press('ArrowLeft'); // before the closing quote
  await page.keyboard.type('_renamed');
  await expect(page.getByTestId('node-first_step_renamed')).toBeVisible();
  expect(await positionOf('first_step_renamed')).toEqual(firstAt);
  await shot(page, '04-yaml-edit-synced');

  // Broken YAML: a marker and the banner; the canvas keeps the last good state.
  await page.keyboard.press('Control+End');
  await page.keyboard.type('\n@broken');
  await expect(page.getByTestId('parse-error-banner')).toBeVisible();
  await expect(page.locator('.monaco-editor .squiggly-error').first()).toBeVisible();
  await expect(page.getByTestId('node-first_step_renamed')).toBeVisible();
  await shot(page, '05-broken-yaml-marker');
  // Monaco's own undo (focus is in the editor): the text parses again.
  for (let i = 0; i < 4 && (await page.getByTestId('parse-error-banner').isVisible()); i++) {
    await page.keyboard.press('Control+z');
    await page.waitForTimeout(150);
  }
  await expect(page.getByTestId('parse-error-banner')).toBeHidden();

  // Move a node (layout only: the YAML does not change).
  const textBeforeMove = await editorText(page);
  const node = page.getByTestId('node-dspy_chain_1');
  const nb = (await node.boundingBox())!;
  await page.mouse.move(nb.x + 60, nb.y + 15);
  await page.mouse.down();
  await page.mouse.move(nb.x + 60, nb.y + 140, { steps: 8 });
  await page.mouse.up();
  expect(await editorText(page)).toBe(textBeforeMove);
  const moved = await page.evaluate(() => (window as any).__studio.doc.getState().positions.dspy_chain_1);

  // Save as, and the file on disk equals the text.
  const target = path.join(dataDir(), 'work', 'designed.yaml');
  await page.keyboard.press('Control+Shift+s');
  await expect(page.getByTestId('path-dialog')).toBeVisible();
  await shot(page, '06-save-as-dialog');
  expect(await axeSerious(page)).toEqual([]);
  await page.getByTestId('path-input').fill(target);
  await page.getByTestId('path-dialog-submit').click();
  await expect(page.getByTestId('path-dialog')).toBeHidden();
  await expect.poll(() => existsSync(target)).toBe(true);
  const expected = await editorText(page);
  expect(readFileSync(target, 'utf8')).toBe(expected);
  expect(expected).toContain('# edited in the YAML editor');
  expect(expected.replace(/"/g, '')).toContain('- type: previous_response\n          step: dspy_claude_1');
  const sidecar = JSON.parse(readFileSync(target.replace(/\.yaml$/, '.layout.json'), 'utf8'));
  expect(sidecar.nodes.dspy_chain_1).toEqual(moved);

  // Reload: the layout is kept.
  await page.reload();
  await expect(page.getByTestId('node-dspy_chain_1')).toBeVisible();
  const after = await page.evaluate(() => (window as any).__studio.doc.getState().positions.dspy_chain_1);
  expect(after).toEqual(moved);
  await shot(page, '07-reloaded-layout-kept');
});

test('command palette, light theme, settings, templates dialog', async ({ page }) => {
  await page.goto(`/?token=${TOKEN}`);
  await page.getByTestId('template-dspy_qa').click();
  await expect(page.getByTestId('node-answer')).toBeVisible();
  await page.getByTestId('theme-toggle').click();
  await page.waitForTimeout(300);
  await shot(page, '08-designer-light');
  expect(await axeSerious(page)).toEqual([]);
  await page.keyboard.press('Control+k');
  await expect(page.getByRole('dialog', { name: 'Command palette' })).toBeVisible();
  await page.keyboard.type('layout');
  await shot(page, '09-command-palette');
  expect(await axeSerious(page)).toEqual([]);
  await page.keyboard.press('Enter');
  await page.getByRole('navigation', { name: 'Main toolbar' }).getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByTestId('screen-settings')).toBeVisible();
  await expect(page.getByTestId('settings-appearance')).toContainText('Data directory');
  await shot(page, '10-settings');
  expect(await axeSerious(page)).toEqual([]);
  await page.getByTestId('nav-design').click();
  await page.getByRole('button', { name: /New/ }).first().click();
  await page.getByRole('button', { name: 'Discard changes' }).click().catch(() => {});
  await expect(page.getByTestId('templates-dialog')).toBeVisible();
  await shot(page, '11-templates-dialog');
  await page.getByTestId('templates-dialog').getByRole('button', { name: 'Close' }).click();
  await page.getByTestId('theme-toggle').click();
  await page.getByTestId('welcome').waitFor({ state: 'detached' }).catch(() => {});
  await shot(page, '12-welcome-light-check');
});

const NESTED_YAML = `workflow:
  name: nested
  steps:
    - name: init
      type: set_variable
      variables:
        topics: ["a", "b"]
    - name: per_topic
      type: for_loop
      iterator: topic
      data_source: "{{topics}}"
      steps:
        - name: draft
          type: claude
          prompt:
            - type: static
              content: "Draft {{loop.topic}}"
        - name: polish
          type: claude
          prompt:
            - type: previous_response
              step: draft
        - name: retry
          type: while_loop
          condition: "polish.score < 0.8"
          max_iterations: 3
          steps:
            - name: improve
              type: claude
              prompt:
                - type: previous_response
                  step: polish
    - name: report
      type: claude
      prompt:
        - type: previous_response
          step: per_topic
`;

const setText = (page: import('@playwright/test').Page, text: string) =>
  page.evaluate((t) => (window as any).__studio.doc.getState().applyEdit('test setup', () => t), text);

async function inside(page: import('@playwright/test').Page, child: string, parent: string): Promise<boolean> {
  const c = (await page.getByTestId(`node-${child}`).boundingBox())!;
  const p = (await page.getByTestId(`node-${parent}`).boundingBox())!;
  return c.x >= p.x && c.y >= p.y && c.x + c.width <= p.x + p.width + 0.5 && c.y + c.height <= p.y + p.height + 0.5;
}

test('loops and nested pipelines are containers with their steps inside', async ({ page }) => {
  await openBlank(page, NESTED_YAML);
  await page.getByRole('button', { name: 'Auto-layout' }).click();
  await page.getByRole('button', { name: 'Fit view' }).click().catch(() => {});
  await expect(page.getByTestId('node-improve')).toBeVisible();
  // Real React Flow sub-flows: child nodes with parentId, drawn inside their container.
  await expect(page.locator('.react-flow__node[data-id="per_topic"]')).toHaveClass(/react-flow__node-container/);
  const parents = await page.evaluate(() => {
    const s = (window as any).__studio.doc.getState();
    return Object.fromEntries(s.view.steps.map((x: any) => [x.id, x.parentId ?? null]));
  });
  expect(parents).toEqual({ init: null, per_topic: null, draft: 'per_topic', polish: 'per_topic', retry: 'per_topic', improve: 'retry', report: null });
  await page.waitForTimeout(300);
  for (const [c, p] of [['draft', 'per_topic'], ['polish', 'per_topic'], ['retry', 'per_topic'], ['improve', 'retry']]) expect(await inside(page, c, p), `${c} inside ${p}`).toBe(true);
  expect(await inside(page, 'report', 'per_topic')).toBe(false);
  // Edges between nested steps.
  await expect(page.locator('.react-flow__edge[data-id="previous_response:draft->polish"]')).toHaveCount(1);
  await expect(page.locator('.react-flow__edge[data-id="previous_response:polish->improve"]')).toHaveCount(1);
  await expect(page.locator('.react-flow__edge[data-id="previous_response:per_topic->report"]')).toHaveCount(1);
  // Auto-layout laid the nested steps out left to right inside the loop.
  const d = (await page.getByTestId('node-draft').boundingBox())!;
  const p = (await page.getByTestId('node-polish').boundingBox())!;
  expect(p.x).toBeGreaterThan(d.x + d.width);
  await shot(page, '13-containers');
  expect(await axeSerious(page)).toEqual([]);
  await page.getByTestId('theme-toggle').click();
  await page.waitForTimeout(200);
  await shot(page, '13b-containers-light');
  expect(await axeSerious(page)).toEqual([]);
  await page.getByTestId('theme-toggle').click();

  // Moving the container moves its children and never the YAML.
  const before = await editorText(page);
  const draftBefore = (await page.getByTestId('node-draft').boundingBox())!;
  const cb = (await page.getByTestId('node-per_topic').boundingBox())!;
  await page.mouse.move(cb.x + 60, cb.y + 12);
  await page.mouse.down();
  await page.mouse.move(cb.x + 60, cb.y + 92, { steps: 6 });
  await page.mouse.up();
  const draftAfter = (await page.getByTestId('node-draft').boundingBox())!;
  expect(draftAfter.y - draftBefore.y).toBeGreaterThan(30);
  expect(await editorText(page)).toBe(before);

  // A nested step is edited in the inspector like any other.
  await page.getByTestId('node-improve').click({ position: { x: 10, y: 6 } });
  await expect(page.getByTestId('inspector-name')).toHaveValue('improve');
  await shot(page, '14-nested-step-inspector');
});

test('typed chain link, merged edges, list forms and nested config edits', async ({ page }) => {
  await openBlank(page);
  const canvas = page.getByTestId('canvas');
  const box = (await canvas.boundingBox())!;
  await page.getByTestId('palette-dspy_claude').dragTo(canvas, { targetPosition: { x: box.width * 0.25, y: box.height * 0.75 } });
  await page.getByTestId('palette-dspy_chain').dragTo(canvas, { targetPosition: { x: box.width * 0.85, y: box.height * 0.75 } });
  await expect(page.getByTestId('node-dspy_chain_1')).toBeVisible();
  // The chain reads `answer`, which dspy_claude_1 produces: the implied (typed) chain edge.
  await expect(page.locator('.react-flow__edge.chain')).toHaveCount(1);

  // Draw a previous_response edge too: two references between the same steps, each labelled.
  await page.locator('[data-testid="node-dspy_claude_1"] .react-flow__handle[data-handleid="flow-out"]').dragTo(page.locator('[data-testid="node-dspy_chain_1"] .react-flow__handle[data-handleid="flow-in"]'));
  await expect.poll(() => unquoted(page)).toMatch(/name: dspy_chain_1[\s\S]*previous_response[\s\S]*step: dspy_claude_1/);
  await expect(page.locator('.react-flow__edge')).toHaveCount(2);
  await expect(page.locator('.react-flow__edge.previous_response .react-flow__edge-text')).toHaveText('previous_response');
  await expect(page.locator('.react-flow__edge.chain .react-flow__edge-text')).toHaveText('chain: answer');

  // Rename the output: the chain link is implied (untyped) and would overlap the drawn edge; they merge into one.
  await page.getByTestId('node-dspy_claude_1').click();
  const nameInput = page.getByTestId('sig-output-answer').getByLabel('output field name');
  await nameInput.fill('verdict');
  await nameInput.press('Enter');
  await expect.poll(() => unquoted(page)).toContain('name: verdict');
  await expect(page.locator('.react-flow__edge')).toHaveCount(1);
  await expect(page.locator('.react-flow__edge.merged .react-flow__edge-text')).toHaveText('previous_response + chain');
  await shot(page, '15-merged-edge');

  // Typed output -> the chain's typed input: a chain link at the head of the chain.
  await page.locator('[data-testid="node-dspy_claude_1"] .react-flow__handle[data-handleid="out:verdict"]').dragTo(page.locator('[data-testid="node-dspy_chain_1"] .react-flow__handle[data-handleid="in:answer"]'));
  await expect.poll(() => unquoted(page)).toMatch(/chain_steps:\n {10}- signature: verdict_to_answer\n {10}- signature: answer_to_summary\n {10}- signature: summary_to_report\n/);
  await expect(page.locator('.react-flow__edge.chain[data-id="chain:dspy_claude_1->dspy_chain_1:verdict:verdict"]')).toHaveCount(1);
  await expect(page.locator('.react-flow__edge')).toHaveCount(2);
  await shot(page, '16-typed-chain-link');

  // Inspector list forms on the chain step: prompt parts, chain links, condition.
  await page.getByTestId('node-dspy_chain_1').click({ position: { x: 60, y: 10 } });
  const prompt = page.getByTestId('prompt-editor');
  await prompt.getByRole('button', { name: 'Add part' }).click();
  await expect.poll(() => unquoted(page)).toMatch(/step: dspy_claude_1\n {8}- type: static\n {10}content: (\n|$)/);
  await prompt.getByLabel('content').fill('Write the report.');
  await prompt.getByLabel('content').blur();
  await expect.poll(() => unquoted(page)).toContain('content: Write the report.');
  await prompt.getByRole('button', { name: 'Move prompt part 2 up' }).click();
  await expect.poll(() => unquoted(page)).toMatch(/prompt:\n {8}- type: static\n {10}content: Write the report.\n {8}- type: previous_response\n {10}step: dspy_claude_1/);
  await page.getByTestId('chain-editor').getByRole('button', { name: 'Move chain link 1 down' }).click();
  await expect.poll(() => unquoted(page)).toMatch(/- signature: answer_to_summary\n {10}- signature: verdict_to_answer/);
  const cond = page.getByTestId('condition-editor');
  await cond.getByLabel('Run this step').selectOption('all');
  await cond.getByLabel('condition expression 1', { exact: true }).fill('dspy_claude_1.success');
  await cond.getByLabel('condition expression 1', { exact: true }).press('Enter');
  await cond.getByRole('button', { name: 'Add expression' }).click();
  await cond.getByLabel('condition expression 2', { exact: true }).fill('dspy_claude_1.verdict != null');
  await cond.getByLabel('condition expression 2', { exact: true }).press('Enter');
  await expect.poll(() => unquoted(page)).toMatch(/condition:\n {8}- dspy_claude_1.success\n {8}- dspy_claude_1.verdict != null/);

  // dspy_config edits splice one line: a comment inside the block survives.
  const withComment = (await editorText(page)).replace(/(name: "?dspy_chain_1"?\n {6}type: "?dspy_chain"?\n {6}dspy_config:\n)/, '$1        # tuned by hand, keep\n');
  expect(withComment).toContain('# tuned by hand, keep');
  await setText(page, withComment);
  await page.getByTestId('dspy-config').getByLabel('cache_enabled').check();
  await expect.poll(() => unquoted(page)).toContain('cache_enabled: true');
  await page.getByTestId('dspy-config').getByLabel('max_wait_time').fill('250');
  await page.getByTestId('dspy-config').getByLabel('max_wait_time').press('Enter');
  await expect.poll(() => unquoted(page)).toContain('max_wait_time: 250');
  const after = await editorText(page);
  expect(after).toContain('        # tuned by hand, keep\n');
  const changed = after.split('\n').filter((l) => !withComment.split('\n').includes(l));
  expect(changed).toEqual(['        cache_enabled: true', '        max_wait_time: 250']);
  await page.getByTestId('prompt-editor').scrollIntoViewIfNeeded();
  await shot(page, '17-inspector-lists');
  expect(await axeSerious(page)).toEqual([]);
  // Remove the static part again.
  await prompt.getByRole('button', { name: 'Remove prompt part 1' }).click();
  await expect.poll(() => unquoted(page)).not.toContain('Write the report.');
});

const box = async (page: Page, testId: string) => (await page.getByTestId(testId).boundingBox())!;
const overlap = (a: { x: number; y: number; width: number; height: number }, b: typeof a) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
interface DocSummary { parseError: unknown; past: number; steps: { id: string; parentId: string | null }[] }
const docState = (page: Page): Promise<DocSummary> => page.evaluate(() => {
  const s = (window as any).__studio.doc.getState();
  return { parseError: s.parseError, past: s.past.length, steps: (s.view?.steps ?? []).map((x: any) => ({ id: x.id, parentId: x.parentId ?? null })) };
});

test('one undo history: Ctrl+Z in the editor or on the canvas undoes the last change wherever it was made, broken YAML included', async ({ page }) => {
  await openBlank(page);
  const undoButton = page.getByRole('button', { name: 'Undo', exact: true });
  await expect(undoButton).toBeDisabled();
  expect(await undoButton.evaluate((b) => Number(getComputedStyle(b).opacity))).toBeLessThan(0.6);

  // A canvas edit: a step dropped on the minimap lands clear of it, named from its type.
  const canvas = page.getByTestId('canvas');
  const cbox = (await canvas.boundingBox())!;
  const mini = (await page.locator('.react-flow__minimap').boundingBox())!;
  await page.getByTestId('palette-claude').dragTo(canvas, { targetPosition: { x: mini.x - cbox.x + mini.width / 2, y: mini.y - cbox.y + mini.height / 2 } });
  await expect(page.getByTestId('node-claude_1')).toBeVisible();
  expect(overlap(await box(page, 'node-claude_1'), mini)).toBe(false);
  expect(overlap(await box(page, 'node-claude_1'), await box(page, 'node-first_step'))).toBe(false);
  await expect(undoButton).toBeEnabled();

  // A text edit, then a typo that breaks the YAML (a pause between them: separate history entries).
  await page.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('# a note');
  await expect.poll(() => editorText(page)).toContain('# a note');
  await page.waitForTimeout(1200);
  await page.keyboard.type('\n  steps\n');
  await expect(page.getByTestId('parse-error-banner')).toBeVisible();

  // Ctrl+Z in the editor: the typo, then the note, then the canvas edit.
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('parse-error-banner')).toBeHidden();
  await expect.poll(() => editorText(page)).toContain('# a note');
  await page.keyboard.press('Control+z');
  await expect.poll(() => editorText(page)).not.toContain('# a note');
  await expect(page.getByTestId('node-claude_1')).toBeVisible();
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('node-claude_1')).toHaveCount(0);
  await expect(undoButton).toBeDisabled();

  // Redo from the canvas brings them back in order, the broken text included; undo works while it is broken.
  await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
  await page.keyboard.press('Control+Shift+z');
  await expect(page.getByTestId('node-claude_1')).toBeVisible();
  await page.keyboard.press('Control+Shift+z');
  await page.keyboard.press('Control+Shift+z');
  await expect(page.getByTestId('parse-error-banner')).toBeVisible();
  await expect(page.getByTestId('parse-error-banner')).toContainText('showing the last valid graph');
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('parse-error-banner')).toBeHidden();
  expect((await docState(page)).parseError).toBeNull();

  // Inspector edits apply as you type, one undo entry per field edit.
  await page.getByTestId('node-claude_1').click({ position: { x: 40, y: 12 } });
  const content = page.getByTestId('prompt-editor').getByLabel('content');
  const pastBefore = (await docState(page)).past;
  await content.fill('');
  await content.pressSequentially('Summarise the ticket', { delay: 40 });
  await expect.poll(() => editorText(page)).toContain('Summarise the ticket');
  await content.blur();
  expect((await docState(page)).past).toBe(pastBefore + 1);
});

test('one typo gives one error, in words, at its line', async ({ page }) => {
  await openBlank(page);
  const text = await editorText(page);
  const line = text.split('\n').findIndex((l) => l.trim() === 'prompt:') + 1;
  await setText(page, text.replace('      prompt:\n', '      prompt\n'));
  const banner = page.getByTestId('parse-error-banner');
  await expect(banner).toContainText(`line ${line}: this line has no colon after its key: write key: value`);
  await expect(banner).not.toContainText('YAML:');
  await expect(page.locator('.monaco-editor .squiggly-error')).toHaveCount(1);
  await expect(page.getByRole('complementary', { name: 'Inspector' })).toContainText('1 step · 0 connections · 1 error');
  await expect(page.getByRole('button', { name: new RegExp(`^Line ${line}: this line has no colon`) })).toBeVisible();
  await shot(page, '18-one-typo-error');
  expect(await axeSerious(page)).toEqual([]);
});

test('steps drop into a container, paste back into it, and its last step deletes to a valid workflow', async ({ page }) => {
  await openBlank(page, NESTED_YAML);
  await page.getByRole('button', { name: 'Auto-layout' }).click();
  await expect(page.getByTestId('node-improve')).toBeVisible();
  await page.waitForTimeout(400);

  // Drop on the loop's own area (its header, left of its nested steps).
  const canvas = page.getByTestId('canvas');
  const cbox = (await canvas.boundingBox())!;
  const loop = await box(page, 'node-per_topic');
  await page.getByTestId('palette-claude').dragTo(canvas, { targetPosition: { x: loop.x - cbox.x + 40, y: loop.y - cbox.y + 20 } });
  await expect(page.getByTestId('node-claude_1')).toBeVisible();
  expect((await docState(page)).steps.find((s) => s.id === 'claude_1')?.parentId).toBe('per_topic');
  await expect.poll(() => unquoted(page)).toMatch(/name: claude_1[\s\S]*name: report/);
  await page.waitForTimeout(300);
  expect(await inside(page, 'claude_1', 'per_topic')).toBe(true);
  for (const other of ['draft', 'polish', 'retry']) expect(overlap(await box(page, 'node-claude_1'), await box(page, `node-${other}`)), `claude_1 over ${other}`).toBe(false);
  await shot(page, '19-dropped-into-container');

  // Drag a top-level card onto the loop: the step moves into the loop's steps (one undo puts it back).
  const init = await box(page, 'node-init');
  const target = await box(page, 'node-per_topic');
  await page.mouse.move(init.x + 40, init.y + 10);
  await page.mouse.down();
  await page.mouse.move(target.x + target.width / 2, target.y + target.height - 20, { steps: 10 });
  await page.mouse.up();
  await expect.poll(async () => (await docState(page)).steps.find((s) => s.id === 'init')?.parentId).toBe('per_topic');
  await expect.poll(() => unquoted(page)).toMatch(/steps:\n {4}- name: per_topic[\s\S]*- name: init\n {10}type: set_variable[\s\S]*- name: report/);
  await page.waitForTimeout(300);
  expect(await inside(page, 'init', 'per_topic')).toBe(true);
  await page.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } });
  await page.keyboard.press('Control+z');
  await expect.poll(async () => (await docState(page)).steps.find((s) => s.id === 'init')?.parentId).toBeNull();

  // Copy and paste a nested step: the copy stays in its container.
  await page.getByTestId('node-draft').click({ position: { x: 40, y: 12 } });
  await page.keyboard.press('Control+c');
  await page.keyboard.press('Control+v');
  await expect(page.getByTestId('node-draft_copy')).toBeVisible();
  expect((await docState(page)).steps.find((s) => s.id === 'draft_copy')?.parentId).toBe('per_topic');

  // Delete the inner loop's only step: the loop keeps an empty list and the workflow stays valid.
  await page.getByTestId('node-improve').click({ position: { x: 40, y: 12 } });
  await page.keyboard.press('Delete');
  await expect(page.getByTestId('node-improve')).toHaveCount(0);
  await expect.poll(() => editorText(page)).toMatch(/max_iterations: 3\n {10}steps: \[\]/);
  const after = await docState(page);
  expect(after.parseError).toBeNull();
  const errors = await page.evaluate(() => (window as any).__studio.doc.getState().diagnostics.filter((d: any) => d.severity === 'error'));
  expect(errors).toEqual([]);
  await expect(page.getByTestId('node-retry')).toBeVisible();
});

test('Ctrl+Z in an inspector box goes to the one history, pending typing included; the palette greys what cannot run', async ({ page }) => {
  await openBlank(page);
  // Nothing to undo yet: the palette still lists Undo, greyed, with the reason, and Enter on it does nothing.
  await page.keyboard.press('Control+Shift+P');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  await page.keyboard.type('undo');
  const undoOption = palette.getByRole('option', { name: /Undo/ });
  await expect(undoOption).toHaveAttribute('aria-disabled', 'true');
  await expect(undoOption).toContainText('Nothing to undo');
  await shot(page, '21b-palette-disabled-undo');
  await page.keyboard.press('Enter');
  await expect(palette).toBeVisible();
  await page.keyboard.press('Escape');

  // A canvas edit first, then typing in a box, undone from the box before its debounce fires.
  await page.getByTestId('palette-claude').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('node-claude_1')).toBeVisible();
  await page.getByTestId('node-first_step').click({ position: { x: 40, y: 12 } });
  const content = page.getByTestId('prompt-editor').getByLabel('content');
  const original = await content.inputValue();
  const pastBefore = (await docState(page)).past;
  await content.fill('');
  await content.pressSequentially('Typed in the box');
  await page.keyboard.press('Control+z');
  await expect(content).toHaveValue(original);
  await expect.poll(() => editorText(page)).not.toContain('Typed in the box');
  expect((await docState(page)).past).toBe(pastBefore);
  await expect(content).toBeFocused();
  // Redo from the box brings the whole field edit back; another undo from the box reaches the canvas edit.
  await page.keyboard.press('Control+Shift+z');
  await expect(content).toHaveValue('Typed in the box');
  await expect.poll(() => editorText(page)).toContain('Typed in the box');
  await page.keyboard.press('Control+z');
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('node-claude_1')).toHaveCount(0);
  await expect(content).toHaveValue(original);
});

test('a step added from the keyboard lands at the centre of the view, clear of other cards', async ({ page }) => {
  await openBlank(page);
  const canvas = await box(page, 'canvas');
  const centre = { x: canvas.x + canvas.width / 2, y: canvas.y + canvas.height / 2 };
  // Pan so that the view's centre is empty canvas.
  await page.mouse.move(centre.x + 200, centre.y + 200);
  await page.mouse.down();
  await page.mouse.move(centre.x - 300, centre.y + 200, { steps: 8 });
  await page.mouse.up();
  await page.getByTestId('palette-claude').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('node-claude_1')).toBeVisible();
  await page.waitForTimeout(300);
  const added = await box(page, 'node-claude_1');
  expect(Math.abs(added.x + added.width / 2 - centre.x)).toBeLessThan(30);
  expect(Math.abs(added.y + added.height / 2 - centre.y)).toBeLessThan(40);
  // A second one (double-click) does not land on the first.
  await page.getByTestId('palette-claude').dblclick();
  await expect(page.getByTestId('node-claude_2')).toBeVisible();
  await page.waitForTimeout(300);
  expect(overlap(await box(page, 'node-claude_2'), await box(page, 'node-claude_1'))).toBe(false);
  expect(overlap(await box(page, 'node-claude_2'), await box(page, 'node-first_step'))).toBe(false);
  await shot(page, '19b-keyboard-add-at-centre');
});

test('a nested step dragged out of its container goes to the top level, as one undoable edit', async ({ page }) => {
  await openBlank(page, NESTED_YAML);
  await page.getByRole('button', { name: 'Auto-layout' }).click();
  await expect(page.getByTestId('node-improve')).toBeVisible();
  await page.waitForTimeout(400);
  const before = await editorText(page);
  const draft = await box(page, 'node-draft');
  const loop = await box(page, 'node-per_topic');
  const canvas = await box(page, 'canvas');
  // Below the loop, on empty canvas (or above it when there is no room below).
  const below = loop.y + loop.height + 80 < canvas.y + canvas.height - 20;
  const to = { x: loop.x + 60, y: below ? loop.y + loop.height + 60 : loop.y - 60 };
  await page.mouse.move(draft.x + 40, draft.y + 10);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 12 });
  await page.mouse.up();
  await expect.poll(async () => (await docState(page)).steps.find((s) => s.id === 'draft')?.parentId).toBeNull();
  await expect.poll(() => unquoted(page)).toMatch(/\n {4}- name: draft\n {6}type: claude/);
  expect((await docState(page)).steps.filter((s) => s.id === 'draft')).toHaveLength(1);
  await page.waitForTimeout(300);
  expect(await inside(page, 'draft', 'per_topic')).toBe(false);
  const out = await box(page, 'node-draft');
  expect(Math.abs(out.x - (to.x - 40))).toBeLessThan(40);
  await shot(page, '19c-dragged-out-of-container');
  await page.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } });
  await page.keyboard.press('Control+z');
  await expect.poll(async () => (await docState(page)).steps.find((s) => s.id === 'draft')?.parentId).toBe('per_topic');
  expect(await editorText(page)).toBe(before);

  // Dragged past the loop's left edge with its centre still inside: it stays nested, put back inside the edge.
  const polish = await box(page, 'node-polish');
  const loopNow = await box(page, 'node-per_topic');
  await page.mouse.move(polish.x + 40, polish.y + 10);
  await page.mouse.down();
  await page.mouse.move(loopNow.x - 30 + 40, polish.y + 10, { steps: 10 });
  await page.mouse.up();
  await page.waitForTimeout(300);
  expect((await docState(page)).steps.find((s) => s.id === 'polish')?.parentId).toBe('per_topic');
  expect(await inside(page, 'polish', 'per_topic')).toBe(true);
  expect(await editorText(page)).toBe(before);
});

test('palette on Ctrl+Shift+P lists screens and run; Alt+1..7 and Alt+Z work from inputs; canvas and YAML side by side when wide', async ({ page }) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await openBlank(page);
  await expect(page.getByTestId('designer-center')).toHaveClass(/\bside\b/);
  const canvasBox = await box(page, 'canvas');
  const editorBox = await box(page, 'yaml-editor');
  expect(editorBox.x).toBeGreaterThan(canvasBox.x + canvasBox.width - 1);

  await page.getByLabel('Filter step types').focus();
  await page.keyboard.press('Control+Shift+P');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  await expect(palette).toBeVisible();
  await page.keyboard.type('screen');
  await expect(palette.getByRole('option', { name: /Data screen/ })).toContainText('Alt+2');
  await shot(page, '21-command-palette-screens');
  await page.keyboard.press('Control+a');
  await page.keyboard.type('run workflow');
  await expect(palette.getByRole('option', { name: /Run workflow/ })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(palette).toBeHidden();

  await page.getByLabel('Filter step types').focus();
  await page.keyboard.press('Alt+2');
  await expect(page.getByTestId('nav-data')).toHaveAttribute('aria-current', 'page');
  await page.keyboard.press('Alt+1');
  await expect(page.getByTestId('nav-design')).toHaveAttribute('aria-current', 'page');

  await page.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('Alt+z');
  await expect(page.getByTestId('yaml-editor')).toHaveAttribute('data-word-wrap', 'on');
  await page.keyboard.press('Alt+z');
  await expect(page.getByTestId('yaml-editor')).toHaveAttribute('data-word-wrap', 'off');

  // The split is dragged and remembered across a reload.
  const splitter = page.getByRole('separator', { name: 'Resize YAML editor' });
  const sb = (await splitter.boundingBox())!;
  await page.mouse.move(sb.x + 2, sb.y + sb.height / 2);
  await page.mouse.down();
  await page.mouse.move(sb.x - 120, sb.y + sb.height / 2, { steps: 5 });
  await page.mouse.up();
  const widened = (await box(page, 'yaml-editor')).width;
  expect(widened).toBeGreaterThan(editorBox.width + 80);
  await page.reload();
  await page.getByTestId('template-blank').click();
  await expect(page.getByTestId('yaml-editor')).toBeVisible();
  await expect.poll(async () => Math.abs((await box(page, 'yaml-editor')).width - widened)).toBeLessThan(4);

  // Narrower: stacked.
  await page.setViewportSize({ width: 1440, height: 900 });
  await expect(page.getByTestId('designer-center')).toHaveClass(/\bstacked\b/);
  expect((await box(page, 'yaml-editor')).y).toBeGreaterThan((await box(page, 'canvas')).y + 100);
});

test('Save as suggests the workflow name in the file\'s folder', async ({ page }) => {
  await openBlank(page);
  const dir = path.join(dataDir(), 'project');
  const first = path.join(dir, 'first.yaml');
  await page.keyboard.press('Control+Shift+s');
  await page.getByTestId('path-input').fill(first);
  await page.getByTestId('path-dialog-submit').click();
  await expect.poll(() => existsSync(first)).toBe(true);
  await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
  await page.keyboard.press('Control+Shift+s');
  await expect(page.getByTestId('path-input')).toHaveValue(path.join(dir, 'untitled_workflow.yaml'));
});

test('edges route around a card that stands between their ends', async ({ page }) => {
  await openBlank(page);
  await setText(page, `workflow:
  name: detour
  steps:
    - name: a
      type: claude
      prompt:
        - type: static
          content: "Start"
    - name: b
      type: set_variable
      variables:
        x: 1
    - name: c
      type: claude
      prompt:
        - type: previous_response
          step: a
`);
  // a, b and c in one row: the straight way from a to c crosses b.
  await page.evaluate(() => {
    const doc = (window as any).__studio.doc;
    doc.getState().setPositions({ a: { x: 0, y: 0 }, b: { x: 340, y: 0 }, c: { x: 680, y: 0 } }, 'row');
  });
  await page.getByRole('navigation', { name: 'Main toolbar' }).getByRole('button', { name: 'Fit view' }).click();
  const edge = page.locator('.react-flow__edge[data-id="previous_response:a->c"] path.react-flow__edge-path');
  await expect(edge).toHaveCount(1);
  await expect.poll(async () => {
    const b = await box(page, 'node-b');
    const points: { x: number; y: number }[] = await edge.evaluate((el: SVGPathElement) => {
      const m = el.getScreenCTM()!;
      const len = el.getTotalLength();
      return Array.from({ length: 60 }, (_, i) => {
        const p = el.getPointAtLength((len * i) / 59);
        return { x: m.a * p.x + m.c * p.y + m.e, y: m.b * p.x + m.d * p.y + m.f };
      });
    });
    return points.filter((p) => p.x > b.x && p.x < b.x + b.width && p.y > b.y && p.y < b.y + b.height).length;
  }).toBe(0);
  await shot(page, '20-edge-routed-around-card');
});

test('designer screenshots: 1920x1080, 1440x900 and 1024x768, dark and light', async ({ page }) => {
  await openBlank(page, NESTED_YAML);
  await page.getByRole('button', { name: 'Auto-layout' }).click();
  for (const [w, h] of [[1920, 1080], [1440, 900], [1024, 768]]) {
    await page.setViewportSize({ width: w, height: h });
    for (const theme of ['dark', 'light']) {
      if ((await page.evaluate(() => document.documentElement.dataset.theme)) !== theme) await page.getByTestId('theme-toggle').click();
      await page.getByRole('navigation', { name: 'Main toolbar' }).getByRole('button', { name: 'Fit view' }).click();
      await page.getByTestId('node-polish').click({ position: { x: 40, y: 12 } });
      await page.waitForTimeout(500);
      await shot(page, `designer-${w}x${h}-${theme}`);
      expect(await axeSerious(page)).toEqual([]);
    }
  }
});

test('greyed palette commands and the Experiments empty state: screenshots at 1440x900 and 1024x768, dark and light', async ({ page }) => {
  await openBlank(page);
  const sigs = await page.evaluate(() => (window as any).__studio.api.call('data.signatures', {}));
  test.skip(sigs.signatures.length > 0, 'this server already has a dataset: the no-dataset state cannot show');
  for (const [w, h] of [[1440, 900], [1024, 768]]) {
    await page.setViewportSize({ width: w, height: h });
    for (const theme of ['dark', 'light']) {
      if ((await page.evaluate(() => document.documentElement.dataset.theme)) !== theme) await page.getByTestId('theme-toggle').click();
      await page.getByTestId('nav-design').click();
      await page.keyboard.press('Control+Shift+P');
      await page.keyboard.type('edit');
      await expect(page.getByRole('option', { name: /Redo/ })).toContainText('Nothing to redo');
      await shot(page, `palette-greyed-${w}x${h}-${theme}`);
      expect(await axeSerious(page)).toEqual([]);
      await page.keyboard.press('Escape');
      await page.getByTestId('nav-experiments').click();
      await expect(page.getByTestId('empty-go-data')).toBeVisible();
      await expect(page.getByTestId('new-experiment')).toBeDisabled();
      await shot(page, `experiments-no-dataset-${w}x${h}-${theme}`);
      expect(await axeSerious(page)).toEqual([]);
    }
  }
});

test('"Add" in the signature editor focuses the new field\'s name, ready to type over', async ({ page }) => {
  await page.goto(`/?token=${TOKEN}`);
  await page.getByTestId('template-dspy_qa').click();
  await expect(page.getByTestId('node-answer')).toBeVisible();
  await page.getByTestId('node-answer').click({ position: { x: 40, y: 12 } });
  await page.getByRole('button', { name: 'Add input field' }).click();
  const focused = page.locator(':focus');
  await expect(focused).toHaveAttribute('aria-label', 'input field name');
  await page.keyboard.type('context');
  await page.keyboard.press('Enter');
  await expect.poll(() => unquoted(page)).toMatch(/- name: context\n\s+type: string/);
});

test('an invalid file opened from disk opens at the line of the mistake', async ({ page }) => {
  const file = path.join(dataDir(), 'broken', 'typo.yaml');
  mkdirSync(path.dirname(file), { recursive: true });
  const lines = ['workflow:', '  name: typo', '  steps:', ...Array.from({ length: 30 }, (_, i) => [`    - name: s${i}`, '      type: claude', '      prompt:', '        - type: static', `          content: "Step ${i}"`]).flat()];
  const bad = lines.indexOf('    - name: s25') + 3; // the `prompt:` line of s25, 1-based
  lines[bad - 1] = '      prompt';
  writeFileSync(file, `${lines.join('\n')}\n`);
  await page.goto(`/?token=${TOKEN}&file=${encodeURIComponent(file)}`);
  await expect(page.getByTestId('parse-error-banner')).toContainText(`line ${bad}: this line has no colon after its key`);
  await expect(page.getByTestId('parse-error-banner')).toContainText('the graph appears once the YAML parses');
  await expect(page.locator('.monaco-editor .line-numbers.active-line-number')).toHaveText(String(bad));
});

test('refuses requests without the token', async ({ request }) => {
  const res = await request.get('/');
  expect(res.status()).toBe(401);
});
