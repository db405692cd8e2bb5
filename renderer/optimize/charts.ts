/** The Optimize screen's charts: trial scores of a run, and every run's score against what it cost. */
import { OPTIMIZER_STRATEGIES, OPTIMIZERS } from '../../shared/dspy/optimizers';
import type { ScatterSeriesOption } from 'echarts/charts';
import type { ProgramVersion } from '../../shared/api/index';

type Strategy = ProgramVersion['strategy'];
import { formatPercent } from '../../shared/format/percent';
import { baseOption, valueAxis, zoomFor, type ChartColors, type ChartOption } from '../tuning/chart-options';
import { fmtUsd } from '../tuning/format';

const pct = (v: number) => formatPercent(v);

/** One marker shape per strategy, so strategies differ without relying on color. */
export const STRATEGY_SYMBOL: Record<Strategy, string> = Object.fromEntries(
  OPTIMIZER_STRATEGIES.map((s, i) => [s, ['circle', 'rect', 'triangle', 'diamond', 'pin', 'roundRect', 'arrow'][i % 7]]),
) as Record<Strategy, string>;

/** Trial score and best-so-far of one run, by trial number. */
export function trialChartOption(history: readonly { trial: number; score: number; best: number }[], c: ChartColors): ChartOption {
  const base = baseOption(c);
  return {
    ...base,
    legend: { ...base.legend, data: ['trial score', 'best so far'] },
    tooltip: { ...base.tooltip, trigger: 'axis', valueFormatter: (v) => pct(Number(v)) },
    xAxis: { ...valueAxis(c, 'trial', String), minInterval: 1 },
    yAxis: { ...valueAxis(c, 'score (%)', pct, { min: 0, max: 1 }), nameGap: 44 },
    dataZoom: zoomFor(history.length),
    series: [
      { name: 'trial score', type: 'line', symbol: 'circle', symbolSize: 6, data: history.map((h) => [h.trial, h.score]), lineStyle: { width: 1.3 }, color: c.muted },
      { name: 'best so far', type: 'line', step: 'end', symbol: 'none', data: history.map((h) => [h.trial, h.best]), lineStyle: { width: 2.2 }, color: c.palette[5] },
    ],
  };
}

/** What a run cost on the x axis: measured dollars when any run cost money, else measured LM calls. */
export function runsAxis(versions: readonly ProgramVersion[]): { usd: boolean; name: string; x: (v: ProgramVersion) => number } {
  const usd = versions.some((v) => (v.costUsd ?? 0) > 0);
  return usd
    ? { usd, name: 'optimization cost (USD, measured)', x: (v) => v.costUsd ?? 0 }
    : { usd, name: 'optimization LM calls (measured; the runs cost $0)', x: (v) => v.lmCalls ?? 0 };
}

/** Every run: dev score against measured cost, one marker shape per strategy, the promoted run ringed. */
export function runsChartOption(versions: readonly ProgramVersion[], c: ChartColors): ChartOption {
  const base = baseOption(c);
  const axis = runsAxis(versions);
  const strategies = OPTIMIZER_STRATEGIES.filter((s) => versions.some((v) => v.strategy === s));
  const promoted = versions.filter((v) => v.status === 'promoted');
  const tip = (v: ProgramVersion) =>
    [
      `<b>${OPTIMIZERS[v.strategy].label}</b>${v.status === 'promoted' ? ' · promoted' : ''}`,
      `score ${pct(v.optimizedScore)} on ${v.scoredOn} (baseline ${pct(v.baselineScore)})`,
      `cost ${fmtUsd(v.costUsd)} · ${v.lmCalls ?? '—'} LM calls`,
      new Date(v.createdAt).toLocaleString(),
    ].join('<br/>');
  const point = (v: ProgramVersion) => ({ value: [axis.x(v), v.optimizedScore], id: v.id, tip: tip(v) });
  return {
    ...base,
    legend: { ...base.legend, data: [...strategies.map((s) => OPTIMIZERS[s].label), ...(promoted.length ? ['promoted'] : [])] },
    tooltip: { ...base.tooltip, trigger: 'item', formatter: (p) => String(((p as { data?: { tip?: string } }).data ?? {}).tip ?? '') },
    xAxis: valueAxis(c, axis.name, (x) => (axis.usd ? `$${x}` : String(x)), { min: 0 }),
    yAxis: { ...valueAxis(c, 'optimized score (%)', pct, { min: 0, max: 1 }), nameGap: 44 },
    dataZoom: zoomFor(versions.length),
    series: [
      ...strategies.map(
        (s): ScatterSeriesOption => ({
          name: OPTIMIZERS[s].label,
          type: 'scatter',
          symbol: STRATEGY_SYMBOL[s],
          symbolSize: 11,
          data: versions.filter((v) => v.strategy === s).map(point),
        }),
      ),
      ...(promoted.length
        ? [{ name: 'promoted', type: 'scatter', symbol: 'emptyCircle', symbolSize: 24, z: 1, itemStyle: { borderWidth: 2, color: c.palette[5], borderColor: c.palette[5] }, data: promoted.map(point) } satisfies ScatterSeriesOption]
        : []),
    ],
  };
}

/** Why the trial chart is still empty (null once a trial has finished): a run plots nothing before its first trial. */
export function trialWait(status: string, trials: number): string | null {
  if (trials > 0) return null;
  return status === 'queued'
    ? 'The run is queued and has not started yet: each trial’s score is plotted here as it completes.'
    : 'The run has started: each trial’s score is plotted here as it completes.';
}
