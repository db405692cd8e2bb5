import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';

// Rendered once on the server side: effects (and so host calls) do not run.
vi.mock('../../renderer/api/client', () => ({ studio: { call: vi.fn(async () => { throw new Error('no host in unit tests'); }) } }));

let TrialChart: typeof import('../../renderer/optimize/TrialChart').TrialChart;
let ExperimentsScreen: typeof import('../../renderer/experiments/ExperimentsScreen').ExperimentsScreen;

beforeAll(async () => {
  const store = () => {
    const m = new Map<string, string>();
    return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k) };
  };
  Object.assign(globalThis, { localStorage: store(), sessionStorage: store() });
  ({ TrialChart } = await import('../../renderer/optimize/TrialChart'));
  ({ ExperimentsScreen } = await import('../../renderer/experiments/ExperimentsScreen'));
});

describe('empty states of the tuning screens', () => {
  it('the trial chart of a queued run waits for its first trial instead of drawing empty axes', () => {
    const queued = renderToStaticMarkup(createElement(TrialChart, { status: 'queued', history: [] }));
    expect(queued).toContain('Waiting for the first trial');
    expect(queued).toContain('queued');
    expect(queued).not.toContain('data-testid="trial-chart"');
    const drawn = renderToStaticMarkup(createElement(TrialChart, { status: 'running', history: [{ trial: 1, score: 0.5, best: 0.5 }] }));
    expect(drawn).toContain('data-testid="trial-chart"');
    expect(drawn).not.toContain('Waiting for the first trial');
  });

  it('Experiments without a chosen dataset shows the same empty state as the other tuning screens', () => {
    const html = renderToStaticMarkup(createElement(ExperimentsScreen));
    expect(html).toContain('Choose a dataset');
    expect(html).toContain('data-testid="empty-go-data"');
    expect(html).toMatch(/<button[^>]*disabled=""[^>]*data-testid="new-experiment"/);
    expect(html).not.toContain('No experiment selected');
  });
});
