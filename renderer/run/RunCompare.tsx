/** Two runs of the workflow side by side, step by step: status, mode, outputs, latency, tokens, cost. */
import { compareTraces, traceTotals, type RunTrace, type TraceStep } from '../../shared/run/trace';
import { formatMs, STATUS_LABEL } from './RunStatus';
import { useRun } from './run-store';

function Cell({ step }: { step?: TraceStep }) {
  if (!step) return <td className="muted">not in this run</td>;
  return (
    <td>
      <div className="rt-cmp-head">
        <span className={`rt-status ${step.status}`}>{STATUS_LABEL[step.status]}</span>
        {step.mode && <span className="chip">{step.mode}</span>}
        <span className="mono muted">{formatMs(step.latencyMs)}</span>
        {step.tokens && (
          <span className="mono muted">
            {step.tokens.input} / {step.tokens.output} tok
          </span>
        )}
      </div>
      {step.error ? <div className="rt-error">{step.error}</div> : step.outputs !== undefined && <pre className="rt-pre" tabIndex={0}>{typeof step.outputs === 'string' ? step.outputs : JSON.stringify(step.outputs, null, 2)}</pre>}
    </td>
  );
}

function Header({ trace, label }: { trace: RunTrace; label: string }) {
  const t = traceTotals(trace.steps);
  return (
    <th>
      {label} · {new Date(trace.startedAt).toLocaleString()} · <span className={`rt-status ${trace.status}`}>{trace.status === 'ok' ? 'done' : trace.status}</span>
      <div className="muted rt-cmp-sub">
        {formatMs(trace.durationMs)} · {t.tokensIn} / {t.tokensOut} tokens · inputs <span className="mono">{JSON.stringify(trace.inputs)}</span>
      </div>
    </th>
  );
}

export function RunCompare({ a, b }: { a: RunTrace; b: RunTrace }) {
  const rows = compareTraces(a, b);
  const differing = rows.filter((r) => r.outputsDiffer || r.statusDiffers).length;
  return (
    <div className="rt-compare" data-testid="run-compare">
      <div className="rt-history-bar">
        <button type="button" className="btn" onClick={() => useRun.setState({ comparing: null })}>
          ← Runs
        </button>
        <span className="muted" data-testid="run-compare-summary">
          {differing === 0 ? 'Every step has the same status and outputs.' : `${differing} of ${rows.length} step${rows.length === 1 ? '' : 's'} differ.`}
        </span>
      </div>
      <table className="rt-history rt-cmp">
        <thead>
          <tr>
            <th>Step</th>
            <Header trace={a} label="A" />
            <Header trace={b} label="B" />
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.step} className={r.outputsDiffer || r.statusDiffers ? 'differs' : ''} data-testid="run-compare-row" data-differs={r.outputsDiffer || r.statusDiffers ? 'true' : 'false'}>
              <td className="mono">{r.step}</td>
              <Cell step={r.a} />
              <Cell step={r.b} />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
