/** A/B experiments: list, create (arms, allocation, sample size), live results with significance. */
import { Fragment, useCallback, useEffect, useState } from 'react';
import type { ExperimentAnalysis, ExperimentSummary, ProgramVersion } from '../../shared/api/index';
import { studio } from '../api/client';
import { useNav } from '../stores/nav';
import { useUi } from '../stores/ui';
import { attempt, Empty, fmtMs, fmtP, fmtPct, fmtUsd, NoDataset, ScreenHeader, SignaturePicker, Stat, useSignatures } from '../tuning/common';
import { TrafficGate } from './TrafficGate';

type ArmDraft = { id: string; kind: 'traditional' | 'baseline_dspy' | 'optimized'; programVersionId?: string; weight: number };

export function ExperimentsScreen() {
  const [list, setList] = useState<ExperimentSummary[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const { signatures, reload: reloadSigs } = useSignatures();
  const signature = useNav((s) => s.signature);
  const sig = signatures.find((s) => s.name === signature);
  const load = useCallback(async () => {
    const r = await attempt(() => studio.call('experiments.list', {}), 'Experiments');
    if (r) setList(r.experiments);
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <div className="screen" data-testid="screen-experiments">
      <ScreenHeader title="Experiments">
        <SignaturePicker onRegistered={reloadSigs} />
        <button type="button" className="btn primary" onClick={() => setCreating(true)} disabled={!sig} title={sig ? undefined : 'Choose a dataset first'} data-testid="new-experiment">
          New experiment
        </button>
      </ScreenHeader>
      <div className="screen-banner">
        <TrafficGate />
      </div>
      {!sig ? (
        <NoDataset what="An experiment" />
      ) : (
        <div className="optimize-grid">
          {creating && (
            <div className="span-all">
              <CreateExperiment
                onClose={() => setCreating(false)}
                onCreated={(id) => {
                  setCreating(false);
                  setSelected(id);
                  void load();
                }}
              />
            </div>
          )}
          <div className="col">
            <section className="card-panel" aria-labelledby="exp-list-title">
              <h3 id="exp-list-title">A/B experiments</h3>
              <ul className="runs-list">
                {list.map((e) => (
                  <li key={e.id}>
                    <button type="button" className={`run-item ${selected === e.id ? 'selected' : ''}`} onClick={() => setSelected(e.id)}>
                      <span className={`status-dot ${e.status}`} aria-hidden="true" />
                      <span className="run-main">
                        <strong>{e.name}</strong> <span className="muted small">{e.arms.map((a) => a.kind).join(' vs ')}</span>
                      </span>
                      <span className="small">{e.status}</span>
                    </button>
                  </li>
                ))}
                {list.length === 0 && <li className="muted small">No experiments yet. An experiment splits live traffic of a DSPy step between arms and tests the difference.</li>}
              </ul>
            </section>
          </div>
          <div className="col wide">
            {selected ? (
              <ExperimentView key={selected} id={selected} onChanged={load} />
            ) : (
              <Empty title="No experiment selected">Create one, or pick one from the list.</Empty>
            )}
          </div>
        </div>
      )}
    </div>
  );
}

function CreateExperiment({ onClose, onCreated }: { onClose: () => void; onCreated: (id: string) => void }) {
  const signature = useNav((s) => s.signature);
  const [name, setName] = useState('Optimized vs baseline');
  const [versions, setVersions] = useState<ProgramVersion[]>([]);
  const [arms, setArms] = useState<ArmDraft[]>([
    { id: 'control', kind: 'baseline_dspy', weight: 50 },
    { id: 'treatment', kind: 'optimized', weight: 50 },
  ]);
  const [size, setSize] = useState(200);
  useEffect(() => {
    if (signature)
      void studio.call('optimize.versions', { signature }).then((r) => {
        setVersions(r.versions);
        setArms((as) => as.map((a) => (a.kind === 'optimized' && !a.programVersionId ? { ...a, programVersionId: r.promoted ?? r.versions[0]?.id } : a)));
      }, () => undefined);
  }, [signature]);
  const set = (i: number, patch: Partial<ArmDraft>) => setArms(arms.map((a, j) => (j === i ? { ...a, ...patch } : a)));
  const total = arms.reduce((s, a) => s + a.weight, 0);
  const create = async () => {
    if (!signature) return;
    const r = await attempt(() => studio.call('experiments.create', { name, signature, arms: arms.map((a) => ({ ...a, programVersionId: a.kind === 'optimized' ? a.programVersionId : undefined })), targetSampleSize: size }), 'Create experiment');
    if (r) {
      useUi.getState().toast('success', `Experiment ${r.experiment.name} created (draft)`);
      onCreated(r.experiment.id);
    }
  };
  return (
    <section className="card-panel exp-form" aria-labelledby="exp-new-title" data-testid="create-experiment">
      <h3 id="exp-new-title">New experiment {signature ? <span className="muted small">on {signature}</span> : null}</h3>
      <div className="form-grid">
        <label htmlFor="exp-name">Name</label>
        <input id="exp-name" className="input" value={name} onChange={(e) => setName(e.target.value)} />
        <label htmlFor="exp-size">Sample size per arm</label>
        <input id="exp-size" className="input" type="number" min={1} value={size} onChange={(e) => setSize(Number(e.target.value))} />
      </div>
      <div className="arm-grid" role="group" aria-label="Arms">
        <span className="arm-head">Arm name</span>
        <span className="arm-head">Runs</span>
        <span className="arm-head">Program version</span>
        <span className="arm-head">Weight</span>
        <span className="arm-head">Share</span>
        <span />
        {arms.map((a, i) => (
          <Fragment key={i}>
            <input className="input mono" aria-label={`Arm ${i + 1} id`} value={a.id} onChange={(e) => set(i, { id: e.target.value })} />
            <select className="select" aria-label={`Arm ${i + 1} kind`} value={a.kind} onChange={(e) => set(i, { kind: e.target.value as ArmDraft['kind'] })}>
              <option value="traditional">traditional prompt</option>
              <option value="baseline_dspy">DSPy baseline</option>
              <option value="optimized">optimized program</option>
            </select>
            {a.kind === 'optimized' ? (
              <select className="select" aria-label={`Arm ${i + 1} program version`} value={a.programVersionId ?? ''} onChange={(e) => set(i, { programVersionId: e.target.value })}>
                <option value="">Choose a version…</option>
                {versions.map((v) => (
                  <option key={v.id} value={v.id}>
                    {v.strategy} · {fmtPct(v.optimizedScore)} · {v.status}
                  </option>
                ))}
              </select>
            ) : (
              <span className="muted small">not needed</span>
            )}
            <input className="input" type="number" min={0} aria-label={`Arm ${i + 1} allocation weight`} value={a.weight} onChange={(e) => set(i, { weight: Number(e.target.value) })} />
            <span className="small muted">{total ? fmtPct(a.weight / total) : '—'}</span>
            {arms.length > 2 ? (
              <button type="button" className="btn icon" aria-label={`Remove arm ${a.id}`} onClick={() => setArms(arms.filter((_, j) => j !== i))}>
                ✕
              </button>
            ) : (
              <span />
            )}
          </Fragment>
        ))}
      </div>
      <div className="action-row">
        <button type="button" className="btn" onClick={() => setArms([...arms, { id: `arm${arms.length + 1}`, kind: 'traditional', weight: 0 }])} disabled={arms.length >= 8}>
          Add arm
        </button>
        <div className="spacer" />
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="btn primary" onClick={() => void create()} disabled={!signature} data-testid="create-experiment-submit">
          Create
        </button>
      </div>
    </section>
  );
}

function ExperimentView({ id, onChanged }: { id: string; onChanged: () => void }) {
  const [data, setData] = useState<{ experiment: ExperimentSummary; analysis: ExperimentAnalysis } | null>(null);
  const load = useCallback(async () => {
    const r = await attempt(() => studio.call('experiments.analyze', { id }), 'Experiment');
    if (r) setData(r);
  }, [id]);
  useEffect(() => {
    void load();
    const t = setInterval(() => void load(), 5000);
    return () => clearInterval(t);
  }, [load]);
  if (!data) return <div className="muted pad">Loading…</div>;
  const { experiment: e, analysis: a } = data;
  const go = async (to: 'running' | 'stopped' | 'completed') => {
    if (await attempt(() => studio.call('experiments.transition', { id, to }), 'Experiment')) {
      void load();
      onChanged();
    }
  };
  return (
    <section className="card-panel" aria-labelledby="exp-title" data-testid="experiment-view">
      <h3 id="exp-title">
        {e.name} <span className={`status-pill ${e.status}`}>{e.status}</span>
        <span className="spacer" />
        {(e.status === 'draft' || e.status === 'stopped') && (
          <button type="button" className="btn primary" onClick={() => void go('running')}>
            Start
          </button>
        )}
        {e.status === 'running' && (
          <button type="button" className="btn outline" onClick={() => void go('stopped')}>
            Stop
          </button>
        )}
        {(e.status === 'running' || e.status === 'stopped') && (
          <button type="button" className="btn outline" onClick={() => void go('completed')}>
            Complete
          </button>
        )}
      </h3>
      <div className="progress-bar" role="progressbar" aria-label="Sample size reached" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(a.progress * 100)}>
        <div style={{ width: `${a.progress * 100}%` }} />
      </div>
      <p className="small muted">
        {fmtPct(a.progress)} of the target sample ({e.targetSampleSize} per arm) · α = {e.alpha}
      </p>
      <p className="recommendation" data-testid="recommendation">
        {a.recommendation}
      </p>
      <table className="data-table">
        <thead>
          <tr>
            <th>Arm</th>
            <th>Kind</th>
            <th>Allocation</th>
            <th>n</th>
            <th>Success</th>
            <th>Mean score</th>
            <th>p50 / p95 latency</th>
            <th>Cost</th>
          </tr>
        </thead>
        <tbody>
          {a.arms.map((s) => {
            const arm = e.arms.find((x) => x.id === s.armId);
            const total = e.arms.reduce((t, x) => t + x.weight, 0);
            return (
              <tr key={s.armId}>
                <td className="mono">
                  {s.armId}
                  {s.armId === e.controlArmId ? ' (control)' : ''}
                </td>
                <td>{s.kind}</td>
                <td>{arm && total ? fmtPct(arm.weight / total) : '—'}</td>
                <td data-testid={`arm-n-${s.armId}`}>{s.n}</td>
                <td>{fmtPct(s.successRate, 1)}</td>
                <td>{fmtPct(s.meanScore, 1)}</td>
                <td>
                  {fmtMs(s.latencyP50)} / {fmtMs(s.latencyP95)}
                </td>
                <td>{fmtUsd(s.totalCost)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="stats-row">
        {a.comparisons.map((c) =>
          a.arms.some((s) => s.n < 2) ? (
            <Stat key={c.armId} label={`${c.armId} vs ${c.controlArmId}`} value="—" sub="needs at least 2 outcomes in each arm" />
          ) : (
          <Stat
            key={c.armId}
            label={`${c.armId} vs ${c.controlArmId}`}
            value={<span className={c.score?.significant || c.successRate.significant ? 'sev-ok' : ''}>{fmtP(c.score?.welch.pValue ?? c.successRate.pValue)}</span>}
            sub={c.score ? `score ${c.score.welch.difference >= 0 ? '+' : ''}${(c.score.welch.difference * 100).toFixed(1)} pts${c.score.significant ? ' · significant' : ''}` : `success ${c.successRate.difference >= 0 ? '+' : ''}${(c.successRate.difference * 100).toFixed(1)} pts${c.successRate.significant ? ' · significant' : ''}`}
          />
          ),
        )}
      </div>
    </section>
  );
}
