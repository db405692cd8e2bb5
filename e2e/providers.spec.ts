/** Settings: a server preset fills the endpoint, and the connection test shows models and speed, or the real cause. */
import { expect, test } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { axeSerious, shot, skipWithoutChromium, TOKEN } from './helpers';

test.beforeEach(() => skipWithoutChromium());

/** A one-model OpenAI-compatible server on 127.0.0.1, answering after 120 ms. */
let server: Server;
let base = '';
test.beforeAll(async () => {
  server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/v1/models') return res.end(JSON.stringify({ object: 'list', data: [{ id: 'smollm2-135m-instruct', object: 'model' }] }));
    req.resume();
    req.on('end', () =>
      setTimeout(() => res.end(JSON.stringify({ model: 'smollm2-135m-instruct', choices: [{ message: { role: 'assistant', content: 'ready' } }], usage: { prompt_tokens: 14, completion_tokens: 3 } })), 120),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
test.afterAll(() => new Promise<void>((r) => server.close(() => r())));

test('a preset fills the endpoint; the connection test reports models and speed, and a refused connection in words', async ({ page }) => {
  await page.goto(`/?token=${TOKEN}`);
  await page.getByTestId('nav-settings').click();
  const preset = page.getByTestId('provider-preset');
  await expect(preset.locator('option')).toHaveCount(6);
  await preset.selectOption('llamacpp');
  await expect(page.getByTestId('openai-base')).toHaveValue('http://127.0.0.1:8080/v1');
  await expect(page.locator('#oa-model')).toHaveValue('default');
  await expect(page.getByTestId('preset-hint')).toContainText('structured output llamacpp_json_schema · 1 parallel call · timeout 300 s');
  // The preset fills the request settings it knows; the rest keep their defaults.
  await expect(page.getByTestId('oa-structured')).toHaveValue('llamacpp_json_schema');
  await expect(page.getByTestId('oa-numThreads')).toHaveValue('1');
  await expect(page.getByTestId('oa-timeoutS')).toHaveValue('300');

  // Nothing listens on 8080 here: the test says so instead of hanging or blaming a key.
  await page.getByTestId('test-connection').click();
  await expect(page.getByTestId('connection-models-error')).toContainText('Connection refused');
  await expect(page.getByTestId('connection-models-error')).toContainText('http://127.0.0.1:8080/v1/models');
  await page.getByTestId('providers').scrollIntoViewIfNeeded();
  await shot(page, '50-settings-connection-refused');

  await page.getByTestId('openai-base').fill(base);
  await expect(preset).toHaveValue('');
  await page.locator('#oa-model').fill('');
  await page.getByTestId('test-connection').click();
  await expect(page.getByTestId('connection-result')).toContainText('connected');
  await expect(page.getByTestId('connection-models')).toContainText('smollm2-135m-instruct');
  await expect(page.getByTestId('connection-speed')).toContainText('14 in / 3 out');
  await expect(page.getByTestId('connection-speed')).toContainText(/Latency \d+ ms/);
  await expect(page.getByTestId('connection-speed')).toContainText(/Speed \d+\.\d tokens\/s/);
  await page.getByTestId('providers').scrollIntoViewIfNeeded();
  await shot(page, '51-settings-connection-test');
  expect(await axeSerious(page)).toEqual([]);

  // Saved, the endpoint runs with those settings: the status reports them after a reload.
  await page.locator('#oa-model').fill('smollm2-135m-instruct');
  await page.getByTestId('oa-numThreads').fill('2');
  await page.getByTestId('save-providers').click();
  await expect(page.locator('.toast')).toContainText('Providers saved');
  await page.reload();
  await page.getByTestId('nav-settings').click();
  await expect(page.getByTestId('oa-structured')).toHaveValue('llamacpp_json_schema');
  await expect(page.getByTestId('oa-numThreads')).toHaveValue('2');
  const status = await page.evaluate(() => (window as any).__studio.api.call('providers.status', {}));
  expect(status.openaiCompatible).toMatchObject({ apiBase: base, model: 'smollm2-135m-instruct', requests: { structuredOutput: 'llamacpp_json_schema', numThreads: 2, timeoutS: 300, maxRetries: 2 } });
});
