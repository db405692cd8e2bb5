import { expect, test } from '@playwright/test';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { axeSerious, editorText, shot, skipWithoutChromium, TOKEN } from './helpers';

test.beforeEach(() => skipWithoutChromium());

const dataDir = () => process.env.E2E_DATA_DIR!;

test('welcome, sample project, canvas and YAML in sync', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`/?token=${TOKEN}`);
  await expect(page.getByTestId('welcome')).toBeVisible();
  await expect(page.getByTestId('template-dspy_code_analysis')).toBeVisible();
  await shot(page, '01-welcome-dark');
  expect(await axeSerious(page)).toEqual([]);

  await page.getByTestId('open-sample').click();
  await expect(page.getByTestId('node-analyze_security')).toBeVisible();
  await expect(page.getByTestId('node-generate_report')).toBeVisible();
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

test('refuses requests without the token', async ({ request }) => {
  const res = await request.get('/');
  expect(res.status()).toBe(401);
});
