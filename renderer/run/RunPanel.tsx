/** The designer's Run panel: the inputs form, the model choice, Run and Stop, the trace and the history. */
import { useMemo } from 'react';
import { inferRunInputs } from '../../shared/run/inputs';
import { parseWorkflowDocument } from '../../shared/yaml/document';
import { Icon } from '../app/icons';
import { useDocument } from '../stores/document';
import { formatMs } from './RunStatus';
import { TraceView } from './TraceView';
import { RunCompare } from './RunCompare';
import { compareRuns, datasetSteps, loadHistory, openPanel, reopenRun, startBatch, startRun, stopBatch, stopRun, togglePick, useRun, type RunModel } from './run-store';
import './run.css';

function InputsForm() {
  const text = useDocument((s) => s.text);
  const fields = useMemo(() => inferRunInputs(parseWorkflowDocument(text).value), [text]);
  const values = useRun((s) => s.values);
  const model = useRun((s) => s.model);
  const providers = useRun((s) => s.providers);
  if (fields.length === 0) return <p className="muted rt-note">This workflow reads no inputs.</p>;
  return (
    <div className="rt-form">
      {fields.map((f) => (
        <div className="field" key={f.name}>
          <label htmlFor={`run-input-${f.name}`}>
            <span className="mono">inputs.{f.name}</span> <span className="chip">{f.type}</span> {f.description && <span className="muted">{f.description}</span>}
          </label>
          <textarea
            id={`run-input-${f.name}`}
            className="textarea mono"
            rows={2}
            value={values[f.name] ?? ''}
            placeholder={f.whenEmpty === 'prompt' ? "empty: the step's rendered prompt" : f.whenEmpty === 'earlier step' ? "empty: an earlier step's output field of this name" : 'required'}
            data-testid={`run-input-${f.name}`}
            onChange={(e) => useRun.setState({ values: { ...values, [f.name]: e.target.value } })}
          />
          <span className="muted rt-used">read by {f.usedBy.join(', ')}</span>
        </div>
      ))}
      <div className="field">
        <label htmlFor="run-model">Model</label>
        <select id="run-model" className="select" value={model} data-testid="run-model" onChange={(e) => useRun.setState({ model: e.target.value as RunModel })}>
          <option value="simulated">Simulated model (offline demo)</option>
          <option value="auto">{providers ? `Each step's provider: ${providers.simulated ? `no key set, ${providers.label}` : providers.label}` : "Each step's provider (simulated where no key is set)"}</option>
        </select>
      </div>
    </div>
  );
}

/** The workflow once per example of a DSPy step's dataset: progress, stop, and how many outputs match their labels. */
function Batch() {
  const text = useDocument((s) => s.text);
  const steps = useMemo(() => datasetSteps(), [text]);
  const form = useRun((s) => s.batchForm);
  const batch = useRun((s) => s.batch);
  const busy = useRun((s) => s.starting || s.trace?.status === 'running');
  if (steps.length === 0) return null;
  const set = (patch: Partial<typeof form>) => useRun.setState({ batchForm: { ...form, ...patch } });
  const running = batch?.status === 'running';
  return (
    <fieldset className="rt-batch">
      <legend>Batch over a dataset</legend>
      <div className="rt-batch-row">
        <label>
          <span className="label">Dataset</span>
          <select className="select" value={form.dataset || steps[0]} onChange={(e) => set({ dataset: e.target.value })} data-testid="batch-dataset">
            {steps.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span className="label">Examples</span>
          <select className="select" value={form.labelState} onChange={(e) => set({ labelState: e.target.value as typeof form.labelState })} data-testid="batch-label-state">
            <option value="">all</option>
            <option value="accepted">accepted</option>
            <option value="corrected">corrected</option>
            <option value="unlabeled">unlabeled</option>
          </select>
        </label>
        <label>
          <span className="label">At most</span>
          <input className="input" type="number" min={1} max={500} value={form.limit} onChange={(e) => set({ limit: Math.min(500, Math.max(1, Number(e.target.value) || 1)) })} data-testid="batch-limit" />
        </label>
      </div>
      {running ? (
        <button type="button" className="btn outline danger" onClick={() => void stopBatch()} data-testid="batch-stop">
          ■ Stop batch
        </button>
      ) : (
        <button type="button" className="btn" disabled={busy} onClick={() => void startBatch()} data-testid="batch-start">
          Run on {form.limit} example{form.limit === 1 ? '' : 's'}
        </button>
      )}
      {batch && (
        <div className="rt-batch-progress" data-testid="batch-progress" data-status={batch.status}>
          <div className="progress-bar" role="progressbar" aria-label="Batch runs done" aria-valuemin={0} aria-valuemax={batch.total} aria-valuenow={batch.done}>
            <div style={{ width: `${(batch.done / Math.max(1, batch.total)) * 100}%` }} />
          </div>
          <span>
            {batch.done} / {batch.total} runs · {batch.ok} done · {batch.failed} failed
            {batch.status !== 'running' && ` · ${batch.status === 'ok' ? 'finished' : batch.status}`}
          </span>
          <span data-testid="batch-agreement">
            {batch.compared === 0 ? 'no labeled example compared yet' : `${batch.agree} of ${batch.compared} labeled examples: ${batch.dataset}'s output matches the label`}
          </span>
          {batch.error && <span className="sev-error">{batch.error}</span>}
        </div>
      )}
    </fieldset>
  );
}

function History() {
  const runs = useRun((s) => s.history);
  const error = useRun((s) => s.historyError);
  const current = useRun((s) => s.trace?.runId);
  const picks = useRun((s) => s.picks);
  if (error) return <p className="sev-error rt-note">{error}</p>;
  if (runs.length === 0) return <p className="muted rt-note">No runs of this workflow yet.</p>;
  return (
    <table className="rt-history" data-testid="run-history">
      <thead>
        <tr>
          <th>
            <span className="sr-only">Compare</span>
          </th>
          <th>Started</th>
          <th>Status</th>
          <th>Duration</th>
          <th>Tokens in / out</th>
          <th>Cost</th>
          <th>Model</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((r) => (
          <tr key={r.runId} className={r.runId === current ? 'selected' : ''} onClick={() => void reopenRun(r.runId)} data-testid="run-history-row" tabIndex={0} onKeyDown={(e) => e.key === 'Enter' && void reopenRun(r.runId)}>
            <td onClick={(e) => e.stopPropagation()}>
              <input type="checkbox" aria-label={`Compare the run of ${new Date(r.startedAt).toLocaleString()}`} checked={picks.includes(r.runId)} onChange={() => togglePick(r.runId)} data-testid="run-pick" />
            </td>
            <td>{new Date(r.startedAt).toLocaleString()}</td>
            <td>
              <span className={`rt-status ${r.status}`}>{r.status === 'ok' ? 'done' : r.status}</span>
              {r.failedStep && <span className="muted"> at {r.failedStep}</span>}
            </td>
            <td className="mono">{formatMs(r.durationMs)}</td>
            <td className="mono">
              {r.tokensIn} / {r.tokensOut}
            </td>
            <td className="mono">{r.costUsd === 0 ? '$0' : `$${r.costUsd.toFixed(6)}`}</td>
            <td>{r.model === 'simulated' ? 'simulated' : 'providers'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function RunPanel() {
  const tab = useRun((s) => s.tab);
  const trace = useRun((s) => s.trace);
  const starting = useRun((s) => s.starting);
  const error = useRun((s) => s.error);
  const parseError = useDocument((s) => s.parseError);
  const picks = useRun((s) => s.picks);
  const comparing = useRun((s) => s.comparing);
  const batchRunning = useRun((s) => s.batch?.status === 'running');
  const running = starting || trace?.status === 'running';
  return (
    <section className="editor-pane run-pane" aria-label="Run" data-testid="run-panel">
      <div className="panel-header">
        <div className="tabs rt-tabs" role="tablist">
          <button type="button" role="tab" aria-selected={tab === 'run'} className={tab === 'run' ? 'active' : ''} onClick={() => openPanel('run')}>
            Run
          </button>
          <button type="button" role="tab" aria-selected={tab === 'history'} className={tab === 'history' ? 'active' : ''} onClick={() => openPanel('history')} data-testid="run-history-tab">
            History
          </button>
        </div>
        <span className="spacer" />
        {running ? (
          <button type="button" className="btn outline danger" onClick={() => void stopRun()} data-testid="run-stop" disabled={!trace || trace.status !== 'running'} title="Stop the run: the step under way is cancelled, the rest skipped">
            ■ Stop
          </button>
        ) : (
          <button type="button" className="btn primary" onClick={() => void startRun()} disabled={Boolean(parseError) || batchRunning} title={parseError ? 'The YAML does not parse' : 'Run (Ctrl+Enter)'} data-testid="run-start">
            ▶ Run <span className="kbd">Ctrl ↵</span>
          </button>
        )}
        <button type="button" className="btn icon" aria-label="Close the Run panel" title="Back to the YAML editor" onClick={() => useRun.setState({ panelOpen: false })}>
          <Icon name="close" />
        </button>
      </div>
      <div className="rt-body">
        {tab === 'run' ? (
          <div className="rt-columns">
            <div className="rt-left">
              <InputsForm />
              <Batch />
              {error && (
                <p className="sev-error rt-note" role="alert" data-testid="run-error">
                  {error}
                </p>
              )}
            </div>
            <div className="rt-right">{trace ? <TraceView trace={trace} /> : <p className="muted rt-note">Fill in the inputs and press Run: each step&apos;s prompt, outputs, mode, latency, tokens and cost appear here as it finishes.</p>}</div>
          </div>
        ) : comparing ? (
          <div className="rt-history-wrap">
            <RunCompare a={comparing[0]} b={comparing[1]} />
          </div>
        ) : (
          <div className="rt-history-wrap">
            <div className="rt-history-bar">
              <button type="button" className="btn" onClick={() => void loadHistory()}>
                Refresh
              </button>
              <button type="button" className="btn" disabled={picks.length !== 2} onClick={() => void compareRuns()} data-testid="run-compare-button">
                Compare {picks.length}/2
              </button>
              <span className="muted">Click a run to reopen its trace; tick two to compare them.</span>
            </div>
            <History />
          </div>
        )}
      </div>
    </section>
  );
}
