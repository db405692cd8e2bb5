/** Import: JSONL, CSV (with a column mapping) or DSPy Example JSON; a dry run shows row-level errors first. */
import { useEffect, useMemo, useState } from 'react';
import type { FieldSpec, ImportProgress, ImportReport } from '../../shared/api/index';
import { studio } from '../api/client';
import { errText, fileToBase64 } from '../tuning/common';
import { fmtNum, fmtPct } from '../tuning/format';

function csvHeader(text: string): string[] {
  const line = text.split(/\r?\n/, 1)[0] ?? '';
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (q) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') q = false;
      else cur += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  out.push(cur.trim());
  return out.filter(Boolean);
}

/** A preview cell: text as is, other values as JSON, long ones cut. */
function cellText(v: unknown): string {
  const t = v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  return t.length > 120 ? `${t.slice(0, 119)}…` : t;
}

export function ImportDialog({ signature, fields, file, onClose, onDone }: { signature: string; fields: { inputs: FieldSpec[]; outputs: FieldSpec[] }; file: File; onClose: () => void; onDone: (r: ImportReport) => void }) {
  const format = /\.csv$/i.test(file.name) ? 'csv' : /\.jsonl?$/i.test(file.name) && !/\.json$/i.test(file.name) ? 'jsonl' : /\.json$/i.test(file.name) ? 'dspy' : 'jsonl';
  const [content, setContent] = useState<string | null>(null);
  const [columns, setColumns] = useState<string[]>([]);
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [report, setReport] = useState<ImportReport | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // a large file imports on the host's worker thread and reports after each batch of rows
  const [progressId, setProgressId] = useState<string | null>(null);
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  const [dryRunning, setDryRunning] = useState(false);
  const targets = useMemo(() => [...fields.inputs.map((f) => `inputs.${f.name}`), ...fields.outputs.map((f) => `outputs.${f.name}`), 'label', 'rating', 'source', 'labeled_by'], [fields]);

  useEffect(() => {
    void (async () => {
      setContent(await fileToBase64(file));
      if (format === 'csv') {
        const cols = csvHeader(await file.slice(0, 64 * 1024).text());
        setColumns(cols);
        const bare = (t: string) => t.replace(/^(inputs|outputs)\./, '');
        setMapping(Object.fromEntries(cols.map((c) => [c, targets.find((t) => t === c || bare(t) === c) ?? ''])));
      }
    })();
  }, [file, format, targets]);

  useEffect(() => (progressId ? studio.on('data.importProgress', (p) => p.progressId === progressId && setProgress(p)) : undefined), [progressId]);

  const run = async (dryRun: boolean) => {
    if (!content) return;
    const id = crypto.randomUUID();
    setBusy(true);
    setError(null);
    setReport(null);
    setProgress(null);
    setProgressId(id);
    setDryRunning(dryRun);
    try {
      const m = format === 'csv' ? Object.fromEntries(Object.entries(mapping).filter(([, v]) => v)) : undefined;
      const r = await studio.call('data.import', { signature, fileName: file.name, content, format, mapping: m, dryRun, progressId: id });
      setReport(r);
      if (!dryRun && r.ok) onDone(r);
    } catch (e) {
      setError(errText(e));
    } finally {
      setBusy(false);
      setProgressId(null);
      setProgress(null);
    }
  };

  const stop = () => {
    if (progressId) void studio.call('data.cancelImport', { progressId }).catch((e: unknown) => setError(errText(e)));
  };
  // a running import is not left behind a closed dialog: closing stops it (nothing imported)
  const close = () => {
    if (busy) stop();
    onClose();
  };

  return (
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div className="dialog wide" role="dialog" aria-modal="true" aria-labelledby="import-title" data-testid="import-dialog" onKeyDown={(e) => e.key === 'Escape' && close()}>
        <header>
          <h2 id="import-title">
            Import {file.name} <span className="chip">{format === 'dspy' ? 'DSPy Example JSON' : format.toUpperCase()}</span>
          </h2>
          <button type="button" className="btn icon" aria-label="Close" onClick={close}>
            ✕
          </button>
        </header>
        <div className="dialog-body">
          <p className="muted small">
            Into signature <strong>{signature}</strong>. The whole file is checked first; nothing is imported unless every row is valid. Check shows the first rows as they will be stored, or the row errors.
          </p>
          {format === 'csv' && (
            <div className="mapping" data-testid="csv-mapping">
              <h4>Map the CSV columns</h4>
              {columns.map((c) => (
                <div className="row" key={c}>
                  <span className="mono map-col">{c}</span>
                  <span className="muted">→</span>
                  <select className="select" aria-label={`Map column ${c}`} value={mapping[c] ?? ''} onChange={(e) => setMapping({ ...mapping, [c]: e.target.value })}>
                    <option value="">(ignore)</option>
                    {targets.map((t) => (
                      <option key={t} value={t}>
                        {t}
                      </option>
                    ))}
                  </select>
                </div>
              ))}
            </div>
          )}
          {busy && progress && (
            <div className="import-progress" data-testid="import-progress" role="status">
              <div className="progress-head">
                <span className="small">
                  {fmtNum(progress.done)} of about {fmtNum(progress.total)} rows {dryRunning ? 'checked' : 'checked and written'}
                </span>
                <div className="spacer" />
                <span className="small">{fmtPct(progress.share)} of the file read</span>
              </div>
              <div className="progress-bar" role="progressbar" aria-label="Import progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(progress.share * 100)}>
                <div style={{ width: `${progress.share * 100}%` }} />
              </div>
              <div className="small muted" data-testid="import-rate">
                {fmtNum(progress.rowsPerSecond)} rows/s · {progress.secondsLeft === null ? 'time left unknown' : `about ${fmtNum(progress.secondsLeft)} s left (estimate)`}
              </div>
            </div>
          )}
          {report && (
            <div className={`import-report ${report.ok ? 'ok' : report.cancelled ? '' : 'bad'}`} data-testid="import-report" role="status">
              <strong>
                {report.cancelled
                  ? 'Import stopped: nothing imported.'
                  : report.ok
                  ? report.inserted || report.duplicates
                    ? `Imported ${report.inserted} example${report.inserted === 1 ? '' : 's'} (${report.duplicates} duplicate${report.duplicates === 1 ? '' : 's'} skipped).`
                    : `All ${report.rows} rows are valid.`
                  : `${report.errors.length} row error${report.errors.length === 1 ? '' : 's'}: nothing imported.`}
              </strong>
              {report.redactions > 0 && <div className="small">{report.redactions} values were redacted (PII).</div>}
              {report.warnings.map((w) => (
                <div className="small sev-warning" key={w}>
                  {w}
                </div>
              ))}
              {report.ok && !report.importId && report.preview && report.preview.length > 0 && (
                <table className="errors-table" data-testid="import-preview">
                  <caption className="small muted">The first {report.preview.length} rows as they will be stored</caption>
                  <thead>
                    <tr>
                      {fields.inputs.map((f) => (
                        <th key={`inputs.${f.name}`}>inputs.{f.name}</th>
                      ))}
                      {fields.outputs.map((f) => (
                        <th key={`outputs.${f.name}`}>outputs.{f.name}</th>
                      ))}
                      <th>label</th>
                      <th>source</th>
                    </tr>
                  </thead>
                  <tbody>
                    {report.preview.map((r, i) => (
                      <tr key={i}>
                        {fields.inputs.map((f) => (
                          <td key={f.name}>{cellText(r.inputs[f.name])}</td>
                        ))}
                        {fields.outputs.map((f) => (
                          <td key={f.name}>{cellText(r.outputs[f.name])}</td>
                        ))}
                        <td>{r.label}</td>
                        <td>{r.source.replace('_', ' ')} · imported</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              {report.errors.length > 0 && (
                <table className="errors-table" data-testid="import-errors">
                  <thead>
                    <tr>
                      <th>Row</th>
                      <th>Field</th>
                      <th>Problem</th>
                    </tr>
                  </thead>
                  <tbody>
                    {report.errors.slice(0, 200).map((e, i) => (
                      <tr key={i}>
                        <td className="mono">{e.line}</td>
                        <td className="mono">{e.field ?? ''}</td>
                        <td>{e.message}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </div>
          )}
          {error && (
            <div className="inline-error" role="alert">
              {error}
            </div>
          )}
        </div>
        <footer>
          {busy && progress ? (
            <button type="button" className="btn" onClick={stop} data-testid="import-stop">
              Stop
            </button>
          ) : (
            <button type="button" className="btn" onClick={onClose}>
              {report?.ok && !report.importId ? 'Cancel' : 'Close'}
            </button>
          )}
          <button type="button" className="btn outline" disabled={!content || busy} onClick={() => void run(true)} data-testid="import-check">
            Check
          </button>
          <button type="button" className="btn primary" disabled={!content || busy} onClick={() => void run(false)} data-testid="import-confirm">
            {busy ? 'Importing…' : 'Import'}
          </button>
        </footer>
      </div>
    </div>
  );
}
