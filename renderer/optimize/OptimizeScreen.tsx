/** Optimize: configure a run with its estimate and budget, watch it live, read and act on the result. */
import { formatSample } from '../../shared/format/sample';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { diffWords } from 'diff';
import type { DatasetVersion, Estimate, JobDetail, JobProgress, OptimizationJob, ProgramVersion, Strategy } from '../../shared/api/index';
import { OPTIMIZER_STRATEGIES, OPTIMIZERS, type ParamSpec } from '../../shared/dspy/optimizers';
import { studio } from '../api/client';
import { useNav } from '../stores/nav';
import { useUi } from '../stores/ui';
import { useDocument } from '../stores/document';
import { editor } from '../model/edits';
import { promote, refreshStepPrograms, useStepPrograms, useWorkflowFor } from '../tuning/step-programs';
import { GepaSearch } from './GepaSearch';
import { runsAxis, runsChartOption } from './charts';
import { TrialChart } from './TrialChart';
import type { ChartColors } from '../tuning/chart-options';
import { EChart } from '../tuning/chart';
import { attempt, Empty, errText, fmtMs, fmtNum, fmtPct, fmtUsd, LmBadge, NoDataset, ScreenHeader, SignaturePicker, Stat, useSignatures, valueText } from '../tuning/common';

/** The form shows each optimizer's parameters that have a value by default (the others need the CLI). */
const formParams = (s: Strategy) => Object.entries(OPTIMIZERS[s].params as Record<string, ParamSpec>).filter(([, p]) => p.default !== null);
const STRATEGY_LABEL = Object.fromEntries(OPTIMIZER_STRATEGIES.map((s) => [s, OPTIMIZERS[s].label])) as Record<Strategy, string>;
const ACTIVE = ['queued', 'running'];

export function OptimizeScreen() {
  const signature = useNav((s) => s.signature);
  const { signatures, reload } = useSignatures();
  const sig = signatures.find((s) => s.name === signature);
  const jobId = useNav((s) => s.jobId);
  const [jobs, setJobs] = useState<OptimizationJob[]>([]);
  const [versions, setVersions] = useState<ProgramVersion[]>([]);
  const [promoted, setPromoted] = useState<string | null>(null);
  const loadRuns = useCallback(async () => {
    if (!sig) return;
    const [j, v] = await Promise.all([attempt(() => studio.call('optimize.jobs', { signature: sig.name }), 'Runs'), attempt(() => studio.call('optimize.versions', { signature: sig.name }), 'Program versions')]);
    if (j) setJobs(j.jobs);
    if (v) {
      setVersions(v.versions);
      setPromoted(v.promoted);
    }
  }, [sig]);
  useEffect(() => {
    void loadRuns();
  }, [loadRuns]);
  useEffect(
    () =>
      studio.on('optimize.job', ({ job }) => {
        setJobs((js) => [job, ...js.filter((x) => x.id !== job.id)]);
        if (!ACTIVE.includes(job.status)) {
          void loadRuns();
          refreshStepPrograms(0);
        }
      }),
    [loadRuns],
  );
  const current = jobs.find((j) => j.id === jobId) ?? null;

  return (
    <div className="screen" data-testid="screen-optimize">
      <ScreenHeader title="Optimize">
        <SignaturePicker onRegistered={reload} />
      </ScreenHeader>
      {!sig ? (
        <NoDataset what="Optimizing" />
      ) : (
        <div className="optimize-grid">
          <div className="col">
            <ProgramPanel signature={sig.name} versions={versions} promoted={promoted} onChanged={loadRuns} />
            <RunForm signature={sig.name} examples={sig.examples} onStarted={(j) => { setJobs((js) => [j, ...js]); useNav.getState().showJob(j.id); }} />
            <RunsList jobs={jobs} selected={jobId} promoted={promoted} />
          </div>
          <div className="col wide">
            {current ? <JobView key={current.id} job={current} promoted={promoted} onChanged={loadRuns} /> : <Empty title="No run selected">Set up a run on the left and press Run, or pick an earlier run.</Empty>}
            <RunsChart versions={versions} jobs={jobs} />
          </div>
        </div>
      )}
    </div>
  );
}

function RunForm({ signature, examples, onStarted }: { signature: string; examples: number; onStarted: (j: OptimizationJob) => void }) {
  const [strategy, setStrategy] = useState<Strategy>('bootstrap_few_shot');
  const [params, setParams] = useState<Record<string, number | string | boolean>>({});
  const [datasetVersion, setDatasetVersion] = useState('');
  const [dsVersions, setDsVersions] = useState<DatasetVersion[]>([]);
  const [maxCost, setMaxCost] = useState('');
  const [maxCalls, setMaxCalls] = useState('');
  const [est, setEst] = useState<{ estimate: Estimate; budget: { ok: boolean; message: string } | null; trainSize: number; devSize: number; sample: { size: number; of: number } | null; lmLabel: string } | null>(null);
  const [estError, setEstError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  useEffect(() => {
    void studio.call('data.versions', { signature }).then((r) => setDsVersions(r.versions), () => setDsVersions([]));
  }, [signature, examples]);
  const effective = useMemo(() => Object.fromEntries(formParams(strategy).map(([k, p]) => [k, params[`${strategy}.${k}`] ?? (p.default as number | string | boolean)])), [strategy, params]);
  const budget = useMemo(() => {
    const b: { maxCostUsd?: number; maxLmCalls?: number } = {};
    if (maxCost.trim() && Number.isFinite(Number(maxCost))) b.maxCostUsd = Number(maxCost);
    if (maxCalls.trim() && Number.isInteger(Number(maxCalls))) b.maxLmCalls = Number(maxCalls);
    return Object.keys(b).length ? b : undefined;
  }, [maxCost, maxCalls]);
  const workflow = useWorkflowFor(signature);
  const request = useMemo(() => ({ signature, strategy, params: effective, datasetVersion: datasetVersion || undefined, budget, workflow }), [signature, strategy, effective, datasetVersion, budget, workflow]);
  useEffect(() => {
    let live = true;
    const t = setTimeout(() => {
      studio.call('optimize.estimate', request).then(
        (r) => live && (setEst(r), setEstError(null)),
        (e) => live && (setEst(null), setEstError(errText(e))),
      );
    }, 200);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [request, examples]);
  const run = async () => {
    setRunning(true);
    const r = await attempt(() => studio.call('optimize.run', request), 'Optimization refused');
    setRunning(false);
    if (r) onStarted(r.job);
  };
  const e = est?.estimate;
  const needed = strategy === 'mipro' ? 2 : 1;
  const emptyReason =
    est && est.trainSize < needed ? `Nothing to train on: ${est.trainSize} usable training example${est.trainSize === 1 ? '' : 's'} (${needed} needed). Import or label examples in Data first.` : null;
  return (
    <section className="card-panel" aria-labelledby="run-title" data-testid="run-form">
      <h3 id="run-title">New run</h3>
      <div className="form-grid">
        <label htmlFor="opt-strategy">Strategy</label>
        <select id="opt-strategy" className="select" value={strategy} onChange={(ev) => setStrategy(ev.target.value as Strategy)} data-testid="strategy">
          {OPTIMIZER_STRATEGIES.map((s) => (
            <option key={s} value={s}>
              {STRATEGY_LABEL[s]}
            </option>
          ))}
        </select>
        <label htmlFor="opt-dataset">Dataset</label>
        <select id="opt-dataset" className="select" value={datasetVersion} onChange={(ev) => setDatasetVersion(ev.target.value)}>
          <option value="">Live examples (snapshot a new version)</option>
          {dsVersions.map((v) => (
            <option key={v.id} value={v.id}>
              v{v.number} · {v.rowCount} rows{v.note ? ` · ${v.note}` : ''}
            </option>
          ))}
        </select>
        {formParams(strategy).map(([k, p]) => (
          <ParamInput key={`${strategy}.${k}`} name={k} p={p} value={effective[k]} onChange={(v) => setParams({ ...params, [`${strategy}.${k}`]: v })} />
        ))}
        <label htmlFor="opt-max-cost">Budget: max cost ($)</label>
        <input id="opt-max-cost" className="input" inputMode="decimal" placeholder="no cap" value={maxCost} onChange={(ev) => setMaxCost(ev.target.value)} />
        <label htmlFor="opt-max-calls">Budget: max LM calls</label>
        <input id="opt-max-calls" className="input" inputMode="numeric" placeholder="no cap" value={maxCalls} onChange={(ev) => setMaxCalls(ev.target.value)} />
      </div>
      <div className="estimate" data-testid="estimate" aria-live="polite">
        {e ? (
          <>
            <div className="stats-row">
              <Stat label="LM calls (est.)" value={fmtNum(e.lmCalls.expected)} sub={`${fmtNum(e.lmCalls.min)}–${fmtNum(e.lmCalls.max)}`} />
              <Stat label="Tokens (est.)" value={fmtNum(e.tokens.total)} />
              <Stat label="Cost (est.)" value={fmtUsd(e.costUsd)} sub={e.reflection && `reflection ${e.reflection.model}: ${fmtNum(e.reflection.lmCalls)} calls, ${fmtUsd(e.reflection.costUsd)}`} />
              <Stat label="Time (est.)" value={e.wallTimeMs === null ? 'unknown' : fmtMs(e.wallTimeMs)} sub={e.wallTimeMs === null ? 'no measured calls of this model yet' : e.timeBasis?.source === 'measured' ? `from ${fmtNum(e.timeBasis.samples)} measured calls` : undefined} />
            </div>
            <div className="small muted">
              {est.trainSize} train / {est.devSize} dev examples usable · model <LmBadge label={est.lmLabel} />
            </div>
            {est.sample && (
              <div className="small muted" data-testid="estimate-sample" title="Each split and label state gets its share; the same data gives the same sample. The estimate is for this sample.">
                {formatSample(est.sample)}
              </div>
            )}
            {est.budget && !est.budget.ok && (
              <div className="inline-error" role="alert">
                Over budget: {est.budget.message}
              </div>
            )}
          </>
        ) : (
          <div className="small sev-warning">{estError ?? 'Estimating…'}</div>
        )}
      </div>
      {emptyReason && (
        <p className="small sev-warning" data-testid="run-disabled-reason">
          {emptyReason}
        </p>
      )}
      <button type="button" className="btn primary block" onClick={() => void run()} disabled={running || !est || Boolean(emptyReason) || (est.budget !== null && !est.budget.ok)} data-testid="run-optimization">
        {running ? 'Starting…' : 'Run optimization'}
      </button>
    </section>
  );
}

function ParamInput({ name, p, value, onChange }: { name: string; p: ParamSpec; value: number | string | boolean; onChange: (v: number | string | boolean) => void }) {
  const id = `param-${name}`;
  return (
    <>
      <label htmlFor={id} title={p.help}>{p.label}</label>
      {p.kind === 'choice' ? (
        <select id={id} className="select" value={String(value)} onChange={(e) => onChange(e.target.value)}>
          {p.options.map((o) => (
            <option key={o}>{o}</option>
          ))}
        </select>
      ) : p.kind === 'boolean' ? (
        <input id={id} type="checkbox" checked={Boolean(value)} onChange={(e) => onChange(e.target.checked)} data-testid={id} />
      ) : p.kind === 'text' ? (
        <input id={id} className="input" value={String(value)} onChange={(e) => onChange(e.target.value)} data-testid={id} />
      ) : (
        <input id={id} className="input" type="number" min={p.min} max={p.max} step={p.kind === 'int' ? 1 : 0.1} value={Number(value)} onChange={(e) => onChange(Number(e.target.value))} data-testid={id} />
      )}
    </>
  );
}

function RunsList({ jobs, selected, promoted }: { jobs: OptimizationJob[]; selected: string | null; promoted: string | null }) {
  return (
    <section className="card-panel" aria-labelledby="runs-title">
      <h3 id="runs-title">Runs</h3>
      <ul className="runs-list">
        {jobs.map((j) => (
          <li key={j.id}>
            <button type="button" className={`run-item ${selected === j.id ? 'selected' : ''}`} onClick={() => useNav.getState().showJob(j.id)} data-testid="run-item">
              <span className={`status-dot ${j.status}`} aria-hidden="true" />
              <span className="run-main">
                <strong>{STRATEGY_LABEL[j.strategy]}</strong> <span className="muted small">{new Date(j.createdAt).toLocaleTimeString()}</span>
              </span>
              <span className="small">{j.result ? `${fmtPct(j.result.baselineScore)} → ${fmtPct(j.result.optimizedScore)}${j.result.scoredOn === 'train' ? ' (train)' : ''}` : j.status}</span>
              {j.result && j.result.programVersion === promoted && (
                <span className="pill ok" data-testid="promoted-badge">
                  promoted
                </span>
              )}
            </button>
          </li>
        ))}
        {jobs.length === 0 && <li className="muted small">No runs yet.</li>}
      </ul>
    </section>
  );
}

function ProgressView({ job, progress }: { job: OptimizationJob; progress: JobProgress | null }) {
  const p = progress ?? job.progress;
  const frac = p?.phase === 'done' ? 1 : p?.trial && p.totalTrials ? Math.min(1, p.trial / p.totalTrials) : p?.lmCalls && job.estimate ? Math.min(0.99, p.lmCalls / Math.max(1, job.estimate.lmCalls.expected)) : 0.02;
  const history = p?.history ?? [];
  const cost = p?.lmCalls && job.estimate ? (job.estimate.costUsd * p.lmCalls) / Math.max(1, job.estimate.lmCalls.expected) : 0;
  return (
    <div className="progress-view" data-testid="progress">
      <div className="progress-head">
        <span className="phase" data-testid="phase">
          {p?.phase ?? job.status}
        </span>
        <span className="muted small">
          {p?.trial === undefined ? '' : p.totalTrials ? `trial ${p.trial} of ${p.totalTrials}` : `trial ${p.trial}`}
        </span>
        <div className="spacer" />
        <span className="small">{fmtPct(frac)}</span>
      </div>
      <div className="progress-bar" role="progressbar" aria-label="Optimization progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(frac * 100)}>
        <div style={{ width: `${frac * 100}%` }} />
      </div>
      <div className="stats-row">
        <Stat label="LM calls so far" value={fmtNum(p?.lmCalls ?? 0)} testId="lm-calls" />
        <Stat label="Cost so far (est.)" value={fmtUsd(cost)} sub="the estimate's cost per call × calls made; measured at the end" />
        <Stat label="Last trial" value={fmtPct(p?.score)} />
        <Stat label="Best so far" value={fmtPct(p?.bestScore)} />
      </div>
      <TrialChart status={job.status} history={history} />
    </div>
  );
}

function InstructionDiff({ before, after }: { before: string; after: string }) {
  const parts = diffWords(before, after);
  return (
    <div className="instr-diff" data-testid="instructions-diff">
      {parts.map((p, i) => (
        <span key={i} className={p.added ? 'ins' : p.removed ? 'del' : ''}>
          {p.value}
        </span>
      ))}
      {before === after && <div className="muted small">The instructions did not change: this strategy optimizes the demos.</div>}
    </div>
  );
}

function JobView({ job, promoted, onChanged }: { job: OptimizationJob; promoted: string | null; onChanged: () => void }) {
  const [progress, setProgress] = useState<JobProgress | null>(job.progress);
  const [detail, setDetail] = useState<JobDetail | null>(null);
  const [exportPath, setExportPath] = useState('');
  const dataDir = useDataDir();
  useEffect(() => studio.on('optimize.progress', (e) => e.jobId === job.id && setProgress(e.progress)), [job.id]);
  useEffect(() => {
    if (job.status === 'succeeded') void attempt(() => studio.call('optimize.job', { jobId: job.id }), 'Run').then((d) => d && setDetail(d));
  }, [job.id, job.status]);
  useEffect(() => {
    if (dataDir && detail?.version) setExportPath(`${dataDir}/exports/${job.signatureName ?? 'program'}/${detail.version.id}`);
  }, [dataDir, detail?.version, job.signatureName]);
  const r = job.result;
  const versionId = r?.programVersion;
  const onTrain = r?.scoredOn === 'train';
  const exportAs = async (kind: 'json' | 'python') => {
    const target = `${exportPath.replace(/\.(json|py)$/i, '')}.${kind === 'json' ? 'json' : 'py'}`;
    const res = await attempt(() => studio.call('optimize.export', { versionId: versionId!, kind, path: target }), 'Export');
    if (res) useUi.getState().toast('success', `Wrote ${res.path}${res.specPath ? ` and ${res.specPath.split('/').pop()}` : ''}`);
  };
  return (
    <section className="card-panel" aria-labelledby="job-title" data-testid="job-view">
      <h3 id="job-title">
        {STRATEGY_LABEL[job.strategy]} run <span className={`status-pill ${job.status}`} data-testid="job-status">{job.status}</span>
        <span className="spacer" />
        <LmBadge label={detail?.lmLabel ?? (job.model.startsWith('simulated') ? 'simulated (offline demo)' : job.model)} />
      </h3>
      {ACTIVE.includes(job.status) && (
        <>
          <ProgressView job={job} progress={progress} />
          <button
            type="button"
            className="btn outline danger"
            onClick={() => void attempt(() => studio.call('optimize.cancel', { jobId: job.id }), 'Cancel')}
            title={job.strategy === 'gepa' ? 'GEPA stops after the iteration under way and keeps its best candidate so far; cancel again to abandon the run' : undefined}
            data-testid="cancel-run"
          >
            {job.strategy === 'gepa' ? 'Stop, keep the best candidate' : 'Cancel run'}
          </button>
        </>
      )}
      {job.error &&
        (job.status === 'cancelled' ? (
          // A cancel is the user's choice, not a failure; a kept best program is offered below.
          <div className="notice" role="status" data-testid="cancel-note">
            Stopped: {job.error}
            {r ? '. Its score and Promote are below.' : ''}
          </div>
        ) : (
          <div className="inline-error" role="alert">
            {job.error}
          </div>
        ))}
      {(r?.gepa ?? progress?.gepa) && <GepaSearch tree={(r?.gepa ?? progress?.gepa)!} />}
      {r && (
        <div className="result" data-testid="result">
          <div className="stats-row">
            <Stat label={`Baseline ${onTrain ? 'training-set' : 'dev'} score`} value={fmtPct(r.baselineScore, 1)} testId="baseline-score" />
            <Stat
              label={`Optimized ${onTrain ? 'training-set' : 'dev'} score`}
              value={<span className={r.optimizedScore > r.baselineScore ? 'sev-ok' : ''}>{fmtPct(r.optimizedScore, 1)}</span>}
              testId="optimized-score"
              sub={`${r.optimizedScore >= r.baselineScore ? '+' : ''}${((r.optimizedScore - r.baselineScore) * 100).toFixed(1)} pts ${onTrain ? 'on the training set: no dev examples, not a held-out gain' : `on ${r.devSize} dev examples`}`}
            />
            <Stat label="LM calls" value={fmtNum(r.lmCalls)} sub={`${r.wallTimeS.toFixed(1)} s${r.cached ? ' · cached' : ''}`} />
          </div>
          <p className={`small ${r.decision.adopt ? 'sev-ok' : 'sev-warning'}`}>{r.decision.reason}</p>
          {r.promotion && r.promotion !== r.decision.reason && (
            <p className={`small ${r.promoted ? 'sev-ok' : 'muted'}`} data-testid="promotion-reason">
              {r.promoted ? 'Promoted automatically: ' : 'Not promoted automatically: '}
              {r.promotion}
            </p>
          )}
          <div className="action-row">
            <button type="button" className="btn primary" disabled={promoted === versionId} onClick={() => void promote(versionId!, job.task).then((ok) => ok && onChanged())} data-testid="promote">
              {promoted === versionId ? 'Promoted' : 'Promote'}
            </button>
            <button type="button" className="btn outline" onClick={() => useNav.getState().compare('baseline', { version: versionId! })} data-testid="open-compare">
              Compare with baseline
            </button>
          </div>
          <div className="export-row">
            <label htmlFor="export-path" className="small muted">
              Export to (written by the host)
            </label>
            <div className="row">
              <input id="export-path" className="input mono" value={exportPath} onChange={(e) => setExportPath(e.target.value)} data-testid="export-path" />
              <button type="button" className="btn outline" onClick={() => void exportAs('json')} data-testid="export-json">
                DSPy program JSON
              </button>
              <button type="button" className="btn outline" onClick={() => void exportAs('python')} data-testid="export-python">
                Python source
              </button>
            </div>
          </div>
          {detail && (
            <>
              <h4>Instructions</h4>
              <InstructionDiff before={detail.baselineInstructions} after={detail.optimizedInstructions} />
              <h4>Demos chosen ({detail.demos.length})</h4>
              <ol className="demos" data-testid="demos">
                {detail.demos.map((d, i) => (
                  <li key={i}>
                    <span className="mono">{valueText(Object.values(d.inputs)[0])}</span> → <span className="mono">{valueText(Object.values(d.outputs)[0])}</span>
                    <span className="small muted">
                      {d.exampleId ? (
                        <>
                          {' '}
                          from example{' '}
                          <span className="mono" title={d.exampleId}>
                            …{d.exampleId.slice(-8)}
                          </span>
                          {d.labeledBy ? ` · labeled by ${d.labeledBy}` : ' · unlabeled'}
                          {d.labelState ? ` (${d.labelState})` : ''}
                        </>
                      ) : (
                        ' · generated by the optimizer'
                      )}
                    </span>
                  </li>
                ))}
              </ol>
            </>
          )}
        </div>
      )}
    </section>
  );
}

/** Every run of the signature: dev score against measured optimization cost, by strategy. */
function RunsChart({ versions, jobs }: { versions: ProgramVersion[]; jobs: OptimizationJob[] }) {
  const build = useCallback((c: ChartColors) => runsChartOption(versions, c), [versions]);
  return (
    <section className="card-panel" aria-labelledby="runs-chart-title">
      <h3 id="runs-chart-title">All runs: score against {runsAxis(versions).usd ? 'measured cost' : 'LM calls'}</h3>
      {versions.length === 0 ? (
        <p className="muted small">Finished runs appear here{jobs.length ? '' : ' after the first run'}.</p>
      ) : (
        <>
          <EChart build={build} label="Optimized score of each run against its cost, one marker shape per strategy, the promoted run ringed" testId="runs-chart" height={260} />
          <p className="muted small">Hover a marker for the run. One shape per strategy; the ringed marker is the promoted program.</p>
        </>
      )}
    </section>
  );
}

let dataDirCache: string | null = null;
export function useDataDir(): string | null {
  const [d, setD] = useState<string | null>(dataDirCache);
  useEffect(() => {
    if (!dataDirCache) void studio.call('app.info', {}).then((i) => setD((dataDirCache = i.dataDir)));
  }, []);
  return d;
}

/**
 * The dataset's promoted program (score, where measured, who promoted it and when) and what the
 * open workflow's step does with it: run it, run the baseline and why, or a stale program with
 * the user's three choices.
 */
function ProgramPanel({ signature, versions, promoted, onChanged }: { signature: string; versions: ProgramVersion[]; promoted: string | null; onChanged: () => void }) {
  const step = useStepPrograms((s) => s.byStep[signature]);
  const v = versions.find((x) => x.id === promoted);
  const workflow = useWorkflowFor(signature);
  const done = () => {
    refreshStepPrograms(0);
    onChanged();
  };
  const choose = (choice: 'keep' | 'baseline') =>
    void attempt(() => studio.call('optimize.staleChoice', { signature, choice }), 'Stale program').then((r) => {
      if (!r) return;
      useUi.getState().toast('success', choice === 'keep' ? `Step ${signature} keeps running its stale program` : `Step ${signature} runs the baseline until a new program is promoted`);
      done();
    });
  const reoptimize = () =>
    void attempt(() => studio.call('optimize.run', { signature, strategy: v?.strategy ?? 'bootstrap_few_shot', params: {}, workflow }), 'Re-optimize').then((r) => {
      if (!r) return;
      useNav.getState().showJob(r.job.id);
      done();
    });
  const enable = () => {
    const ok = useDocument.getState().applyEdit(`Enable optimization for ${signature}`, (t) => editor.setStepField(t, signature, ['dspy_config', 'optimization_enabled'], true));
    if (ok) useUi.getState().toast('info', `optimization_enabled: true set on step ${signature} in the open workflow; save it so runs use the program`);
  };
  const rollback = () =>
    void attempt(() => studio.call('optimize.rollback', { signature }), 'Roll back').then((x) => {
      if (!x) return;
      useUi.getState().toast('success', x.to ? `Rolled back to program ${x.to.slice(0, 8)}` : 'Rolled back to the baseline');
      done();
    });
  return (
    <section className="card-panel" aria-labelledby="program-title" data-testid="program-panel">
      <h3 id="program-title">Promoted program</h3>
      {v ? (
        <p className="small" data-testid="promoted-program">
          <strong>{STRATEGY_LABEL[v.strategy]}</strong> <span className="mono">{v.id.slice(0, 8)}</span> · {fmtPct(v.optimizedScore, 1)}{' '}
          {v.scoredOn === 'dev' ? `on ${v.devSize} dev examples` : 'on the training set (no dev examples)'} · promoted {v.promotedAt ? new Date(v.promotedAt).toLocaleString() : ''} by {v.promotedBy ?? 'an earlier release'}
          {v.stale && <span className="sev-warning"> · optimized for an earlier signature version</span>}
        </p>
      ) : (
        <p className="small muted" data-testid="promoted-program">
          None yet: steps of this dataset run the baseline program.
        </p>
      )}
      {step && (
        <p className={`small ${step.stale ? 'sev-warning' : ''}`} data-testid="step-runs">
          Step <span className="mono">{step.step}</span> of the open workflow runs {step.runs === 'optimized' ? 'the promoted program' : 'the baseline'}: {step.stale ?? step.why}
        </p>
      )}
      <div className="action-row">
        {step?.stale && !step.fieldsChanged && (
          <>
            <button type="button" className="btn outline" onClick={() => choose('keep')} data-testid="stale-keep" aria-pressed={step.staleChoice === 'keep'}>
              Keep using it
            </button>
            <button type="button" className="btn outline" onClick={() => choose('baseline')} data-testid="stale-baseline" aria-pressed={step.staleChoice === 'baseline'}>
              Fall back to the baseline
            </button>
          </>
        )}
        {step?.stale && (
          <button type="button" className="btn primary" onClick={reoptimize} data-testid="stale-reoptimize">
            Re-optimize
          </button>
        )}
        {step?.promoted && !step.optimizationEnabled && (
          <button type="button" className="btn primary" onClick={enable} data-testid="enable-optimization">
            Enable optimization for {step.step}
          </button>
        )}
        {promoted && (
          <button type="button" className="btn outline" onClick={rollback} data-testid="rollback">
            Roll back
          </button>
        )}
      </div>
    </section>
  );
}
