import { describe, expect, it } from 'vitest';
import type { ProgramVersion } from '../../shared/api/index';
import { OPTIMIZER_STRATEGIES } from '../../shared/dspy/optimizers';
import { runsChartOption, STRATEGY_SYMBOL, trialChartOption, trialWait } from '../../renderer/optimize/charts';
import { ZOOM_FROM, type ChartColors } from '../../renderer/tuning/chart-options';

const colors: ChartColors = { text: '#000', muted: '#555', border: '#ddd', panel: '#fff', font: 'sans-serif', palette: ['#1', '#2', '#3', '#4', '#5', '#6', '#7'] };

function version(over: Partial<ProgramVersion>): ProgramVersion {
  return {
    id: 'v', task: 't', signatureHash: 'h', shape: 'predict', jobId: null, strategy: 'bootstrap_few_shot', model: 'm', datasetVersion: null, baselineScore: 0.4, optimizedScore: 0.7,
    status: 'candidate', createdAt: '2026-01-01T00:00:00Z', promotedAt: null, promotedBy: null, scoredOn: 'dev', devSize: 10, reason: '', stale: false, lmCalls: 120, costUsd: 0, ...over,
  };
}
type Series = { name: string; symbol?: string; data: { value: number[]; tip: string }[] };
const seriesOf = (o: ReturnType<typeof runsChartOption>) => o.series as unknown as Series[];

describe('optimize charts', () => {
  it('say what the trial chart waits for until the first trial, then step aside', () => {
    expect(trialWait('queued', 0)).toMatch(/queued and has not started/);
    expect(trialWait('running', 0)).toMatch(/has started/);
    expect(trialWait('running', 1)).toBeNull();
  });

  it('draw trial scores with units on the axes and zoom only on long series', () => {
    const short = trialChartOption([{ trial: 1, score: 0.5, best: 0.5 }], colors);
    expect(short.dataZoom).toEqual([]);
    expect((short.xAxis as { name: string }).name).toBe('trial');
    expect((short.yAxis as { name: string }).name).toBe('score (%)');
    const long = trialChartOption(Array.from({ length: ZOOM_FROM + 1 }, (_, i) => ({ trial: i + 1, score: 0.5, best: 0.6 })), colors);
    expect(long.dataZoom).toHaveLength(2);
  });

  it('give every strategy its own marker shape', () => {
    expect(new Set(OPTIMIZER_STRATEGIES.map((s) => STRATEGY_SYMBOL[s])).size).toBe(OPTIMIZER_STRATEGIES.length);
  });

  it('plot every run at its measured cost, by strategy, with the promoted run marked and a tooltip per point', () => {
    const runs = [
      version({ id: 'a', strategy: 'bootstrap_few_shot', costUsd: 0.02, optimizedScore: 0.8, status: 'promoted' }),
      version({ id: 'b', strategy: 'gepa', costUsd: 0.5, optimizedScore: 0.75 }),
      version({ id: 'c', strategy: 'gepa', costUsd: 0.7, optimizedScore: 0.9 }),
    ];
    const o = runsChartOption(runs, colors);
    expect((o.xAxis as { name: string }).name).toBe('optimization cost (USD, measured)');
    const series = seriesOf(o);
    expect(series.map((s) => s.name)).toEqual(['BootstrapFewShot', 'GEPA', 'promoted']);
    expect(series[1].data.map((d) => d.value)).toEqual([[0.5, 0.75], [0.7, 0.9]]);
    expect(series[2].data.map((d) => d.value)).toEqual([[0.02, 0.8]]);
    expect(series[1].data[0].tip).toContain('score 75% on dev (baseline 40%)');
    expect(series[0].data[0].tip).toContain('promoted');
    expect(series[1].data[0].tip).toContain('cost $0.50 · 120 LM calls');
  });

  it('fall back to measured LM calls when no run cost money', () => {
    const o = runsChartOption([version({ costUsd: 0, lmCalls: 42 })], colors);
    expect((o.xAxis as { name: string }).name).toContain('LM calls');
    expect(seriesOf(o)[0].data[0].value).toEqual([42, 0.7]);
    expect(seriesOf(o).some((s) => s.name === 'promoted')).toBe(false);
  });
});
