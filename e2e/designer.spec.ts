import { expect, test } from '@playwright/test';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { axeSerious, editorText, shot, skipWithoutChromium, TOKEN, dataDirOf } from './helpers';

test.beforeEach(() => skipWithoutChromium());

const dataDir = () => dataDirOf(test.info());

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
  await page.goto(`/?token=${TOKEN}`);
  await page.getByTestId('template-blank').click();
  await expect(page.getByTestId('node-first_step')).toBeVisible();

  // Drag a dspy_claude from the palette onto the canvas.
  const canvas = page.getByTestId('canvas');
  const box = (await canvas.boundingBox())!;
  await page.getByTestId('palette-dspy_claude').dragTo(canvas, { targetPosition: { x: box.width * 0.35, y: box.height * 0.7 } });
  await expect(page.getByTestId('node-claude_step')).toBeVisible();
  expect(await editorText(page)).toContain('type: dspy_claude');

  // Add a dspy_chain and connect the dspy_claude node to it.
  await page.getByTestId('palette-dspy_chain').dragTo(canvas, { targetPosition: { x: box.width * 0.75, y: box.height * 0.7 } });
  await expect(page.getByTestId('node-chain_step')).toBeVisible();
  const from = page.locator('[data-testid="node-claude_step"] .react-flow__handle[data-handleid="flow-out"]');
  const to = page.locator('[data-testid="node-chain_step"] .react-flow__handle[data-handleid="flow-in"]');
  await from.dragTo(to);
  await expect.poll(() => editorText(page)).toMatch(/name: chain_step[\s\S]*previous_response[\s\S]*step: claude_step/);
  await expect(page.locator('.react-flow__edge.previous_response')).toHaveCount(1);

  // Edit the signature in the inspector.
  await page.getByTestId('node-claude_step').click();
  await expect(page.getByTestId('signature-editor')).toBeVisible();
  const nameInput = page.getByTestId('sig-output-answer').getByLabel('output field name');
  await nameInput.fill('verdict');
  await nameInput.press('Enter');
  await expect.poll(() => editorText(page)).toContain('name: verdict');
  await page.getByTestId('sig-output-verdict').getByLabel('output field type').selectOption('object');
  await expect.poll(() => editorText(page)).toMatch(/name: verdict\s+type: object/);
  await shot(page, '03-inspector-signature');
  expect(await axeSerious(page)).toEqual([]);

  // Undo and redo (focus on the canvas, not an input).
  await page.locator('.react-flow__pane').click({ position: { x: 30, y: 30 } });
  await page.keyboard.press('Control+z');
  await expect.poll(() => editorText(page)).not.toMatch(/name: verdict\s+type: object/);
  await page.keyboard.press('Control+Shift+z');
  await expect.poll(() => editorText(page)).toMatch(/name: verdict\s+type: object/);
  await page.keyboard.press('Control+z');
  await page.keyboard.press('Control+y');
  await expect.poll(() => editorText(page)).toMatch(/name: verdict\s+type: object/);

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
  // Rename a step by typing in the text.
  const lineIndex = before.split('\n').findIndex((l) => l.includes('name: "first_step"') || l.includes('name: first_step'));
  expect(lineIndex).toBeGreaterThan(-1);
  await page.keyboard.press('Control+Home');
  for (let i = 0; i < lineIndex + 1; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End');
  await page.keyboard.press('ArrowLeft'); // before the closing quote
  await page.keyboard.type('_renamed');
  await expect(page.getByTestId('node-first_step_renamed')).toBeVisible();
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
  const node = page.getByTestId('node-chain_step');
  const nb = (await node.boundingBox())!;
  await page.mouse.move(nb.x + 60, nb.y + 15);
  await page.mouse.down();
  await page.mouse.move(nb.x + 60, nb.y + 140, { steps: 8 });
  await page.mouse.up();
  expect(await editorText(page)).toBe(textBeforeMove);
  const moved = await page.evaluate(() => (window as any).__studio.doc.getState().positions.chain_step);

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
  expect(expected).toContain('- type: previous_response\n          step: claude_step');
  const sidecar = JSON.parse(readFileSync(target.replace(/\.yaml$/, '.layout.json'), 'utf8'));
  expect(sidecar.nodes.chain_step).toEqual(moved);

  // Reload: the layout is kept.
  await page.reload();
  await expect(page.getByTestId('node-chain_step')).toBeVisible();
  const after = await page.evaluate(() => (window as any).__studio.doc.getState().positions.chain_step);
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
  await page.goto(`/?token=${TOKEN}`);
  await page.getByTestId('template-blank').click();
  await expect(page.getByTestId('node-first_step')).toBeVisible();
  await setText(page, NESTED_YAML);
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
  await page.goto(`/?token=${TOKEN}`);
  await page.getByTestId('template-blank').click();
  await expect(page.getByTestId('node-first_step')).toBeVisible();
  const canvas = page.getByTestId('canvas');
  const box = (await canvas.boundingBox())!;
  await page.getByTestId('palette-dspy_claude').dragTo(canvas, { targetPosition: { x: box.width * 0.25, y: box.height * 0.75 } });
  await page.getByTestId('palette-dspy_chain').dragTo(canvas, { targetPosition: { x: box.width * 0.85, y: box.height * 0.75 } });
  await expect(page.getByTestId('node-chain_step')).toBeVisible();
  // The chain reads `answer`, which claude_step produces: the implied (typed) chain edge.
  await expect(page.locator('.react-flow__edge.chain')).toHaveCount(1);

  // Draw a previous_response edge too: two references between the same steps, each labelled.
  await page.locator('[data-testid="node-claude_step"] .react-flow__handle[data-handleid="flow-out"]').dragTo(page.locator('[data-testid="node-chain_step"] .react-flow__handle[data-handleid="flow-in"]'));
  await expect.poll(() => editorText(page)).toMatch(/name: chain_step[\s\S]*previous_response[\s\S]*step: claude_step/);
  await expect(page.locator('.react-flow__edge')).toHaveCount(2);
  await expect(page.locator('.react-flow__edge.previous_response .react-flow__edge-text')).toHaveText('previous_response');
  await expect(page.locator('.react-flow__edge.chain .react-flow__edge-text')).toHaveText('chain: answer');

  // Rename the output: the chain link is implied (untyped) and would overlap the drawn edge; they merge into one.
  await page.getByTestId('node-claude_step').click();
  const nameInput = page.getByTestId('sig-output-answer').getByLabel('output field name');
  await nameInput.fill('verdict');
  await nameInput.press('Enter');
  await expect.poll(() => editorText(page)).toContain('name: verdict');
  await expect(page.locator('.react-flow__edge')).toHaveCount(1);
  await expect(page.locator('.react-flow__edge.merged .react-flow__edge-text')).toHaveText('previous_response + chain');
  await shot(page, '15-merged-edge');

  // Typed output -> the chain's typed input: a chain link at the head of the chain.
  await page.locator('[data-testid="node-claude_step"] .react-flow__handle[data-handleid="out:verdict"]').dragTo(page.locator('[data-testid="node-chain_step"] .react-flow__handle[data-handleid="in:answer"]'));
  await expect.poll(() => editorText(page)).toMatch(/chain_steps:\n {10}- signature: verdict_to_answer\n {10}- signature: answer_to_summary\n {10}- signature: summary_to_report\n/);
  await expect(page.locator('.react-flow__edge.chain[data-id="chain:claude_step->chain_step:verdict:verdict"]')).toHaveCount(1);
  await expect(page.locator('.react-flow__edge')).toHaveCount(2);
  await shot(page, '16-typed-chain-link');

  // Inspector list forms on the chain step: prompt parts, chain links, condition.
  await page.getByTestId('node-chain_step').click({ position: { x: 60, y: 10 } });
  const prompt = page.getByTestId('prompt-editor');
  await prompt.getByRole('button', { name: 'Add part' }).click();
  await expect.poll(() => editorText(page)).toMatch(/step: claude_step\n {8}- type: static\n {10}content: ""/);
  await prompt.getByLabel('content').fill('Write the report.');
  await prompt.getByLabel('content').blur();
  await expect.poll(() => editorText(page)).toContain('content: Write the report.');
  await prompt.getByRole('button', { name: 'Move prompt part 2 up' }).click();
  await expect.poll(() => editorText(page)).toMatch(/prompt:\n {8}- type: static\n {10}content: Write the report.\n {8}- type: previous_response\n {10}step: claude_step/);
  await page.getByTestId('chain-editor').getByRole('button', { name: 'Move chain link 1 down' }).click();
  await expect.poll(() => editorText(page)).toMatch(/- signature: answer_to_summary\n {10}- signature: verdict_to_answer/);
  const cond = page.getByTestId('condition-editor');
  await cond.getByLabel('Run this step').selectOption('all');
  await cond.getByLabel('condition expression 1', { exact: true }).fill('claude_step.success');
  await cond.getByLabel('condition expression 1', { exact: true }).press('Enter');
  await cond.getByRole('button', { name: 'Add expression' }).click();
  await cond.getByLabel('condition expression 2', { exact: true }).fill('claude_step.verdict != null');
  await cond.getByLabel('condition expression 2', { exact: true }).press('Enter');
  await expect.poll(() => editorText(page)).toMatch(/condition:\n {8}- claude_step.success\n {8}- claude_step.verdict != null/);

  // dspy_config edits splice one line: a comment inside the block survives.
  const withComment = (await editorText(page)).replace(/(name: chain_step\n {6}type: dspy_chain\n {6}dspy_config:\n)/, '$1        # tuned by hand, keep\n');
  expect(withComment).toContain('# tuned by hand, keep');
  await setText(page, withComment);
  await page.getByTestId('dspy-config').getByLabel('cache_enabled').check();
  await expect.poll(() => editorText(page)).toContain('cache_enabled: true');
  await page.getByTestId('dspy-config').getByLabel('max_wait_time').fill('250');
  await page.getByTestId('dspy-config').getByLabel('max_wait_time').press('Enter');
  await expect.poll(() => editorText(page)).toContain('max_wait_time: 250');
  const after = await editorText(page);
  expect(after).toContain('        # tuned by hand, keep\n');
  const changed = after.split('\n').filter((l) => !withComment.split('\n').includes(l));
  expect(changed).toEqual(['        cache_enabled: true', '        max_wait_time: 250']);
  await page.getByTestId('prompt-editor').scrollIntoViewIfNeeded();
  await shot(page, '17-inspector-lists');
  expect(await axeSerious(page)).toEqual([]);
  // Remove the static part again.
  await prompt.getByRole('button', { name: 'Remove prompt part 1' }).click();
  await expect.poll(() => editorText(page)).not.toContain('Write the report.');
});

test('refuses requests without the token', async ({ request }) => {
  const res = await request.get('/');
  expect(res.status()).toBe(401);
});
