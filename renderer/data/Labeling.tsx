/**
 * Labeling mode, keyboard first: ←/→ move, 1-5 rate (on a classification output, 1-9 pick a choice),
 * a accept, r reject, e edit, n note, Ctrl/Cmd+Enter save and advance, Ctrl/Cmd+Z undo the last label, ? help.
 */
import { fieldProblems } from '../../shared/dspy/json-schema';
import type { SignatureField } from '../../shared/dspy/signature';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ExampleRow, FieldSpec } from '../../shared/api/index';
import { LABEL_NOTE_MAX } from '../../shared/api/tuning';
import { studio } from '../api/client';
import { useNav } from '../stores/nav';
import { useUi } from '../stores/ui';
import { attempt, errText, valueText } from '../tuning/common';
import { choiceLabel, choicesFor, rowsFor } from './label-choices';
import { comboOf, displayCombo, LABEL_ACTIONS, tip, useLabelBindings, type LabelAction } from './label-shortcuts';

/** Parses the edited outputs: strings as typed, everything else as JSON; returns errors per field. */
export function parseOutputs(fields: FieldSpec[], draft: Record<string, string>): { outputs: Record<string, unknown>; errors: string[] } {
  const outputs: Record<string, unknown> = {};
  const errors: string[] = [];
  for (const f of fields) {
    const raw = draft[f.name] ?? '';
    if (f.type === 'string') {
      outputs[f.name] = raw;
      continue;
    }
    try {
      outputs[f.name] = JSON.parse(raw);
    } catch (e) {
      errors.push(`${f.name}: not valid JSON (${errText(e)})`);
      continue;
    }
    // The host's checker: a correction the app accepts is one the store accepts.
    errors.push(...fieldProblems(f as SignatureField, outputs[f.name], 'outputs'));
  }
  return { outputs, errors };
}

/** Labeled rows read per state to find a field's classes (more than a few classes is free text anyway). */
const LABELED_SAMPLE = 1000;

/** A note to send: trimmed, and none when blank. */
const noteOf = (note: string | null): { note?: string } => (note?.trim() ? { note: note.trim() } : {});

export function Labeling({
  rows,
  index,
  setIndex,
  inputs,
  outputs,
  onChanged,
  onClose,
}: {
  rows: ExampleRow[];
  index: number;
  setIndex: (i: number) => void;
  inputs: FieldSpec[];
  outputs: FieldSpec[];
  onChanged: (row: ExampleRow) => void;
  onClose: () => void;
}) {
  const row = rows[index];
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState<Record<string, string>>({});
  const [help, setHelp] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [recording, setRecording] = useState<LabelAction | null>(null);
  // The note field's text (null: closed; always open while editing); it goes with the next reject or correction.
  const [note, setNote] = useState<string | null>(null);
  const noteRef = useRef<HTMLInputElement>(null);
  const bindings = useLabelBindings((s) => s.bindings);
  const rootRef = useRef<HTMLDivElement>(null);
  const firstEditor = useRef<HTMLTextAreaElement>(null);
  // Past the last example: the done screen.
  const [done, setDone] = useState(false);
  // Labels saved in this session, newest last, for Ctrl+Z.
  const history = useRef<{ id: string; index: number }[]>([]);
  const [undoable, setUndoable] = useState(0);
  // The dataset's labeled rows beside the queue: a filtered queue may not hold every class.
  const signature = useNav((s) => s.signature);
  const [labeled, setLabeled] = useState<ExampleRow[]>([]);
  useEffect(() => {
    if (!signature) return;
    let live = true;
    void attempt(() => Promise.all((['accepted', 'corrected'] as const).map((labelState) => studio.call('data.list', { signature, labelState, limit: LABELED_SAMPLE }))), 'Loading the labeled values').then(
      (rs) => live && rs && setLabeled(rs.flatMap((r) => r.rows)),
    );
    return () => {
      live = false;
    };
  }, [signature]);
  const choices = useMemo(() => new Map(outputs.map((f) => [f.name, choicesFor(f, [...new Map([...labeled, ...rows].map((r) => [r.id, r])).values()])] as const).filter((e): e is [string, NonNullable<(typeof e)[1]>] => e[1] !== null)), [outputs, rows, labeled]);
  // Number keys pick a choice of the first classification output.
  const keyed = outputs.find((f) => choices.has(f.name));

  const startEdit = useCallback(() => {
    if (!row) return;
    setDraft(Object.fromEntries(outputs.map((f) => [f.name, f.type === 'string' ? String(row.outputs[f.name] ?? '') : JSON.stringify(row.outputs[f.name] ?? null, null, 2)])));
    setEditing(true);
    setError(null);
    requestAnimationFrame(() => firstEditor.current?.focus());
  }, [row, outputs]);

  useEffect(() => {
    setEditing(false);
    setError(null);
    setNote(null);
  }, [index]);

  const advance = useCallback(() => {
    if (index < rows.length - 1) setIndex(index + 1);
    else setDone(true);
    requestAnimationFrame(() => rootRef.current?.focus());
  }, [index, rows.length, setIndex]);

  // Labels are sent in order on a queue and the view advances at once, so fast typing never drops a key.
  const queue = useRef<Promise<void>>(Promise.resolve());
  const pendingCount = useRef(0);
  const apply = useCallback(
    (action: 'accept' | 'reject' | 'correct' | 'rate', extra: { rating?: number; outputs?: Record<string, unknown>; note?: string } = {}, move = true) => {
      if (!row) return;
      const target = row;
      const position = index + 1;
      if (move) {
        setEditing(false);
        advance();
      }
      pendingCount.current += 1;
      setBusy(true);
      queue.current = queue.current.then(async () => {
        try {
          const r = await studio.call('data.label', { id: target.id, action, ...extra });
          history.current.push({ id: target.id, index: position - 1 });
          setUndoable(history.current.length);
          onChanged({ ...r.row, quality: target.quality, usable: target.usable, reasons: target.reasons });
          setError(null);
          if (!move) setEditing(false);
        } catch (e) {
          const msg = `Example ${position}: ${errText(e)}`;
          setError(msg);
          useUi.getState().toast('error', msg);
        } finally {
          pendingCount.current -= 1;
          if (pendingCount.current === 0) setBusy(false);
        }
      });
    },
    [row, index, onChanged, advance],
  );

  // Queued after the labels in flight, so it undoes the one saved last.
  const undo = useCallback(() => {
    queue.current = queue.current.then(async () => {
      const last = history.current.pop();
      setUndoable(history.current.length);
      if (!last) {
        useUi.getState().toast('info', 'Nothing to undo: no label was saved in this session');
        return;
      }
      const before = rows.find((r) => r.id === last.id);
      try {
        const r = await studio.call('data.label', { id: last.id, action: 'undo' });
        onChanged(before ? { ...r.row, quality: before.quality, usable: before.usable, reasons: before.reasons } : r.row);
        setDone(false);
        setIndex(last.index);
        setError(null);
        useUi.getState().toast('info', `Undid the label of example ${last.index + 1}`);
      } catch (e) {
        const msg = `Undo on example ${last.index + 1}: ${errText(e)}`;
        setError(msg);
        useUi.getState().toast('error', msg);
      }
    });
  }, [rows, onChanged, setIndex]);

  const pick = useCallback(
    (field: string, value: string | number | boolean) => {
      if (!row) return;
      if (editing) {
        const f = outputs.find((o) => o.name === field);
        setDraft((d) => ({ ...d, [field]: f?.type === 'string' && typeof value === 'string' ? value : JSON.stringify(value) }));
        return;
      }
      const label = choiceLabel(row, field, value);
      apply(label.action, label.action === 'correct' ? { outputs: label.outputs } : {});
    },
    [row, editing, outputs, apply],
  );

  const save = useCallback(() => {
    const parsed = parseOutputs(outputs, draft);
    if (parsed.errors.length) {
      setError(parsed.errors.join('; '));
      return;
    }
    apply('correct', { outputs: parsed.outputs, ...noteOf(note) });
  }, [outputs, draft, apply, note]);

  const saveNote = useCallback(() => {
    if (editing) save();
    else apply('reject', noteOf(note));
  }, [editing, save, apply, note]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (useUi.getState().dialog) return;
      const root = rootRef.current;
      if (!root || !document.contains(root)) return;
      if (recording) {
        if (e.key === 'Escape') setRecording(null);
        else if (!['Control', 'Meta', 'Shift', 'Alt'].includes(e.key)) {
          useLabelBindings.getState().rebind(recording, comboOf(e));
          setRecording(null);
        }
        e.preventDefault();
        e.stopPropagation();
        return;
      }
      const combo = comboOf(e);
      const action = useLabelBindings.getState().actionFor(combo);
      const inEditor = e.target instanceof HTMLElement && (e.target.tagName === 'TEXTAREA' || e.target.tagName === 'INPUT' || e.target.tagName === 'SELECT');
      const digit = /^[1-9]$/.test(combo) ? Number(combo) : null;
      const keyedChoices = keyed ? choices.get(keyed.name) : undefined;
      if (!inEditor && !done && keyed && keyedChoices && digit !== null) {
        e.preventDefault();
        e.stopPropagation();
        if (digit <= keyedChoices.length) pick(keyed.name, keyedChoices[digit - 1]);
        return;
      }
      if (done && e.key !== 'Escape' && action !== 'undo' && action !== 'prev') return;
      if (e.key === 'Escape') {
        if (help) setHelp(false);
        else if (done) onClose();
        else if (note !== null && !editing) {
          setNote(null);
          rootRef.current?.focus();
        } else if (editing) {
          setNote(null);
          setEditing(false);
          rootRef.current?.focus();
        } else onClose();
        e.preventDefault();
        return;
      }
      if (!action) return;
      if (inEditor && action !== 'save') return;
      e.preventDefault();
      e.stopPropagation();
      switch (action) {
        case 'prev':
          if (done) setDone(false);
          else if (index > 0) setIndex(index - 1);
          break;
        case 'undo':
          undo();
          break;
        case 'next':
          if (index < rows.length - 1) setIndex(index + 1);
          break;
        case 'accept':
          apply('accept');
          break;
        case 'reject':
          apply('reject', noteOf(note));
          break;
        case 'note':
          setNote((n) => n ?? '');
          requestAnimationFrame(() => noteRef.current?.focus());
          break;
        case 'edit':
          startEdit();
          break;
        case 'save':
          if (editing) save();
          else apply('accept');
          break;
        case 'help':
          setHelp((h) => !h);
          break;
        default:
          apply('rate', { rating: Number(action.slice(4)) }, false);
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [recording, help, editing, note, index, rows.length, setIndex, apply, startEdit, save, onClose, keyed, choices, done, pick, undo]);

  useEffect(() => {
    rootRef.current?.focus();
  }, []);

  if (!row) return <div className="labeling-empty muted">No examples match the filters.</div>;
  const labeledCount = rows.filter((r) => r.labelState !== 'unlabeled').length;

  return (
    <div className="labeling" ref={rootRef} tabIndex={-1} data-testid="labeling" aria-label="Labeling mode">
      <div className="labeling-bar">
        <button type="button" className="btn outline" onClick={() => index > 0 && setIndex(index - 1)} title={tip('Previous', 'prev')} aria-label="Previous example">
          ←
        </button>
        <span data-testid="label-position">
          {index + 1} / {rows.length}
        </span>
        <button type="button" className="btn outline" onClick={() => index < rows.length - 1 && setIndex(index + 1)} title={tip('Next', 'next')} aria-label="Next example">
          →
        </button>
        <div className="progress-mini" aria-label={`${labeledCount} of ${rows.length} labeled`} role="img">
          <div style={{ width: `${(labeledCount / Math.max(1, rows.length)) * 100}%` }} />
        </div>
        <span className="muted small" aria-live="polite">
          {labeledCount} of {rows.length} labeled{busy ? ' · saving…' : ''}
        </span>
        <div className="spacer" />
        <button type="button" className="btn" onClick={() => setHelp(true)} title={tip('Shortcuts', 'help')}>
          Shortcuts <span className="kbd">{displayCombo(bindings.help)}</span>
        </button>
        <button type="button" className="btn" onClick={onClose} title="Back to the table (Esc)">
          Close
        </button>
      </div>
      {done ? (
        <LabelingDone rows={rows} onBack={() => setDone(false)} onUnlabeled={(i) => (setDone(false), setIndex(i))} onClose={onClose} undoKey={displayCombo(bindings.undo)} />
      ) : (
        <>
          <div className="labeling-body">
            <section className="label-card" aria-label="Inputs">
              <h4>Inputs</h4>
              {inputs.map((f) => (
                <div className="label-field" key={f.name}>
                  <div className="lf-name mono">
                    {f.name} <span className="chip">{f.type}</span>
                  </div>
                  <div className="lf-value" data-testid={`label-input-${f.name}`}>
                    {valueText(row.inputs[f.name])}
                  </div>
                </div>
              ))}
            </section>
            <section className="label-card" aria-label="Outputs">
              <h4>
                Outputs <span className={`state-pill ${row.labelState}`} data-testid="label-state">{row.labelState}</span>
                {row.labeledBy && <span className="muted small">by {row.labeledBy}</span>}
              </h4>
              {outputs.map((f, i) =>
                choices.has(f.name) && !editing ? (
                  <ChoiceField key={f.name} field={f} choices={choices.get(f.name)!} current={row.outputs[f.name]} numbered={f === keyed} onPick={(v) => pick(f.name, v)} />
                ) : editing ? (
                  <div className="label-field" key={f.name}>
                    <label className="lf-name mono" htmlFor={`edit-${f.name}`}>
                      {f.name} <span className="chip">{f.type}</span>
                    </label>
                    {/* Above the box: Tab from the box goes on to the note. */}
                    {choices.has(f.name) && <ChoiceButtons field={f} choices={choices.get(f.name)!} current={parseDraft(f, draft[f.name])} numbered={false} onPick={(v) => pick(f.name, v)} />}
                    <textarea
                      id={`edit-${f.name}`}
                      ref={i === 0 ? firstEditor : undefined}
                      className="textarea"
                      rows={rowsFor(draft[f.name] ?? '')}
                      value={draft[f.name] ?? ''}
                      onChange={(e) => setDraft({ ...draft, [f.name]: e.target.value })}
                      data-testid={`edit-output-${f.name}`}
                      spellCheck={false}
                    />
                    {f.schema && <div className="muted small">Validated against the field's JSON schema.</div>}
                  </div>
                ) : (
                  <div className="label-field" key={f.name}>
                    <div className="lf-name mono">
                      {f.name} <span className="chip">{f.type}</span>
                    </div>
                    <pre className="lf-value" data-testid={`label-output-${f.name}`}>
                      {f.type === 'string' ? valueText(row.outputs[f.name]) : JSON.stringify(row.outputs[f.name], null, 2)}
                    </pre>
                  </div>
                ),
              )}
              {(note !== null || editing) && (
                <div className="label-field">
                  <label className="lf-name" htmlFor="label-note">
                    Note (why this is wrong) <span className="muted small">· Enter: {editing ? 'save the correction' : 'reject'} with it · Esc: close</span>
                  </label>
                  <input
                    id="label-note"
                    ref={noteRef}
                    className="input"
                    maxLength={LABEL_NOTE_MAX}
                    value={note ?? ''}
                    onChange={(e) => setNote(e.target.value)}
                    onKeyDown={(e) => {
                      if (e.key !== 'Enter' || e.ctrlKey || e.metaKey) return;
                      e.preventDefault();
                      saveNote();
                    }}
                    placeholder="e.g. most of the words are animals"
                    data-testid="label-note"
                  />
                </div>
              )}
              {error && (
                <div className="inline-error" role="alert" data-testid="label-error">
                  {error}
                </div>
              )}
            </section>
          </div>
          <div className="labeling-actions" role="toolbar" aria-label="Label actions">
            <button type="button" className="btn" onClick={undo} disabled={undoable === 0} title={tip('Undo the last label', 'undo')} data-testid="label-undo">
              Undo <span className="kbd">{displayCombo(bindings.undo)}</span>
            </button>
            <div className="rating" role="group" aria-label="Rating">
              <span className="muted small rating-label">Rating</span>
              {[1, 2, 3, 4, 5].map((n) => (
                <button
                  key={n}
                  type="button"
                  className={`btn outline star ${row.rating !== null && n <= row.rating ? 'on' : ''}`}
                  aria-pressed={row.rating === n}
                  title={keyed ? `Rate ${n}` : tip(`Rate ${n}`, `rate${n}` as LabelAction)}
                  onClick={() => apply('rate', { rating: n }, false)}
                  data-testid={`rate-${n}`}
                >
                  {n}
                </button>
              ))}
            </div>
            <div className="spacer" />
            {editing ? (
              <>
                <button type="button" className="btn" onClick={() => setEditing(false)}>
                  Cancel
                </button>
                <button type="button" className="btn primary" onClick={save} title={tip('Save and advance', 'save')} data-testid="label-save">
                  Save <span className="kbd">{displayCombo(bindings.save)}</span>
                </button>
              </>
            ) : (
              <>
                <button type="button" className="btn outline danger" onClick={() => apply('reject')} title={tip('Reject', 'reject')} data-testid="label-reject">
                  Reject <span className="kbd">{displayCombo(bindings.reject)}</span>
                </button>
                <button type="button" className="btn outline" onClick={startEdit} title={tip('Edit the output', 'edit')} data-testid="label-edit">
                  Edit <span className="kbd">{displayCombo(bindings.edit)}</span>
                </button>
                <button type="button" className="btn primary" onClick={() => apply('accept')} title={tip('Accept', 'accept')} data-testid="label-accept">
                  Accept <span className="kbd">{displayCombo(bindings.accept)}</span>
                </button>
              </>
            )}
          </div>
        </>
      )}
      {help && (
        <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && setHelp(false)}>
          <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="shortcuts-title" data-testid="shortcuts-help">
            <header>
              <h2 id="shortcuts-title">Labeling shortcuts</h2>
              <button type="button" className="btn" onClick={() => useLabelBindings.getState().reset()}>
                Reset to defaults
              </button>
              <button type="button" className="btn icon" aria-label="Close" onClick={() => setHelp(false)} autoFocus>
                ✕
              </button>
            </header>
            <div className="dialog-body">
              <p className="muted small">Click a key to rebind it, then press the new key (Esc cancels). Bindings are kept on this machine.</p>
              <table className="shortcut-table">
                <tbody>
                  {LABEL_ACTIONS.map((a) => (
                    <tr key={a.id}>
                      <td>{a.title}</td>
                      <td>
                        <button type="button" className="btn outline" onClick={() => setRecording(a.id)} data-testid={`rebind-${a.id}`} aria-label={`Rebind ${a.title}: ${displayCombo(bindings[a.id])}`}>
                          {recording === a.id ? 'Press a key…' : <span className="kbd">{displayCombo(bindings[a.id])}</span>}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        </div>
      )}
    </div>
  );
}

const choiceText = (v: string | number | boolean): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** The draft's value of a field as the output would hold it. */
function parseDraft(f: FieldSpec, raw: string | undefined): unknown {
  if (f.type === 'string') return raw;
  try {
    return JSON.parse(raw ?? '');
  } catch {
    return undefined;
  }
}

interface ChoiceProps {
  field: FieldSpec;
  choices: (string | number | boolean)[];
  current: unknown;
  numbered: boolean;
  onPick: (v: string | number | boolean) => void;
}

function ChoiceButtons({ field, choices, current, numbered, onPick }: ChoiceProps) {
  return (
    <div className="choice-row" role="group" aria-label={`${field.name} choices`} data-testid={`label-choices-${field.name}`}>
      {choices.map((c, i) => (
        <button key={choiceText(c)} type="button" className={`btn outline choice ${c === current ? 'on' : ''}`} aria-pressed={c === current} onClick={() => onPick(c)} data-testid={`choice-${field.name}-${choiceText(c)}`}>
          {numbered && <span className="kbd">{i + 1}</span>}
          {choiceText(c)}
        </button>
      ))}
    </div>
  );
}

/** A classification output: one button per choice, the current value pressed; the first field's choices carry number keys. */
function ChoiceField(props: ChoiceProps) {
  const { field, choices, current, numbered } = props;
  const known = choices.some((c) => c === current);
  return (
    <div className="label-field">
      <div className="lf-name mono">
        {field.name} <span className="chip">{field.type}</span>
        {numbered && <span className="muted small"> · press 1-{choices.length}</span>}
      </div>
      <ChoiceButtons {...props} />
      {!known && current !== undefined && current !== null && current !== '' && (
        <div className="muted small" data-testid={`label-output-${field.name}`}>
          Now: <span className="mono">{valueText(current)}</span> (not one of the choices)
        </div>
      )}
    </div>
  );
}

/** Past the last example of the queue: what was done, and what to do next. */
function LabelingDone({
  rows,
  onBack,
  onUnlabeled,
  onClose,
  undoKey,
}: {
  rows: ExampleRow[];
  onBack: () => void;
  onUnlabeled: (index: number) => void;
  onClose: () => void;
  undoKey: string;
}) {
  const count = (state: ExampleRow['labelState']) => rows.filter((r) => r.labelState === state).length;
  const left = rows.findIndex((r) => r.labelState === 'unlabeled');
  const unlabeled = count('unlabeled');
  return (
    <section className="labeling-done" data-testid="labeling-done" aria-label="Labeling done">
      <h2>{unlabeled ? `End of the queue: ${unlabeled} of ${rows.length} still unlabeled` : `All ${rows.length} examples labeled`}</h2>
      <p className="muted">
        {count('accepted')} accepted · {count('corrected')} corrected · {count('rejected')} rejected. Press {undoKey} to undo the last label.
      </p>
      <p>
        Next: save a dataset version (Versions tab) so the optimization can be reproduced, then tune the step on <b>Optimize</b> (rejected examples are left out of training).
      </p>
      <div className="row-actions">
        {left >= 0 && (
          <button type="button" className="btn primary" onClick={() => onUnlabeled(left)} data-testid="label-unlabeled">
            Label the {unlabeled} left
          </button>
        )}
        <button type="button" className={`btn ${left >= 0 ? '' : 'primary'}`} onClick={() => useNav.getState().go('optimize')} data-testid="label-done-optimize">
          Optimize →
        </button>
        <button type="button" className="btn" onClick={onBack}>
          ← Back to the last example
        </button>
        <button type="button" className="btn" onClick={onClose} data-testid="label-done-close">
          Back to the table
        </button>
      </div>
    </section>
  );
}
