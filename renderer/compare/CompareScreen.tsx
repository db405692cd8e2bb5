/** Compare: two arms (baseline or program versions) side by side on the same labeled examples. */
import { promote } from '../tuning/step-programs';
import { useEffect, useMemo, useState } from 'react';
import { diffWords } from 'diff';
import type { ComparisonReport, ProgramVersion } from '../../shared/api/index';
import { studio } from '../api/client';
import { useNav, type ArmChoice } from '../stores/nav';
import { attempt, download, Empty, fmtMs, fmtNum, fmtP, fmtPct, fmtUsd, LmBadge, ScreenHeader, SignaturePicker, Stat, useSignatures, valueText } from '../tuning/common';

type Filter = 'all' | 'different' | 'win' | 'loss' | 'error';
const armKey = (a: ArmChoice) => (a === 'baseline' ? 'baseline' : a.version);
const armOf = (k: string): ArmChoice => (k === 'baseline' ? 'baseline' : { version: k });

function HighlightDiff({ a, b, side }: { a: string; b: string; side: 'a' | 'b' }) {
  const parts = diffWords(a, b);
  return (
    <>
      {parts.map((p, i) => {
        if (side === 'a' && p.added) return null;
        if (side === 'b' && p.removed) return null;
        return (
          <span key={i} className={p.added ? 'ins' : p.removed ? 'del' : ''}>
            {p.value}
          </span>
        );
      })}
    </>
  );
}

function csvOf(r: ComparisonReport): string {
  const q = (v: unknown) => `"${valueText(v).replace(/"/g, '""')}"`;
  const lines = [['id', 'inputs', 'expected', 'a_outputs', 'a_score', 'a_error', 'b_outputs', 'b_score', 'b_error', 'outcome'].join(',')];
  for (const e of r.examples) lines.push([e.id, e.inputs, e.expected, e.a.outputs, e.a.score, e.a.error ?? '', e.b.outputs, e.b.score, e.b.error ?? '', e.outcome].map(q).join(','));
  return `${lines.join('\n')}\n`;
}

/** An output against its label: the metric's score colors the cell (green correct, red wrong, amber partial). */
const grade = (x: { score: number; error: string | null }) => (x.error ? 'graded-error' : x.score >= 1 ? 'graded-correct' : x.score <= 0 ? 'graded-wrong' : 'graded-partial');
const gradeTitle = (x: { score: number; error: string | null }) => (x.error ? 'error' : x.score >= 1 ? 'matches the label' : x.score <= 0 ? 'does not match the label' : `partly matches the label (${x.score.toFixed(2)})`);

/** Structured outputs as one `field: value` line per field, not raw JSON. */
function fieldsText(v: unknown): string {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return valueText(v);
  const entries = Object.entries(v as Record<string, unknown>);
  return entries.length === 1 ? valueText(entries[0][1]) : entries.map(([k, x]) => `${k}: ${valueText(x)}`).join('\n');
}

export function CompareScreen() {
  const signature = useNav((s) => s.signature);
  const preset = useNav((s) => s.comparePreset);
  const { signatures, reload } = useSignatures();
  const sig = signatures.find((s) => s.name === signature);
  const [versions, setVersions] = useState<ProgramVersion[]>([]);
  const [a, setA] = useState('baseline');
  const [b, setB] = useState('');
  const [report, setReport] = useState<ComparisonReport | null>(null);
  const [running, setRunning] = useState(false);
  const [filter, setFilter] = useState<Filter>('all');
  const [promotions, setPromotions] = useState(0);
  const armB = versions.find((v) => v.id === b);
  useEffect(() => {
    if (!sig) return;
    void attempt(() => studio.call('optimize.versions', { signature: sig.name }), 'Program versions').then((r) => {
      if (!r) return;
      setVersions(r.versions);
      setB((x) => x || r.promoted || r.versions[0]?.id || '');
    });
  }, [sig, promotions]);
  useEffect(() => {
    if (preset) {
      setA(armKey(preset.a));
      setB(armKey(preset.b));
    }
  }, [preset]);
  const run = async () => {
    if (!sig || !b) return;
    setRunning(true);
    const r = await attempt(() => studio.call('compare.run', { signature: sig.name, a: armOf(a), b: armOf(b) }), 'Comparison');
    setRunning(false);
    if (r) {
      setReport(r);
      setFilter('all');
    }
  };
  useEffect(() => {
    if (preset && sig && b === armKey(preset.b)) {
      useNav.setState({ comparePreset: null });
      void run();
    }
  }, [preset, sig, b]);
  const shown = useMemo(() => (report?.examples ?? []).filter((e) => filter === 'all' || (filter === 'different' ? e.different : e.outcome === filter)), [report, filter]);
  const label = (k: string) => (k === 'baseline' ? 'Baseline (unoptimized)' : (() => {
    const v = versions.find((x) => x.id === k);
    return v ? `${v.strategy} ${v.id.slice(0, 8)} · ${fmtPct(v.optimizedScore)} ${v.scoredOn === 'dev' ? 'dev' : 'train'} · ${v.status === 'promoted' ? `promoted by ${v.promotedBy ?? '?'}` : v.status}` : k;
  })());
  const options = ['baseline', ...versions.map((v) => v.id)];
  return (
    <div className="screen" data-testid="screen-compare">
      <ScreenHeader title="Compare">
        <SignaturePicker onRegistered={reload} />
      </ScreenHeader>
      {!sig ? (
        <Empty title="No signature selected">Pick a signature, then two programs to compare.</Empty>
      ) : (
        <div className="screen-body">
          <div className="toolbar-row">
            <label className="row">
              <span className="muted small">A</span>
              <select className="select" aria-label="Arm A" value={a} onChange={(e) => setA(e.target.value)} data-testid="arm-a">
                {options.map((o) => (
                  <option key={o} value={o}>
                    {label(o)}
                  </option>
                ))}
              </select>
            </label>
            <span className="muted">vs</span>
            <label className="row">
              <span className="muted small">B</span>
              <select className="select" aria-label="Arm B" value={b} onChange={(e) => setB(e.target.value)} data-testid="arm-b">
                <option value="" disabled>
                  Choose a program version…
                </option>
                {options.map((o) => (
                  <option key={o} value={o}>
                    {label(o)}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" className="btn primary" onClick={() => void run()} disabled={running || !b || a === b} data-testid="run-compare">
              {running ? 'Running both arms…' : 'Compare'}
            </button>
            <div className="spacer" />
            {report && (
              <button type="button" className="btn outline" onClick={() => download(`comparison-${sig.name}.csv`, csvOf(report), 'text/csv')} data-testid="export-csv">
                Export CSV
              </button>
            )}
          </div>
          {!report ? (
            <Empty title={running ? 'Running…' : 'No comparison yet'}>{versions.length ? 'Choose two programs and press Compare. Both run on the same held-out labeled examples.' : 'Optimize this signature first: its program versions appear here.'}</Empty>
          ) : (
            <>
              <div className="aggregate card-panel" data-testid="aggregate">
                <div className="stats-row">
                  <Stat label="A mean" value={fmtPct(report.arms.a.mean, 1)} sub={report.arms.a.label} />
                  <Stat label="B mean" value={fmtPct(report.arms.b.mean, 1)} sub={report.arms.b.label} />
                  <Stat label="Difference (B − A)" value={`${report.aggregate.difference >= 0 ? '+' : ''}${(report.aggregate.difference * 100).toFixed(1)} pts`} sub={report.aggregate.ci ? `95% CI ${(report.aggregate.ci[0] * 100).toFixed(1)} to ${(report.aggregate.ci[1] * 100).toFixed(1)} pts` : 'no CI'} />
                  <Stat label="Significance" value={<span className={report.aggregate.significant ? 'sev-ok' : ''}>{fmtP(report.aggregate.pValue)}</span>} sub={`${report.aggregate.test}${report.aggregate.significant ? ' · significant' : ' · not significant'}`} testId="significance" />
                  <Stat label="Win / tie / loss" value={<span data-testid="wtl">{report.wins} / {report.ties} / {report.losses}</span>} sub={`${report.errors} errors · n = ${report.n}`} />
                </div>
                <p className="small muted" data-testid="examples-from">
                  Both arms ran on {report.examplesFrom}.
                </p>
                {armB && (
                  <div className="action-row">
                    <button type="button" className="btn primary" disabled={armB.status === 'promoted'} onClick={() => void promote(armB.id, armB.task).then((ok) => ok && setPromotions((n) => n + 1))} data-testid="compare-promote">
                      {armB.status === 'promoted' ? `B is promoted (by ${armB.promotedBy ?? '?'})` : 'Promote B'}
                    </button>
                  </div>
                )}
                {report.aggregate.tooFew && (
                  <div className="warning-banner" role="note" data-testid="too-few">
                    <strong>Too few examples to tell.</strong> {report.aggregate.message.replace(/^too few examples to tell:\s*/i, '') || 'Label more held-out examples for a reliable verdict.'}
                  </div>
                )}
                <div className="stats-row">
                  <Stat label="Latency A" value={fmtMs(report.arms.a.latencyMsPerExample)} sub="per example" />
                  <Stat label="Latency B" value={fmtMs(report.arms.b.latencyMsPerExample)} sub="per example" />
                  <Stat label="Cost A" value={fmtUsd(report.arms.a.costUsd)} sub={`${fmtNum(report.arms.a.lmCalls)} LM calls`} />
                  <Stat label="Cost B" value={fmtUsd(report.arms.b.costUsd)} sub={`${fmtNum(report.arms.b.lmCalls)} LM calls`} />
                  <div className="stat">
                    <div className="stat-label">Model</div>
                    <LmBadge label={report.lmLabel} />
                    <div className="stat-sub">metric {report.metric}</div>
                  </div>
                </div>
              </div>
              <div className="segmented" role="radiogroup" aria-label="Show examples">
                {(
                  [
                    ['all', `All (${report.n})`],
                    ['different', `Different (${report.examples.filter((e) => e.different).length})`],
                    ['win', `Wins (${report.wins})`],
                    ['loss', `Losses (${report.losses})`],
                    ['error', `Errors (${report.errors})`],
                  ] as [Filter, string][]
                ).map(([f, t]) => (
                  <button key={f} type="button" role="radio" aria-checked={filter === f} className={filter === f ? 'active' : ''} onClick={() => setFilter(f)} data-testid={`filter-${f}`}>
                    {t}
                  </button>
                ))}
              </div>
              <div className="compare-table" role="table" aria-label="Per-example comparison" data-testid="compare-table">
                <div className="ct-row head" role="row">
                  <span role="columnheader">Input</span>
                  <span role="columnheader">Expected</span>
                  <span role="columnheader">A output</span>
                  <span role="columnheader">B output</span>
                  <span role="columnheader">Score A / B</span>
                  <span role="columnheader">Outcome</span>
                </div>
                {shown.map((e) => {
                  const ta = e.a.error ? `error: ${e.a.error}` : fieldsText(e.a.outputs);
                  const tb = e.b.error ? `error: ${e.b.error}` : fieldsText(e.b.outputs);
                  return (
                    <div className={`ct-row ${e.outcome}`} role="row" key={e.id}>
                      <span role="cell" className="mono">{valueText(Object.values(e.inputs)[0])}</span>
                      <span role="cell" className="mono pre">{fieldsText(e.expected)}</span>
                      <span role="cell" className={`mono pre ${grade(e.a)}`} title={gradeTitle(e.a)} data-testid="cell-a">
                        {e.different ? <HighlightDiff a={ta} b={tb} side="a" /> : ta}
                      </span>
                      <span role="cell" className={`mono pre ${grade(e.b)}`} title={gradeTitle(e.b)} data-testid="cell-b">
                        {e.different ? <HighlightDiff a={ta} b={tb} side="b" /> : tb}
                      </span>
                      <span role="cell">
                        {fmtNum(e.a.score, 2)} / {fmtNum(e.b.score, 2)}
                      </span>
                      <span role="cell">
                        <span className={`outcome-pill ${e.outcome}`}>{e.outcome}</span>
                      </span>
                    </div>
                  );
                })}
                {shown.length === 0 && <div className="muted small pad">No examples in this filter.</div>}
              </div>
            </>
          )}
        </div>
      )}
    </div>
  );
}
