/** Trial scores of the run in progress against the best so far; until the first trial, what the run is waiting on. */
import { useCallback } from 'react';
import type { OptimizationJob } from '../../shared/api/index';
import type { ChartColors } from '../tuning/chart-options';
import { EChart } from '../tuning/chart';
import { trialChartOption, trialWait } from './charts';

export function TrialChart({ status, history }: { status: OptimizationJob['status']; history: { trial: number; score: number; best: number }[] }) {
  const build = useCallback((c: ChartColors) => trialChartOption(history, c), [history]);
  const wait = trialWait(status, history.length);
  if (wait)
    return (
      <div className="chart-waiting" role="status" data-testid="trial-chart-waiting">
        <h3>Waiting for the first trial</h3>
        <div className="muted small">{wait}</div>
      </div>
    );
  return <EChart build={build} label="Trial scores against the best so far" testId="trial-chart" height={200} />;
}
