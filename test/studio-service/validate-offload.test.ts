import { describe, expect, it } from 'vitest';
import { validateText } from '../../electron/core/studio-service/validate';

function workflow(steps: number): string {
  const lines = Array.from({ length: steps }, (_, i) => `    - {name: s${i}, type: claude, prompt: [{type: static, content: "{{steps.s${i + 1}.result}}"}]}`);
  return `workflow:\n  name: big\n  steps:\n${lines.join('\n')}\n  junk: 1\n`;
}

describe('workflow.validate on big documents', () => {
  it('runs on a worker thread with the same result as in-process', async () => {
    const text = workflow(3000);
    const inProcess = await validateText(text, undefined, Infinity);
    expect(inProcess.diagnostics.length).toBeGreaterThan(3000);
    expect(await validateText(text, undefined, 1000)).toEqual(inProcess);
  });

  it('leaves the event loop free while it runs', async () => {
    const order: string[] = [];
    const timer = new Promise<void>((resolve) => setTimeout(() => {
      order.push('timer');
      resolve();
    }, 20));
    const validation = validateText(workflow(20_000), undefined, 1000).then(() => order.push('validation'));
    await Promise.all([timer, validation]);
    expect(order).toEqual(['timer', 'validation']);
  }, 120_000);
});
