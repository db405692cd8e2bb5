/** Data: the datasets of a signature (table, import/export), labeling, quality and bias, versions. */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { DatasetVersion, ExampleRow, QualityReport, SignatureSummary, VersionLineage } from '../../shared/api/index';
import { LABEL_STATES, SOURCES, SPLITS } from '../../shared/api/index';
import { studio } from '../api/client';
import { useNav } from '../stores/nav';
import { useUi } from '../stores/ui';
import { attempt, Bar, download, Empty, fmtPct, ScreenHeader, SignaturePicker, Tabs, useSignatures, valueText } from '../tuning/common';
import { ExamplesTable } from './ExamplesTable';
import { ImportDialog } from './ImportDialog';
import { Labeling } from './Labeling';
import { SchemaBanner, SignatureSync } from './SchemaChange';

type Tab = 'examples' | 'quality' | 'versions';

export function DataScreen() {
  const signature = useNav((s) => s.signature);
  const { signatures, reload } = useSignatures();
  const sig = signatures.find((s) => s.name === signature);
  const [tab, setTab] = useState<Tab>('examples');
  // A schema answer rewrites rows: the views remount to show them.
  const [revision, setRevision] = useState(0);
  const rewritten = () => {
    reload();
    setRevision((n) => n + 1);
  };
  return (
    <div className="screen" data-testid="screen-data">
      <ScreenHeader title="Data">
        <SignaturePicker onRegistered={reload} />
      </ScreenHeader>
      {!sig ? (
        <Empty title="No dataset selected">Pick a signature above. A workflow's DSPy steps appear in the list: choosing one registers its signature as a dataset.</Empty>
      ) : (
        <>
          <SignatureSync sig={sig} onChanged={rewritten} />
          <SchemaBanner key={`schema-${revision}`} sig={sig} onChanged={rewritten} />
          <Tabs
            label="Data views"
            value={tab}
            onChange={setTab}
            tabs={[
              { id: 'examples', label: 'Examples' },
              { id: 'quality', label: 'Quality & bias' },
              { id: 'versions', label: 'Versions' },
            ]}
          />
          <div className="screen-body" role="tabpanel" aria-labelledby={`tab-${tab}`}>
            {tab === 'examples' && <Examples key={revision} sig={sig} onChanged={reload} />}
            {tab === 'quality' && <Quality sig={sig} />}
            {tab === 'versions' && <Versions sig={sig} />}
          </div>
        </>
      )}
    </div>
  );
}

/** Rows fetched per request: the table asks for the next page as it scrolls to the end. */
const PAGE = 1000;
/** Rows left in the labeling queue when it fetches the next ones. */
const QUEUE_AHEAD = 20;
const SORTS = [
  ['added', 'Order added'],
  ['newest', 'Newest first'],
  ['oldest', 'Oldest first'],
  ['label', 'By label'],
  ['rating', 'Highest rating'],
] as const;

function Examples({ sig, onChanged }: { sig: SignatureSummary; onChanged: () => void }) {
  const [rows, setRows] = useState<ExampleRow[]>([]);
  const [total, setTotal] = useState(0);
  const [matching, setMatching] = useState(0);
  const [labelCounts, setLabelCounts] = useState<Record<string, number>>({});
  const [loading, setLoading] = useState(true);
  const [sort, setSort] = useState<(typeof SORTS)[number][0]>('added');
  const [searchText, setSearchText] = useState('');
  const [search, setSearch] = useState('');
  const [labelState, setLabelState] = useState('');
  const [source, setSource] = useState('');
  const [split, setSplit] = useState('');
  const [quality, setQuality] = useState('');
  const [labelIndex, setLabelIndex] = useState<number | null>(null);
  // The rows being labeled stay put while their labels change (a filter on "unlabeled" would drop them).
  const [labelIds, setLabelIds] = useState<string[]>([]);
  const [importFile, setImportFile] = useState<File | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  // label, source, split, search and sort run in the host (SQL, one page at a time); quality filters the loaded rows
  const query = useMemo(
    () => ({
      signature: sig.name,
      labelState: (labelState || undefined) as ExampleRow['labelState'] | undefined,
      source: (source || undefined) as ExampleRow['source'] | undefined,
      split: (split || undefined) as ExampleRow['split'] | undefined,
      search: search || undefined,
      sort: sort === 'added' ? undefined : sort,
    }),
    [sig.name, labelState, source, split, search, sort],
  );
  const load = useCallback(async () => {
    setLoading(true);
    const r = await attempt(() => studio.call('data.list', { ...query, limit: PAGE }), 'Loading examples');
    if (r) {
      setRows(r.rows);
      setTotal(r.total);
      setMatching(r.matching);
      setLabelCounts(r.labelCounts);
    }
    setLoading(false);
  }, [query]);
  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    const t = setTimeout(() => setSearch(searchText.trim()), 300);
    return () => clearTimeout(t);
  }, [searchText]);
  const fetching = useRef(false);
  // Loaded rows labeled away from a label-state filter no longer count in the host's order of matching rows.
  const loadedMatching = useMemo(() => (query.labelState ? rows.filter((r) => r.labelState === query.labelState).length : rows.length), [rows, query.labelState]);
  /** The next page of the same query; returns its rows. */
  const loadMore = useCallback(async (): Promise<ExampleRow[]> => {
    if (fetching.current || loadedMatching >= matching) return [];
    fetching.current = true;
    const r = await attempt(() => studio.call('data.list', { ...query, limit: PAGE, offset: loadedMatching }), 'Loading examples');
    fetching.current = false;
    if (!r) return [];
    setMatching(r.matching);
    setRows((rs) => rs.concat(r.rows));
    return r.rows;
  }, [query, loadedMatching, matching]);

  const passesQuality = useCallback((r: ExampleRow) => !quality || (quality === 'usable' ? r.usable : quality === 'low' ? !r.usable : (r.quality ?? 0) >= Number(quality)), [quality]);
  const filtered = useMemo(() => rows.filter(passesQuality), [rows, passesQuality]);

  const exportAs = async (format: 'jsonl' | 'csv' | 'dspy') => {
    const r = await attempt(() => studio.call('data.export', { signature: sig.name, format }), 'Export');
    if (r) download(r.fileName, r.content, format === 'csv' ? 'text/csv' : 'application/json');
  };

  const openLabeling = (index: number) => {
    setLabelIds(filtered.map((r) => r.id));
    setLabelIndex(index);
  };
  const startLabeling = () => {
    const first = filtered.findIndex((r) => r.labelState === 'unlabeled');
    openLabeling(first >= 0 ? first : 0);
  };
  // The labeling queue fetches the next rows of the same query as it nears the end of those loaded.
  useEffect(() => {
    if (labelIndex === null || labelIndex < labelIds.length - QUEUE_AHEAD) return;
    void loadMore().then((more) => {
      const ids = more.filter(passesQuality).map((r) => r.id);
      if (ids.length) setLabelIds((have) => have.concat(ids));
    });
  }, [labelIndex, labelIds.length, loadMore, passesQuality]);
  const byId = useMemo(() => new Map(rows.map((r) => [r.id, r])), [rows]);
  const labelRows = useMemo(() => labelIds.map((id) => byId.get(id)).filter((r): r is ExampleRow => r !== undefined), [labelIds, byId]);

  if (labelIndex !== null) {
    return (
      <Labeling
        rows={labelRows}
        index={labelIndex}
        setIndex={setLabelIndex}
        inputs={sig.spec.input_fields}
        outputs={sig.spec.output_fields}
        onChanged={(row) => setRows((rs) => rs.map((r) => (r.id === row.id ? row : r)))}
        onClose={() => {
          setLabelIndex(null);
          onChanged();
        }}
      />
    );
  }

  return (
    <div className="examples">
      <div className="toolbar-row">
        <select className="select compact" aria-label="Filter by label state" value={labelState} onChange={(e) => setLabelState(e.target.value)} data-testid="filter-label">
          <option value="">All labels</option>
          {LABEL_STATES.map((s) => (
            <option key={s} value={s}>
              {s} ({labelCounts[s] ?? 0})
            </option>
          ))}
        </select>
        <select className="select compact" aria-label="Filter by source" value={source} onChange={(e) => setSource(e.target.value)}>
          <option value="">All sources</option>
          {SOURCES.map((s) => (
            <option key={s} value={s}>
              {s.replace('_', ' ')}
            </option>
          ))}
        </select>
        <select className="select compact" aria-label="Filter by split" value={split} onChange={(e) => setSplit(e.target.value)}>
          <option value="">All splits</option>
          {SPLITS.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <input className="input compact" type="search" placeholder="Search inputs and outputs" aria-label="Search inputs and outputs" value={searchText} onChange={(e) => setSearchText(e.target.value)} data-testid="examples-search" />
        <select className="select compact" aria-label="Sort" value={sort} onChange={(e) => setSort(e.target.value as typeof sort)} data-testid="examples-sort">
          {SORTS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        <select className="select compact" aria-label="Filter by quality" value={quality} onChange={(e) => setQuality(e.target.value)}>
          <option value="">Any quality</option>
          <option value="usable">Usable for optimization</option>
          <option value="low">Below threshold / rejected</option>
          <option value="0.9">Quality ≥ 90%</option>
        </select>
        <span className="muted small" data-testid="examples-count">
          {loading ? 'Loading…' : quality && rows.length < matching ? `${filtered.length} of the first ${rows.length} loaded (${matching} match, ${total} examples)` : `${quality ? filtered.length : matching} of ${total} examples`}
        </span>
        <div className="spacer" />
        <input
          ref={fileInput}
          type="file"
          accept=".jsonl,.json,.csv,.ndjson"
          className="sr-only"
          aria-label="Choose a file to import"
          data-testid="import-file"
          tabIndex={-1}
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) setImportFile(f);
            e.target.value = '';
          }}
        />
        <button type="button" className="btn outline" onClick={() => fileInput.current?.click()} data-testid="import-button">
          Import…
        </button>
        <div className="btn-group" role="group" aria-label="Export">
          <button type="button" className="btn outline" onClick={() => void exportAs('jsonl')}>
            Export JSONL
          </button>
          <button type="button" className="btn outline" onClick={() => void exportAs('csv')}>
            CSV
          </button>
          <button type="button" className="btn outline" onClick={() => void exportAs('dspy')}>
            DSPy JSON
          </button>
        </div>
        <button type="button" className="btn primary" onClick={startLabeling} disabled={filtered.length === 0} data-testid="start-labeling">
          Label
        </button>
      </div>
      {total === 0 && !loading ? (
        <Empty title="This dataset is empty">Import a JSONL, CSV or DSPy Example JSON file, or run the workflow with training data collection on.</Empty>
      ) : (
        <ExamplesTable rows={filtered} inputNames={sig.spec.input_fields.map((f) => f.name)} outputNames={sig.spec.output_fields.map((f) => f.name)} onOpen={openLabeling} onEnd={() => void loadMore()} />
      )}
      {importFile && (
        <ImportDialog
          signature={sig.name}
          fields={{ inputs: sig.spec.input_fields, outputs: sig.spec.output_fields }}
          file={importFile}
          onClose={() => setImportFile(null)}
          onDone={(r) => {
            useUi.getState().toast('success', `Imported ${r.inserted} examples from ${r.file}`);
            setImportFile(null);
            void load();
            onChanged();
          }}
        />
      )}
    </div>
  );
}

const DIMENSION_HELP: Record<string, string> = {
  completeness: 'every field is filled',
  consistency: 'values match their declared types and schemas',
  accuracy: 'from labels and ratings',
  relevance: 'outputs relate to their inputs',
  diversity: 'few near-duplicate inputs',
  freshness: 'how recent the examples are',
  coverage: 'how well the output classes are covered',
  bias_score: '1 minus the bias score',
};

/** " ± x" beside a figure estimated from a sample: a share as a percentage, a count (of `total`) as a count. */
function pm(interval: number | undefined, total?: number): string {
  if (interval === undefined) return '';
  return total === undefined ? ` ± ${fmtPct(interval, 1)}` : ` ± ${Math.round(interval)}`;
}

function Quality({ sig }: { sig: SignatureSummary }) {
  const [q, setQ] = useState<QualityReport | null>(null);
  useEffect(() => {
    void attempt(() => studio.call('data.quality', { signature: sig.name }), 'Quality').then((r) => r && setQ(r));
  }, [sig.name]);
  if (!q) return <div className="muted pad">Scoring…</div>;
  return (
    <div className="grid-2" data-testid="quality">
      <section className="card-panel">
        <h3>
          Quality <span className="big-num">{fmtPct(q.overall)}</span>
        </h3>
        <p className="muted small">
          {q.examples} examples · threshold {fmtPct(q.threshold)} · {q.usable} usable{pm(q.sample?.intervals.usable, q.examples)}
        </p>
        {q.sample && (
          <p className="muted small" data-testid="quality-sample">
            Estimated from a uniform sample of {q.sample.size} of {q.sample.of} examples (± 95% interval); {q.sample.withinSample.join(', ')} only see the sample.
          </p>
        )}
        {Object.entries(q.dimensions).map(([k, v]) => (
          <Bar key={k} label={k.replace('_', ' ')} value={v} detail={v === null ? 'n/a' : `${fmtPct(v)}${pm(q.sample?.intervals[k])}`} />
        ))}
        <p className="muted small">{Object.entries(DIMENSION_HELP).map(([k, v]) => `${k.replace('_', ' ')}: ${v}`).join(' · ')}</p>
      </section>
      <section className="card-panel">
        <h3>Findings</h3>
        <ul className="findings" data-testid="findings">
          {q.findings.map((f) => (
            <li key={f}>{f}</li>
          ))}
        </ul>
        <h3>
          Bias <span className={`sev-pill ${q.bias.severity}`}>{q.bias.enabled ? q.bias.severity : 'off'}</span>
        </h3>
        {q.bias.dimensions.map((d) => (
          <div key={d.dimension} className="bias-item">
            <Bar label={d.dimension.replace('_', ' ')} value={d.measurable ? d.score : null} detail={d.measurable ? `${fmtPct(d.score)}${pm(d.interval)} · ${d.severity}` : 'n/a'} tone={!d.measurable ? 'accent' : d.severity === 'high' ? 'bad' : d.severity === 'medium' ? 'warn' : 'ok'} />
            <div className="small muted bias-finding">{d.finding}</div>
          </div>
        ))}
      </section>
    </div>
  );
}

function Versions({ sig }: { sig: SignatureSummary }) {
  const [versions, setVersions] = useState<DatasetVersion[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [lineage, setLineage] = useState<VersionLineage | null>(null);
  const [a, setA] = useState('');
  const [b, setB] = useState('');
  const [diff, setDiff] = useState<Awaited<ReturnType<typeof studio.call<'data.diff'>>> | null>(null);
  const [note, setNote] = useState('');
  const load = useCallback(async () => {
    const r = await attempt(() => studio.call('data.versions', { signature: sig.name }), 'Versions');
    if (r) {
      setVersions(r.versions);
      if (r.versions.length >= 2) {
        setA((x) => x || r.versions[1].id);
        setB((x) => x || r.versions[0].id);
      }
    }
  }, [sig.name]);
  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    if (selected) void attempt(() => studio.call('data.lineage', { version: selected }), 'Lineage').then((r) => r && setLineage(r));
  }, [selected]);
  const create = async () => {
    const r = await attempt(() => studio.call('data.createVersion', { signature: sig.name, note: note || undefined }), 'Create version');
    if (r) {
      useUi.getState().toast('success', r.sameAsParent ? `Version ${r.version.number} created (same content as its parent)` : `Version ${r.version.number} created`);
      setNote('');
      void load();
    }
  };
  const byId = new Map(versions.map((v) => [v.id, v]));
  return (
    <div className="grid-2" data-testid="versions">
      <section className="card-panel">
        <h3>Versions</h3>
        <div className="row">
          <input className="input" placeholder="Note (optional)" aria-label="Version note" value={note} onChange={(e) => setNote(e.target.value)} />
          <button type="button" className="btn primary" onClick={() => void create()} data-testid="create-version">
            Snapshot
          </button>
        </div>
        <ol className="version-list">
          {versions.map((v) => (
            <li key={v.id}>
              <button type="button" className={`version-item ${selected === v.id ? 'selected' : ''}`} onClick={() => setSelected(v.id)}>
                <strong>v{v.number}</strong> <span className="muted small">{new Date(v.createdAt).toLocaleString()}</span>
                <span className="small">
                  {v.rowCount} rows · {v.createdBy}
                  {v.parentId ? ` · from v${byId.get(v.parentId)?.number ?? '?'}` : ''}
                </span>
                {v.note && <span className="small muted">{v.note}</span>}
              </button>
            </li>
          ))}
          {versions.length === 0 && <li className="muted small">No versions yet. An optimization run snapshots one automatically.</li>}
        </ol>
      </section>
      <section className="card-panel">
        {lineage && (
          <>
            <h3>Lineage of v{lineage.version.number}</h3>
            <div className="lineage">
              {[...lineage.ancestors].reverse().map((id) => (
                <span key={id} className="chip">
                  v{byId.get(id)?.number ?? id.slice(4, 10)}
                </span>
              ))}
              <span className="chip active">v{lineage.version.number}</span>
            </div>
            {lineage.diffFromParent && (
              <p className="small">
                From its parent: +{lineage.diffFromParent.added} added, −{lineage.diffFromParent.removed} removed, {lineage.diffFromParent.changed} changed.
              </p>
            )}
            <p className="small muted">
              By label: {Object.entries(lineage.byLabel).map(([k, v]) => `${k} ${v}`).join(', ')} · by source: {Object.entries(lineage.bySource).map(([k, v]) => `${k.replace('_', ' ')} ${v}`).join(', ')} · {lineage.labels.count} label events
            </p>
            {lineage.imports.length > 0 && <p className="small muted">Imports: {lineage.imports.map((i) => `${i.fileName} (${i.rows} rows, ${i.createdBy})`).join('; ')}</p>}
          </>
        )}
        <h3>Diff two versions</h3>
        <div className="row">
          <select className="select" aria-label="From version" value={a} onChange={(e) => setA(e.target.value)}>
            <option value="">From…</option>
            {versions.map((v) => (
              <option key={v.id} value={v.id}>
                v{v.number}
              </option>
            ))}
          </select>
          <span className="muted">→</span>
          <select className="select" aria-label="To version" value={b} onChange={(e) => setB(e.target.value)}>
            <option value="">To…</option>
            {versions.map((v) => (
              <option key={v.id} value={v.id}>
                v{v.number}
              </option>
            ))}
          </select>
          <button type="button" className="btn outline" disabled={!a || !b} onClick={() => void attempt(() => studio.call('data.diff', { signature: sig.name, a, b }), 'Diff').then((r) => r && setDiff(r))} data-testid="diff-versions">
            Diff
          </button>
        </div>
        {diff && (
          <div className="diff-summary" data-testid="version-diff">
            <p className="small">
              <span className="sev-ok">+{diff.added.length} added</span> · <span className="sev-error">−{diff.removed.length} removed</span> · <span className="sev-warning">{diff.changed.length} changed</span> · {diff.unchanged} unchanged
            </p>
            <ul className="diff-rows">
              {diff.changed.slice(0, 50).map((c) => (
                <li key={c.after.id} className="small">
                  <span className="mono">{valueText(Object.values(c.after.inputs)[0]).slice(0, 60)}</span>: {c.before.labelState}
                  {c.before.rating ? ` ★${c.before.rating}` : ''} → {c.after.labelState}
                  {c.after.rating ? ` ★${c.after.rating}` : ''}
                  {JSON.stringify(c.before.outputs) !== JSON.stringify(c.after.outputs) ? ` (outputs ${valueText(c.before.outputs)} → ${valueText(c.after.outputs)})` : ''}
                </li>
              ))}
              {diff.added.slice(0, 20).map((r) => (
                <li key={r.id} className="small sev-ok">
                  + {valueText(r.inputs).slice(0, 80)}
                </li>
              ))}
              {diff.removed.slice(0, 20).map((r) => (
                <li key={r.id} className="small sev-error">
                  − {valueText(r.inputs).slice(0, 80)}
                </li>
              ))}
            </ul>
          </div>
        )}
      </section>
    </div>
  );
}
