/**
 * Designer benchmark (Chromium through Playwright, browser mode):
 *  - open_300_steps_ms: from navigation to the canvas showing a generated 300-step workflow (target < 2000)
 *  - text_to_canvas_sync_ms: a text edit (as the YAML editor reports it) until the canvas shows it, median of 7 (target < 200)
 * Prints one JSON object on the last stdout line.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { createStudioService } from '../electron/core/studio-service/service';
import { startServer } from '../electron/server/server';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const root = path.resolve(import.meta.dirname, '..');

function generate(n: number): string {
  const lines = ['# Generated benchmark workflow', 'workflow:', '  name: "bench_300"', '  steps:'];
  for (let i = 0; i < n; i++) {
    if (i % 3 === 0) {
      lines.push(
        `    - name: "step_${i}"`,
        '      type: "dspy_claude"',
        '      dspy_signature:',
        '        input_fields:',
        '          - name: "text"',
        '            type: "string"',
        '        output_fields:',
        '          - name: "summary"',
        '            type: "string"',
        '      prompt:',
        '        - type: "static"',
        `          content: "Summarize part ${i}"`,
      );
    } else {
      lines.push(`    - name: "step_${i}"`, `      type: "${i % 3 === 1 ? 'claude' : 'gemini'}"`, '      prompt:', '        - type: "static"', `          content: "Work on item ${i}"`);
    }
    if (i > 0) lines.push('        - type: "previous_response"', `          step: "step_${i - 1}"`);
  }
  return `${lines.join('\n')}\n`;
}

async function main() {
  if (!existsSync(CHROMIUM)) {
    console.error(`designer bench skipped: no Chromium at ${CHROMIUM}`);
    console.log(JSON.stringify({ skipped: `no Chromium at ${CHROMIUM}` }));
    return;
  }
  const staticDir = path.join(root, 'dist/renderer');
  if (!existsSync(path.join(staticDir, 'index.html'))) {
    const r = spawnSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error('vite build failed');
  }
  const work = mkdtempSync(path.join(os.tmpdir(), 'ps-bench-'));
  const file = path.join(work, 'bench_300.yaml');
  const text = generate(300);
  writeFileSync(file, text);
  const server = await startServer({ router: createStudioService({ dataDir: path.join(work, 'data'), mode: 'browser' }), staticDir });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  try {
    // The harness evaluates strings in the page; the app's CSP (no eval) would refuse them.
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, bypassCSP: true });
    // Warm-up load (caches the bundle the way a second launch would not need to re-download it over loopback).
    await page.goto(server.url);
    await page.waitForSelector('[data-testid="welcome"]');
    const t0 = Date.now();
    await page.goto(`${server.url}&file=${encodeURIComponent(file)}`);
    await page.waitForFunction(
      `(() => { const s = window.__studio && window.__studio.doc.getState();
        return !!s && !!s.view && s.view.steps.length === 300 && Object.keys(s.positions).length === 300 && document.querySelectorAll('.react-flow__node').length > 0; })()`,
      undefined,
      { timeout: 60_000, polling: 'raf' },
    );
    const openMs = Date.now() - t0;
    const nodesInDom = await page.evaluate(() => document.querySelectorAll('.react-flow__node').length);

    const samples: number[] = [];
    for (let k = 0; k < 7; k++) {
      // A string, not a function: tsx would inject its __name helper into a serialized function.
      const ms = (await page.evaluate(`(async () => {
        const k = ${k};
        const doc = window.__studio.doc;
        const cur = doc.getState().text;
        const from = k === 0 ? 'step_0' : 'step_0_r' + (k - 1);
        const to = 'step_0_r' + k;
        const next = cur.replace('name: "' + from + '"', 'name: "' + to + '"');
        const t = performance.now();
        doc.getState().setTextFromEditor(next);
        return await new Promise((resolve) => {
          const check = () => (document.querySelector('[data-testid="node-' + to + '"]') ? resolve(performance.now() - t) : requestAnimationFrame(check));
          requestAnimationFrame(check);
        });
      })()`)) as number;
      samples.push(ms);
    }
    samples.sort((a, b) => a - b);
    const syncMs = Math.round(samples[Math.floor(samples.length / 2)]);
    const result = {
      steps: 300,
      open_300_steps_ms: openMs,
      open_target_ms: 2000,
      open_ok: openMs < 2000,
      text_to_canvas_sync_ms: syncMs,
      sync_samples_ms: samples.map((x) => Math.round(x)),
      sync_target_ms: 200,
      sync_ok: syncMs < 200,
      nodes_in_dom: nodesInDom,
      browser: 'chromium (browser mode, Playwright)',
    };
    console.log(JSON.stringify(result));
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
