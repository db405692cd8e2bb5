/** A run's trace: a waterfall of the steps, and the chosen step's prompt, outputs, mode and measurements. */
import { useEffect, useState } from 'react';
import { DSPY_STEP_TYPES } from '../../shared/run/inputs';
import { traceTotals, type RunTrace, type TraceStep } from '../../shared/run/trace';
import { useDocument } from '../stores/document';
import { formatMs, STATUS_LABEL } from './RunStatus';
import { addToDataset, labelInData, useRun } from './run-store';

function json(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v, null, 2);
}

function cost(usd: number, trace: RunTrace): string {
  if (usd === 0) return trace.model === 'simulated' ? '$0 (simulated)' : '$0';
  return `$${usd < 0.01 ? usd.toFixed(6) : usd.toFixed(4)}`;
}

/** Selects the step's node on the canvas (top-level steps: position and name). */
function selectNode(step: TraceStep): void {
  const view = useDocument.getState().view;
  const node = view?.steps.find((s) => s.depth === 0 && s.index === step.index && s.name === step.step);
  if (node) useDocument.getState().select([node.id]);
}

function modeText(s: TraceStep): string {
  if (!s.mode) return '';
  if (s.mode === 'optimized') return `optimized${s.programVersion ? ` · ${s.programVersion.slice(0, 8)}` : ''}`;
  return s.mode;
}

/** Milliseconds since the run started, ticking while it runs (the running step's bar grows with it). */
function useElapsed(trace: RunTrace): number | null {
  const running = trace.status === 'running';
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 200);
    return () => clearInterval(timer);
  }, [running]);
  return running ? Math.max(0, now - Date.parse(trace.startedAt)) : null;
}

function Waterfall({ trace }: { trace: RunTrace }) {
  const selected = useRun((s) => s.selected);
  const elapsed = useElapsed(trace);
  const end = Math.max(1, elapsed ?? 0, trace.durationMs ?? 0, ...trace.steps.map((s) => (s.startMs ?? 0) + (s.latencyMs ?? 0)));
  return (
    <div className="rt-waterfall" role="list" aria-label="Steps of the run">
      {trace.steps.map((s) => {
        const left = ((s.startMs ?? 0) / end) * 100;
        const width = s.latencyMs !== undefined ? Math.max(0.5, (s.latencyMs / end) * 100) : s.status === 'running' ? Math.max(2, 100 - left) : 0;
        const working = s.status === 'running' && elapsed !== null ? Math.max(0, elapsed - (s.startMs ?? 0)) : null;
        return (
          <button
            type="button"
            role="listitem"
            key={s.index}
            className={`rt-row ${s.status} ${selected === s.index ? 'selected' : ''}`}
            data-testid={`trace-step-${s.step}`}
            data-status={s.status}
            onClick={() => {
              useRun.setState({ selected: s.index });
              selectNode(s);
            }}
          >
            <span className="rt-name" title={s.step}>{s.step}</span>
            <span className={`rt-status ${s.status}`}>{STATUS_LABEL[s.status]}</span>
            <span className="rt-track">{(s.startMs !== undefined || s.status === 'running') && <span className={`rt-bar ${s.status}`} style={{ left: `${left}%`, width: `${width}%` }} />}</span>
            <span className="rt-ms" title={working !== null ? 'time since the step started, counted here' : undefined}>{working !== null ? `working… ${formatMs(working)}` : formatMs(s.latencyMs)}</span>
          </button>
        );
      })}
    </div>
  );
}

function Measure({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="rt-measure" data-testid={testId}>
      <span className="label">{label}</span>
      <span className="value mono">{value}</span>
    </div>
  );
}

function StepDetail({ trace, step }: { trace: RunTrace; step: TraceStep }) {
  const canAdd = DSPY_STEP_TYPES.has(step.type) && step.status === 'ok' && Boolean(step.runRecordId);
  const added = useRun((s) => (s.added?.runId === trace.runId && s.added.index === step.index ? s.added.task : null));
  return (
    <div className="rt-detail" data-testid="trace-detail">
      <div className="rt-detail-head">
        <strong>{step.step}</strong> <span className="chip">{step.type}</span>
        <span className={`rt-status ${step.status}`}>{STATUS_LABEL[step.status]}</span>
        <span className="spacer" />
        {canAdd && (
          <button type="button" className="btn" onClick={() => void addToDataset(step.index)} title={`Adds the inputs and outputs as an unlabeled example of the dataset ${step.step}`} data-testid="add-to-dataset">
            Add to dataset
          </button>
        )}
        {added && (
          <button type="button" className="btn primary" onClick={() => labelInData(added)} data-testid="label-in-data">
            Label in Data →
          </button>
        )}
      </div>
      {step.error && (
        <div className="rt-error" role="alert" data-testid="trace-error">
          {step.error}
        </div>
      )}
      {step.mode && (
        <div className="rt-mode" data-testid="trace-mode">
          <span className="chip">{modeText(step)}</span> {step.reason}
        </div>
      )}
      {!step.mode && step.reason && <div className="rt-mode muted">{step.reason}</div>}
      {step.latencyMs !== undefined && (
        <div className="rt-measures">
          <Measure label="latency" value={formatMs(step.latencyMs)} />
          {step.tokens && <Measure label="tokens in / out" value={`${step.tokens.input} / ${step.tokens.output}`} testId="trace-tokens" />}
          {step.costUsd !== undefined && <Measure label="cost (tokens × price table)" value={cost(step.costUsd, trace)} />}
          {step.cacheHit !== undefined && <Measure label="cache hit" value={step.cacheHit ? 'yes' : 'no'} />}
          {step.lmStats && <Measure label="parse failures / adapter fallbacks" value={`${step.lmStats.parseFailures} / ${step.lmStats.fallbacks}`} testId="trace-adapter" />}
          {step.lmStats && Object.keys(step.lmStats.retries).length > 0 && (
            <Measure label="retries" value={Object.entries(step.lmStats.retries).map(([cause, n]) => `${cause} ${n}`).join(', ')} testId="trace-retries" />
          )}
        </div>
      )}
      {step.inputs && (
        <section>
          <h4>Inputs</h4>
          <pre className="rt-pre" tabIndex={0} data-testid="trace-inputs">{json(step.inputs)}</pre>
        </section>
      )}
      {step.outputs !== undefined && (
        <section>
          <h4>Outputs</h4>
          <pre className="rt-pre" tabIndex={0} data-testid="trace-outputs">{json(step.outputs)}</pre>
        </section>
      )}
      {step.lmCalls?.map((call, i) => (
        <section key={i} data-testid="trace-prompt">
          <h4>
            LM call {i + 1} of {step.lmCalls!.length} · <span className="mono">{call.model}</span> · {call.promptTokens} / {call.completionTokens} tokens
          </h4>
          {call.messages.map((m, j) => (
            <div className="rt-message" key={j}>
              <span className="rt-role">{m.role}</span>
              <pre className="rt-pre" tabIndex={0}>{m.content}</pre>
            </div>
          ))}
          {call.outputs.map((o, j) => (
            <div className="rt-message" key={`o${j}`}>
              <span className="rt-role">answer</span>
              <pre className="rt-pre" tabIndex={0}>{o}</pre>
            </div>
          ))}
        </section>
      ))}
    </div>
  );
}

export function TraceView({ trace }: { trace: RunTrace }) {
  const selected = useRun((s) => s.selected);
  // Until a step is chosen: the failed one, else the last one that ran.
  const shown = selected ?? trace.steps.find((s) => s.status === 'failed')?.index ?? [...trace.steps].reverse().find((s) => s.status === 'ok' || s.status === 'running')?.index;
  const totals = traceTotals(trace.steps);
  return (
    <div className="rt-trace" data-testid="trace">
      <div className="rt-summary" data-testid="trace-summary" data-status={trace.status}>
        <span className={`rt-status ${trace.status}`}>{trace.status === 'ok' ? 'done' : trace.status}</span>
        <span>{formatMs(trace.durationMs)}</span>
        <span>
          {totals.tokensIn} / {totals.tokensOut} tokens
        </span>
        <span>{cost(totals.costUsd, trace)}</span>
        <span className="muted">{trace.model === 'simulated' ? 'simulated (offline demo)' : "each step's provider"}</span>
        <span className="muted">{new Date(trace.startedAt).toLocaleString()}</span>
      </div>
      <Waterfall trace={trace} />
      {shown !== undefined && trace.steps[shown] && <StepDetail trace={trace} step={trace.steps[shown]} />}
    </div>
  );
}
