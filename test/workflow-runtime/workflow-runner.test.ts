import { describe, expect, it } from 'vitest';
import type { TraditionalRequest } from '../../electron/core/providers/traditional-provider';
import { runWorkflow, type RunEvent } from '../../electron/core/workflow-runtime/workflow-runner';

const workflow = {
  name: 'review',
  global_vars: { lang: 'python' },
  steps: [
    { name: 'setup', type: 'set_variable', variables: { threshold: 5, label: '{{global_vars.lang}}' } },
    { name: 'analyze', type: 'claude', prompt: [{ type: 'static', content: 'Analyze {{inputs.code}} in {{state.label}}' }] },
    { name: 'score', type: 'gemini', prompt: [{ type: 'previous_response', step: 'analyze', extract: 'summary' }] },
    { name: 'only_if_high', type: 'claude', condition: 'score.value > 100', prompt: [{ type: 'static', content: 'never' }] },
    { name: 'loop', type: 'for_loop', iterator: 'x', data_source: 'previous_response:score', steps: [] },
  ],
};

function fakeProvider(seen: TraditionalRequest[]) {
  return async (req: TraditionalRequest) => {
    seen.push(req);
    const text = req.provider === 'claude' ? '{"summary": "two issues"}' : '{"value": 7}';
    return { text, model: req.model ?? 'm', inputTokens: 10, outputTokens: 5, latencyMs: 1 };
  };
}

describe('workflow runner', () => {
  it('runs set_variable, claude and gemini steps in order with templates, extract and conditions', async () => {
    const seen: TraditionalRequest[] = [];
    const events: RunEvent[] = [];
    const res = await runWorkflow(workflow, {
      baseDir: '.',
      inputs: { code: 'eval(x)' },
      providers: { claude: { apiKey: 'k1', apiBase: 'http://127.0.0.1:1' } },
      callProvider: fakeProvider(seen),
      onEvent: (e) => events.push(e),
    });
    expect(res.ok).toBe(true);
    expect(res.records.map((r) => [r.step, r.status])).toEqual([
      ['setup', 'ok'],
      ['analyze', 'ok'],
      ['score', 'ok'],
      ['only_if_high', 'skipped'],
      ['loop', 'unsupported'],
    ]);
    expect(seen[0]).toMatchObject({ provider: 'claude', prompt: 'Analyze eval(x) in python', apiKey: 'k1' });
    expect(seen[1]).toMatchObject({ provider: 'gemini', prompt: 'two issues' });
    expect(res.records[4].reason).toMatch(/run by pipeline_ex/);
    expect(res.scope.state).toEqual({ threshold: 5, label: 'python' });
    expect(events[0]).toEqual({ type: 'run_started', workflow: 'review', steps: 5 });
    expect(events.at(-1)).toMatchObject({ type: 'run_finished', ok: true });
  });

  it('in mock mode calls no real provider', async () => {
    const seen: TraditionalRequest[] = [];
    const res = await runWorkflow(workflow, { baseDir: '.', mock: true, callProvider: fakeProvider(seen) });
    expect(seen.every((r) => r.provider === 'mock')).toBe(true);
    expect(res.records[1].mode).toBe('mock');
  });

  it('stops at a failed step and reports the error', async () => {
    const res = await runWorkflow(workflow, {
      baseDir: '.',
      callProvider: async () => {
        throw new Error('claude answered HTTP 529');
      },
    });
    expect(res.ok).toBe(false);
    expect(res.records.map((r) => r.status)).toEqual(['ok', 'failed']);
    expect(res.records[1].error).toBe('claude answered HTTP 529');
  });

  it('fails a DSPy step clearly when no DSPy executor is loaded', async () => {
    const res = await runWorkflow({ name: 'd', steps: [{ name: 'a', type: 'dspy_claude' }] }, { baseDir: '.' });
    expect(res.records[0]).toMatchObject({ status: 'failed', error: expect.stringMatching(/DSPy plugin/) });
  });
});
