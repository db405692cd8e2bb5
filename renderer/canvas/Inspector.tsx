/** Inspector: forms for the selected step (from its schema), prompt parts, the signature editor, its problems. */
import { useDocument } from '../stores/document';
import { familyStrong, stepDef } from '../model/catalog';
import { dspyConfigSchema } from '../../shared/dspy/config';
import type { Json } from '../model/edits';
import type { StepView } from '../model/types';
import { Icon } from '../app/icons';
import { SignatureEditor } from './SignatureEditor';
import { formFields, newItem, type FormField } from './schema-form';
import { deleteSteps, duplicateSteps, moveListItem, renameStep, setField } from './operations';
import { z } from 'zod';
import { promptSchema } from '../../shared/workflow/schema';
import { useLiveText } from './live-text';
import { plural } from '../model/plural';

const SKIP = new Set(['name', 'type', 'prompt', 'dspy_signature', 'dspy_config', 'condition', 'steps']);

/** A text input: applies as you type (after a pause) unless `live` refuses the half-typed text; Enter commits. */
function TextInput({ label, value, onCommit, mono, testId, live }: { label: string; value: string; onCommit: (v: string) => void; mono?: boolean; testId?: string; live?: (v: string) => boolean }) {
  const text = useLiveText(value, onCommit, live);
  return (
    <div className="field">
      <label>
        <span className="label">{label}</span>
        <input className={`input ${mono ? 'mono' : ''}`} data-testid={testId} {...text} />
      </label>
    </div>
  );
}

type Path = (string | number)[];
const labelOf = (path: Path) => path.filter((x) => typeof x === 'string').join('.');

/** A textarea that applies as you type (after a pause). */
function TextArea({ label, value, onCommit, rows = 3 }: { label: string; value: string; onCommit: (v: string) => void; rows?: number }) {
  const text = useLiveText(value, onCommit);
  return (
    <div className="field">
      <label>
        <span className="label">{label}</span>
        <textarea className="textarea" rows={rows} style={{ fontFamily: 'var(--font-ui)' }} {...text} />
      </label>
    </div>
  );
}

/** One schema field of a step at `path` (e.g. `['dspy_config', 'max_wait_time']`, `['prompt', 0, 'content']`), edited in place. */
function FieldControl({ stepId, path, field, value, names, label }: { stepId: string; path: Path; field: FormField; value: unknown; names: string[]; label?: string }) {
  const commit = (v: Json | undefined) => setField(stepId, path, v, `Edit ${labelOf(path)} of ${stepId}`, `${stepId}|${path.join('.')}`);
  const title = label ?? field.key;
  if (field.kind === 'boolean') {
    return (
      <div className="field">
        <label className="row" title={field.description}>
          <input type="checkbox" checked={value === true} onChange={(e) => commit(e.target.checked ? true : field.required ? false : undefined)} />
          <span className="mono small">{title}</span>
        </label>
      </div>
    );
  }
  if (field.kind === 'enum' || (field.key === 'step' && field.kind === 'string' && path.includes('prompt'))) {
    const options = field.kind === 'enum' ? (field.options ?? []) : names;
    const current = typeof value === 'string' ? value : '';
    return (
      <div className="field">
        <label title={field.description}>
          <span className="label mono">{title}</span>
          <select className="select" value={current} onChange={(e) => commit(e.target.value || (field.required ? '' : undefined))}>
            {(!field.required || !options.includes(current)) && <option value="">{field.required ? '(choose)' : '(default)'}</option>}
            {options.map((o) => (
              <option key={o}>{o}</option>
            ))}
          </select>
        </label>
      </div>
    );
  }
  if (field.kind === 'list' || field.kind === 'objects' || field.kind === 'union') {
    return <ListEditor stepId={stepId} path={path} field={field} value={value} names={names} title={title} />;
  }
  if (field.kind === 'object') {
    const obj = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
    return (
      <details className="sub-form" open={Object.keys(obj).length > 0}>
        <summary className="mono small" title={field.description}>{title}</summary>
        {field.fields?.map((f) => <FieldControl key={f.key} stepId={stepId} path={[...path, f.key]} field={f} value={obj[f.key]} names={names} />)}
      </details>
    );
  }
  const text = value === undefined || value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  const parse = (v: string): Json | undefined => {
    if (!v.trim()) return field.required ? '' : undefined;
    if (field.kind === 'number' || field.kind === 'integer') {
      const n = Number(v);
      return Number.isFinite(n) ? n : (value as Json | undefined);
    }
    return v;
  };
  // A half-typed number (`1.`, `-`) waits for the blur: committed now it would come back changed.
  const live = (v: string) => (field.kind === 'number' || field.kind === 'integer' ? v.trim() !== '' && String(Number(v)) === v.trim() : true);
  if (field.key === 'content' || field.key === 'new_prompt' || field.key === 'instructions') {
    return <TextArea label={title} value={text} onCommit={(v) => commit(parse(v))} />;
  }
  return <TextInput label={title} mono value={text} onCommit={(v) => commit(parse(v))} live={live} />;
}

/**
 * A list-valued field: add, remove and reorder items; each item edited with its own fields (strings, objects,
 * or a discriminated union such as prompt parts). Every change is one splice at the item's path.
 */
function ListEditor({ stepId, path, field, value, names, title, itemNoun }: { stepId: string; path: Path; field: FormField; value: unknown; names: string[]; title: string; itemNoun?: string }) {
  const noun = itemNoun ?? (field.kind === 'union' ? 'part' : 'item');
  if (value !== undefined && !Array.isArray(value)) {
    return (
      <div className="field">
        <span className="label mono">{title}</span>
        <div className="muted small">Not a list here: edit it in the YAML{field.kind === 'union' ? ', or' : '.'}</div>
        {field.kind === 'union' && (
          <button type="button" className="btn outline" onClick={() => setField(stepId, path, [newItem(field) as Json])}>
            Replace with a list of parts
          </button>
        )}
      </div>
    );
  }
  const items = (value ?? []) as unknown[];
  const add = (item: unknown) => (items.length ? setField(stepId, [...path, items.length], item as Json, `Add ${noun} to ${labelOf(path)}`) : setField(stepId, path, [item as Json], `Add ${noun} to ${labelOf(path)}`));
  const fresh = (tag?: string) => {
    const item = newItem(field, tag) as Record<string, unknown>;
    if (field.kind === 'union' && item.type === 'previous_response') item.step = names[0] ?? '';
    return item;
  };
  return (
    <div className="list-editor" data-testid={`list-${labelOf(path)}`}>
      <div className="list-head">
        <span className="label mono" title={field.description}>{title}</span>
        <span className="muted small">{plural(items.length, noun)}</span>
      </div>
      {items.map((item, i) => {
        const obj = item && typeof item === 'object' && !Array.isArray(item) ? (item as Record<string, unknown>) : null;
        const tag = field.kind === 'union' && obj ? String(obj[field.discriminator!] ?? '') : '';
        const fields = field.kind === 'union' ? (field.variants?.find((v) => v.tag === tag)?.fields ?? []) : (field.fields ?? []);
        const n = i + 1;
        return (
          <div className="sig-field list-item" key={i} data-testid={`list-${labelOf(path)}-${i}`}>
            <div className="row">
              <span className="muted small list-index">{n}</span>
              {field.kind === 'union' ? (
                <select className="select" aria-label={`${title} ${noun} ${n} type`} value={tag} style={{ flex: 1 }} onChange={(e) => setField(stepId, [...path, i], fresh(e.target.value) as Json)}>
                  {!field.variants?.some((v) => v.tag === tag) && <option value={tag}>{tag || '(none)'}</option>}
                  {field.variants?.map((v) => (
                    <option key={v.tag}>{v.tag}</option>
                  ))}
                </select>
              ) : field.kind === 'list' ? (
                <div style={{ flex: 1 }}>
                  <ItemInput label={`${title} ${noun} ${n}`} value={item === undefined || item === null ? '' : String(item)} live={field.element === 'string'} onCommit={(v) => setField(stepId, [...path, i], field.element === 'string' ? v : Number(v), `Edit ${title} ${noun} ${n}`, `${stepId}|${[...path, i].join('.')}`)} />
                </div>
              ) : (
                <span className="spacer" />
              )}
              <button type="button" className="btn icon" aria-label={`Move ${title} ${noun} ${n} up`} title="Move up" disabled={i === 0} onClick={() => moveListItem(stepId, path, i, i - 1)}>
                <Icon name="up" />
              </button>
              <button type="button" className="btn icon" aria-label={`Move ${title} ${noun} ${n} down`} title="Move down" disabled={i === items.length - 1} onClick={() => moveListItem(stepId, path, i, i + 1)}>
                <Icon name="up" style={{ transform: 'rotate(180deg)' }} />
              </button>
              <button type="button" className="btn icon" aria-label={`Remove ${title} ${noun} ${n}`} title="Remove" onClick={() => setField(stepId, [...path, i], undefined, `Remove ${noun} ${n} of ${labelOf(path)}`)}>
                <Icon name="trash" />
              </button>
            </div>
            {obj && fields.map((f) => <FieldControl key={f.key} stepId={stepId} path={[...path, i, f.key]} field={f} value={obj[f.key]} names={names} />)}
            {!obj && field.kind !== 'list' && <div className="muted small">Edit this {noun} in the YAML.</div>}
          </div>
        );
      })}
      {field.kind === 'union' ? (
        <div className="row">
          <select className="select" aria-label={`New ${title} ${noun} type`} id={`new-${stepId}-${labelOf(path)}`} defaultValue={field.variants?.[0]?.tag} style={{ flex: 1 }}>
            {field.variants?.map((v) => (
              <option key={v.tag}>{v.tag}</option>
            ))}
          </select>
          <button
            type="button"
            className="btn"
            onClick={(e) => {
              const sel = (e.currentTarget.previousElementSibling as HTMLSelectElement | null)?.value;
              add(fresh(sel));
            }}
          >
            <Icon name="plus" /> Add {noun}
          </button>
        </div>
      ) : (
        <button type="button" className="btn" onClick={() => add(fresh())}>
          <Icon name="plus" /> Add {noun}
        </button>
      )}
    </div>
  );
}

function ItemInput({ label, value, onCommit, live }: { label: string; value: string; onCommit: (v: string) => void; live: boolean }) {
  const text = useLiveText(value, onCommit, () => live);
  return <input className="input mono" aria-label={label} {...text} />;
}

type CondMode = 'none' | 'expression' | 'all' | 'any' | 'complex';
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

function conditionMode(c: unknown): CondMode {
  if (c === undefined || c === null) return 'none';
  if (typeof c === 'string') return 'expression';
  if (isStrings(c)) return 'all';
  if (c && typeof c === 'object' && !Array.isArray(c)) {
    const o = c as Record<string, unknown>;
    if (Object.keys(o).length === 1 && isStrings(o.and)) return 'all';
    if (Object.keys(o).length === 1 && isStrings(o.or)) return 'any';
  }
  return 'complex';
}

/** `condition`: one expression, all of a list, or any of a list (`or:`); nested and/or/not stay in the YAML. */
function ConditionEditor({ step, names }: { step: StepView; names: string[] }) {
  const c = step.raw.condition;
  const mode = conditionMode(c);
  const list: string[] = isStrings(c) ? c : c && typeof c === 'object' && !Array.isArray(c) ? (((c as Record<string, unknown>).and ?? (c as Record<string, unknown>).or) as string[]) ?? [] : typeof c === 'string' ? [c] : [];
  const listPath: Path = Array.isArray(c) ? ['condition'] : mode === 'any' ? ['condition', 'or'] : mode === 'all' ? ['condition', 'and'] : ['condition'];
  const setMode = (m: CondMode) => {
    const first = list[0] ?? '';
    const label = `Condition of ${step.name}`;
    if (m === 'none') setField(step.id, ['condition'], undefined, label);
    else if (m === 'expression') setField(step.id, ['condition'], first, label);
    else if (m === 'all') setField(step.id, ['condition'], list.length ? list : [''], label);
    else if (m === 'any') setField(step.id, ['condition'], { or: list.length ? list : [''] }, label);
  };
  return (
    <div className="section" data-testid="condition-editor">
      <h4>Condition</h4>
      <div className="field">
        <label>
          <span className="label">Run this step</span>
          <select className="select" value={mode} onChange={(e) => setMode(e.target.value as CondMode)} disabled={mode === 'complex'}>
            <option value="none">always</option>
            <option value="expression">when an expression holds</option>
            <option value="all">when all of these hold</option>
            <option value="any">when any of these holds</option>
            {mode === 'complex' && <option value="complex">nested and/or/not (edit in YAML)</option>}
          </select>
        </label>
      </div>
      {mode === 'expression' && <TextInput label="expression" mono value={String(c)} onCommit={(v) => setField(step.id, ['condition'], v, `Condition of ${step.name}`, `${step.id}|condition`)} testId="condition-expression" />}
      {(mode === 'all' || mode === 'any') && (
        <ListEditor stepId={step.id} path={listPath} field={{ key: 'condition', kind: 'list', element: 'string', required: true }} value={list} names={names} title="condition" itemNoun="expression" />
      )}
      {mode === 'complex' && <pre className="mono small muted">{JSON.stringify(c, null, 1)}</pre>}
      <div className="muted small">Expressions such as <span className="mono">{names[0] ?? 'step'}.success</span> or <span className="mono">{names[0] ?? 'step'}.score &gt; 0.5</span>.</div>
    </div>
  );
}

const PROMPT_FIELD = formFields(z.object({ prompt: promptSchema }), new Set())[0];
const CHAIN_FIELD = formFields(dspyConfigSchema, new Set()).find((f) => f.key === 'chain_steps')!;

function DspyConfig({ step, names }: { step: StepView; names: string[] }) {
  const cfg = (step.raw.dspy_config ?? {}) as Record<string, Json>;
  const fields = formFields(dspyConfigSchema, new Set(['chain_steps']));
  return (
    <div className="section" data-testid="dspy-config">
      <h4>DSPy config</h4>
      {fields.map((f) => <FieldControl key={f.key} stepId={step.id} path={['dspy_config', f.key]} field={f} value={cfg[f.key]} names={names} />)}
    </div>
  );
}

function ChainEditor({ step, names }: { step: StepView; names: string[] }) {
  const cfg = (step.raw.dspy_config ?? {}) as Record<string, Json>;
  return (
    <div className="section" data-testid="chain-editor">
      <h4>Chain links</h4>
      <ListEditor stepId={step.id} path={['dspy_config', 'chain_steps']} field={CHAIN_FIELD} value={cfg.chain_steps} names={names} title="chain" itemNoun="link" />
      <div className="muted small">Each link is a signature name: declared under workflow dspy_signatures, or read as &lt;inputs&gt;_to_&lt;outputs&gt;.</div>
    </div>
  );
}

export function Inspector() {
  const selection = useDocument((s) => s.selection);
  const view = useDocument((s) => s.view);
  const diagnostics = useDocument((s) => s.diagnostics);
  const step = selection.length === 1 ? view?.steps.find((s) => s.id === selection[0]) : undefined;
  const names = (view?.steps ?? []).filter((s) => s.id !== step?.id && typeof s.raw.name === 'string').map((s) => s.name);

  if (!step) {
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    return (
      <aside className="panel panel-right" aria-label="Inspector">
        <div className="panel-header">Inspector</div>
        <div className="panel-body">
          <div className="inspector-empty">
            <h4>{selection.length > 1 ? `${selection.length} steps selected` : (view?.name ?? 'No workflow')}</h4>
            <p>{selection.length > 1 ? 'Delete, duplicate or copy them with the keyboard or the command palette.' : 'Select a step on the canvas to edit it. Drag steps from the palette; connect a step’s right handle to another step to pass its response.'}</p>
            {view && (
              <p className="small">
                {plural(view.steps.length, 'step')} · {plural(view.edges.length, 'connection')} · {plural(errors, 'error')}
              </p>
            )}
          </div>
        </div>
      </aside>
    );
  }
  const def = stepDef(step.type);
  const mine = diagnostics.filter((d) => d.step === step.id);
  const isDspy = step.type === 'dspy_claude' || step.type === 'dspy_gemini' || step.type === 'dspy_evaluation';
  return (
    <aside className="panel panel-right" aria-label="Inspector" data-testid="inspector">
      <div className="panel-header">
        Inspector
        <span className="spacer" />
        <button type="button" className="btn icon" title="Duplicate (Ctrl+D)" aria-label="Duplicate step" onClick={() => duplicateSteps([step.id])}>
          <Icon name="copy" />
        </button>
        <button type="button" className="btn icon danger" title="Delete (Del)" aria-label="Delete step" onClick={() => deleteSteps([step.id])}>
          <Icon name="trash" />
        </button>
      </div>
      <div className="panel-body">
        <div className="section">
          <div className="row" style={{ marginBottom: 10 }}>
            <span className="family-tag" style={{ ['--family-strong' as string]: familyStrong[step.family] }}>{def?.label ?? step.type}</span>
            <span className="mono small muted">{step.type}</span>
          </div>
          {def && <p className="muted small" style={{ marginTop: 0 }}>{def.description}</p>}
          {/* A rename rewrites every reference: it applies on Enter or blur, not per keystroke. */}
          <TextInput label="Name" mono value={step.name} testId="inspector-name" live={() => false} onCommit={(v) => renameStep(step.name, v.trim())} />
          {formFields(def?.schema, SKIP).map((f) => (
            <FieldControl key={f.key} stepId={step.id} path={[f.key]} field={f} value={step.raw[f.key]} names={names} />
          ))}
        </div>
        {mine.length > 0 && (
          <div className="section" data-testid="inspector-problems">
            <h4>Problems</h4>
            <ul className="diag-list">
              {mine.map((d, i) => (
                <li key={i}>
                  <Icon name={d.severity === 'error' ? 'error' : 'warning'} className={d.severity === 'error' ? 'sev-error' : 'sev-warning'} width={14} height={14} style={{ flex: 'none', marginTop: 2 }} />
                  <div>
                    <div>{d.message}</div>
                    <div className="where">line {d.line}:{d.column} · {d.path}</div>
                  </div>
                </li>
              ))}
            </ul>
          </div>
        )}
        {isDspy && <SignatureEditor step={step.id} raw={step.raw.dspy_signature} />}
        {step.type === 'dspy_chain' && <ChainEditor step={step} names={names} />}
        {step.family === 'dspy' && <DspyConfig step={step} names={names} />}
        {(def?.requiresPrompt || step.raw.prompt !== undefined || step.family === 'dspy') && (
          <div className="section" data-testid="prompt-editor">
            <h4>{step.family === 'dspy' ? 'Fallback prompt' : 'Prompt'}</h4>
            <ListEditor stepId={step.id} path={['prompt']} field={PROMPT_FIELD} value={step.raw.prompt} names={names} title="prompt" />
          </div>
        )}
        <ConditionEditor step={step} names={names} />
      </div>
    </aside>
  );
}
