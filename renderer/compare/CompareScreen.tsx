/** Compare: two arms (baseline or program versions) side by side on the same labeled examples. */
import { promote } from '../tuning/step-programs';
import { useEffect, useMemo, useState } from 'react';
import { diffWords } from 'diff';
import type { ArmTrace, ComparisonExample, ComparisonReport, ProgramVersion } from '../../shared/api/index';
import { flatFields } from './fields';
import { studio } from '../api/client';
import { useNav, type ArmChoice } from '../stores/nav';
import { attempt, download, Empty, fmtMs, fmtNum, fmtP, fmtPct, fmtUsd, LmBadge, NoDataset, ScreenHeader, SignaturePicker, Stat, useSignatures, valueText } from '../tuning/common';

type Filter = 'all' | 'different' | 'win' | 'loss' | 'error';
const armKey = (a: ArmChoice) => (a === 'baseline' ? 'baseline' : a.version);
const armOf = (k: string): ArmChoice => (k === 'baseline' ? 'baseline' : { version: k });

/** One side of a word diff of two texts: A shows what B removed, B what it added. */
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

/** A structured value as its fields (nested ones by their dotted path), each diffed against the other arm's. */
function Fields({ value, other, side, testId }: { value: unknown; other?: unknown; side?: 'a' | 'b'; testId?: string }) {
  const mine = flatFields(value);
  const theirs = new Map(other === undefined ? [] : flatFields(other));
  if (mine.length === 1 && mine[0][0] === '') {
    const t = theirs.get('');
    return <span data-testid={testId}>{side && t !== undefined && t !== mine[0][1] ? <HighlightDiff a={side === 'a' ? mine[0][1] : t} b={side === 'a' ? t : mine[0][1]} side={side} /> : mine[0][1]}</span>;
  }
  return (
    <dl className="fields" data-testid={testId}>
      {mine.map(([k, v]) => {
        const t = theirs.get(k);
        return (
          <div key={k} className="field-line">
            <dt>{k}</dt>
            <dd>{side && t !== undefined && t !== v ? <HighlightDiff a={side === 'a' ? v : t} b={side === 'a' ? t : v} side={side} /> : v}</dd>
          </div>
        );
      })}
    </dl>
  );
}

/** The example of a row with both arms' outputs, and their traces run again on it. */
function ExampleDialog({ signature, example, arms, labels, onClose }: { signature: string; example: ComparisonExample; arms: [string, string]; labels: [string, string]; onClose: () => void }) {
  const [traces, setTraces] = useState<{ a: ArmTrace; b: ArmTrace } | null>(null);
  const [loading, setLoading] = useState(true);
  useEffect(() => {
    let live = true;
    setLoading(true);
    void attempt(() => studio.call('compare.trace', { signature, a: armOf(arms[0]), b: armOf(arms[1]), exampleId: example.id }), 'Tracing both arms').then((r) => {
      if (!live) return;
      setLoading(false);
      if (r) setTraces(r);
    });
    return () => {
      live = false;
    };
  }, [signature, example.id, arms]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  const side = (which: 'a' | 'b') => {
    const r = example[which];
    const t = traces?.[which];
    return (
      <section className="ex-arm" aria-label={`Arm ${which.toUpperCase()}`} data-testid={`trace-${which}`}>
        <h3>
          {which.toUpperCase()} · {labels[which === 'a' ? 0 : 1]}
        </h3>
        <div className={`ex-out ${grade(r)}`} title={gradeTitle(r)}>
          {r.error ? `error: ${r.error}` : <Fields value={r.outputs} />}
        </div>
        <div className="muted small">
          score {fmtNum(r.score, 2)} · {gradeTitle(r)}
        </div>
        <h4>Trace (run again now)</h4>
        {loading && <p className="muted small">Running {which.toUpperCase()} on this example…</p>}
        {t?.error && <div className="inline-error">{t.error}</div>}
        {t && (
          <p className="muted small">
            {t.lmCalls.length} LM {t.lmCalls.length === 1 ? 'call' : 'calls'} · {fmtMs(t.latencyMs)} (measured)
          </p>
        )}
        {t?.lmCalls.map((c, i) => (
          <div className="ex-call" key={i}>
            <div className="muted small">
              LM call {i + 1} · <span className="mono">{c.model}</span> · {c.promptTokens} / {c.completionTokens} tokens
            </div>
            {c.messages.map((m, j) => (
              <div className="ex-msg" key={j}>
                <span className="ex-role">{m.role}</span>
                <pre tabIndex={0}>{m.content}</pre>
              </div>
            ))}
            {c.outputs.map((o, j) => (
              <div className="ex-msg" key={`o${j}`}>
                <span className="ex-role">answer</span>
                <pre tabIndex={0}>{o}</pre>
              </div>
            ))}
          </div>
        ))}
      </section>
    );
  };
  return (
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="dialog example-dialog" role="dialog" aria-modal="true" aria-labelledby="example-title" data-testid="example-dialog">
        <header>
          <h2 id="example-title">
            Example <span className="mono">{example.id.slice(0, 12)}</span> · <span className={`outcome-pill ${example.outcome}`}>{example.outcome}</span>
          </h2>
          <button type="button" className="btn icon" aria-label="Close" onClick={onClose} autoFocus>
            ✕
          </button>
        </header>
        <div className="dialog-body">
          <div className="ex-io">
            <section aria-label="Inputs">
              <h3>Inputs</h3>
              <Fields value={example.inputs} />
            </section>
            <section aria-label="Expected">
              <h3>Expected (the label)</h3>
              <Fields value={example.expected} />
            </section>
          </div>
          <div className="ex-arms">
            {side('a')}
            {side('b')}
          </div>
        </div>
      </div>
    </div>
  );
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
  const [opened, setOpened] = useState<ComparisonExample | null>(null);
  // The arms the report was run with (the pickers may have moved since).
  const [ranWith, setRanWith] = useState<[string, string]>(['baseline', '']);
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
      setRanWith([a, b]);
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
        <NoDataset what="Comparing programs" />
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
                  const open = () => setOpened(e);
                  return (
                    <div
                      className={`ct-row clickable ${e.outcome}`}
                      role="row"
                      key={e.id}
                      tabIndex={0}
                      aria-label={`Example ${e.id.slice(0, 8)}, ${e.outcome}: open with both traces`}
                      onClick={open}
                      onKeyDown={(k) => (k.key === 'Enter' || k.key === ' ') && (k.preventDefault(), open())}
                      data-testid="compare-row"
                    >
                      <span role="cell" className="mono">{valueText(Object.values(e.inputs)[0])}</span>
                      <span role="cell" className="mono pre">
                        <Fields value={e.expected} />
                      </span>
                      <span role="cell" className={`mono pre ${grade(e.a)}`} title={gradeTitle(e.a)} data-testid="cell-a">
                        {e.a.error ? `error: ${e.a.error}` : <Fields value={e.a.outputs} other={e.different && !e.b.error ? e.b.outputs : undefined} side="a" />}
                      </span>
                      <span role="cell" className={`mono pre ${grade(e.b)}`} title={gradeTitle(e.b)} data-testid="cell-b">
                        {e.b.error ? `error: ${e.b.error}` : <Fields value={e.b.outputs} other={e.different && !e.a.error ? e.a.outputs : undefined} side="b" />}
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
              <p className="muted small">Click a row (or focus it and press Enter) to open the example with both arms' traces.</p>
              {opened && <ExampleDialog signature={sig.name} example={opened} arms={ranWith} labels={[report.arms.a.label, report.arms.b.label]} onClose={() => setOpened(null)} />}
            </>
          )}
        </div>
      )}
    </div>
  );
}
