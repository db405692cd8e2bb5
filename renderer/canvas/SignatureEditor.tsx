/** Signature editor: input/output fields (name, type, description), JSON schema for object outputs, instructions. */
import { useEffect, useRef, useState } from 'react';
import type { Json } from '../model/edits';
import { Icon } from '../app/icons';
import { setSignature } from './operations';
import { routeHistoryKey, useLiveText } from './live-text';

const TYPES = ['string', 'number', 'integer', 'boolean', 'array', 'object'];
type Field = { name: string; type: string; description?: string; schema?: Json; [k: string]: Json | undefined };
type Sig = { input_fields: Field[]; output_fields: Field[]; instructions?: string };

function normalize(raw: unknown): Sig {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((f) => f && typeof f === 'object').map((f) => ({ ...(f as Field) })) : []);
  return { input_fields: list(r.input_fields), output_fields: list(r.output_fields), ...(typeof r.instructions === 'string' ? { instructions: r.instructions } : {}) };
}

function SchemaBox({ value, onCommit }: { value: Json | undefined; onCommit: (v: Json | undefined) => void }) {
  const [text, setText] = useState(value === undefined ? '' : JSON.stringify(value, null, 2));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setText(value === undefined ? '' : JSON.stringify(value, null, 2)), [value]);
  const apply = () => {
    if (!text.trim()) {
      setError(null);
      onCommit(undefined);
      return;
    }
    try {
      onCommit(JSON.parse(text) as Json);
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <div className="field">
      <label className="label">
        JSON schema
        <textarea
          className="textarea"
          rows={5}
          value={text}
          spellCheck={false}
          placeholder='{"type": "object", "properties": {}}'
          onChange={(e) => setText(e.target.value)}
          onBlur={apply}
          onKeyDown={(e) => routeHistoryKey(e, apply)}
        />
      </label>
      {error && <span className="sev-error small">{error}</span>}
    </div>
  );
}

function FieldRow({ field, kind, onChange, onRemove, focusName }: { field: Field; kind: 'input' | 'output'; onChange: (f: Field, part: 'name' | 'description' | 'type' | 'schema') => void; onRemove: () => void; focusName?: boolean }) {
  const name = useLiveText(field.name, (v) => v.trim() && onChange({ ...field, name: v.trim() }, 'name'), (v) => v.trim() !== '' && v === v.trim());
  const desc = useLiveText(field.description ?? '', (v) => onChange({ ...field, description: v || undefined }, 'description'));
  const nameRef = useRef<HTMLInputElement>(null);
  // A field just added: its name is selected, ready to be typed over.
  useEffect(() => {
    if (!focusName) return;
    nameRef.current?.focus();
    nameRef.current?.select();
  }, [focusName]);
  return (
    <div className="sig-field" data-testid={`sig-${kind}-${field.name}`}>
      <div className="row">
        <input
          ref={nameRef}
          className="input mono"
          aria-label={`${kind} field name`}
          {...name}
          style={{ flex: 1 }}
        />
        <select className="select" aria-label={`${kind} field type`} value={field.type ?? 'string'} onChange={(e) => onChange({ ...field, type: e.target.value }, 'type')} style={{ width: 96 }}>
          {TYPES.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
        <button type="button" className="btn icon" aria-label={`Remove ${kind} field ${field.name}`} title="Remove field" onClick={onRemove}>
          <Icon name="trash" />
        </button>
      </div>
      <input
        className="input"
        aria-label={`${kind} field description`}
        placeholder="Description"
        {...desc}
      />
      {kind === 'output' && (field.type === 'object' || field.type === 'array') && (
        <SchemaBox value={field.schema} onCommit={(schema) => onChange({ ...field, schema }, 'schema')} />
      )}
    </div>
  );
}

export function SignatureEditor({ step, raw }: { step: string; raw: unknown }) {
  const sig = normalize(raw);
  const [added, setAdded] = useState<{ kind: 'input_fields' | 'output_fields'; index: number } | null>(null);

  const commit = (next: Sig, merge?: string) => {
    const clean = (f: Field): Json => {
      const out: Record<string, Json> = {};
      for (const [k, v] of Object.entries(f)) if (v !== undefined) out[k] = v as Json;
      return out;
    };
    const value: Record<string, Json> = { input_fields: next.input_fields.map(clean), output_fields: next.output_fields.map(clean) };
    if (next.instructions) value.instructions = next.instructions;
    setSignature(step, value, merge);
  };
  const instructions = useLiveText(sig.instructions ?? '', (v) => commit({ ...sig, instructions: v || undefined }, `${step}|signature.instructions`));
  const update = (kind: 'input_fields' | 'output_fields', i: number, f: Field, part: string) =>
    commit({ ...sig, [kind]: sig[kind].map((x, j) => (j === i ? f : x)) }, `${step}|signature.${kind}.${i}.${part}`);
  const remove = (kind: 'input_fields' | 'output_fields', i: number) => commit({ ...sig, [kind]: sig[kind].filter((_, j) => j !== i) });
  const add = (kind: 'input_fields' | 'output_fields') => {
    const taken = new Set(sig[kind].map((f) => f.name));
    let n = kind === 'input_fields' ? 'input' : 'output';
    for (let i = 2; taken.has(n); i++) n = `${kind === 'input_fields' ? 'input' : 'output'}_${i}`;
    commit({ ...sig, [kind]: [...sig[kind], { name: n, type: 'string', description: '' }] });
    setAdded({ kind, index: sig[kind].length });
  };

  return (
    <div data-testid="signature-editor">
      <div className="section">
        <h4>
          Inputs<span className="spacer" />
          <button type="button" className="btn" onClick={() => add('input_fields')} aria-label="Add input field">
            <Icon name="plus" /> Add
          </button>
        </h4>
        {sig.input_fields.length === 0 && <div className="muted small">No input fields.</div>}
        {sig.input_fields.map((f, i) => (
          <FieldRow key={`${i}`} field={f} kind="input" focusName={added?.kind === 'input_fields' && added.index === i} onChange={(nf, part) => update('input_fields', i, nf, part)} onRemove={() => remove('input_fields', i)} />
        ))}
      </div>
      <div className="section">
        <h4>
          Outputs<span className="spacer" />
          <button type="button" className="btn" onClick={() => add('output_fields')} aria-label="Add output field">
            <Icon name="plus" /> Add
          </button>
        </h4>
        {sig.output_fields.length === 0 && <div className="muted small">No output fields.</div>}
        {sig.output_fields.map((f, i) => (
          <FieldRow key={`${i}`} field={f} kind="output" focusName={added?.kind === 'output_fields' && added.index === i} onChange={(nf, part) => update('output_fields', i, nf, part)} onRemove={() => remove('output_fields', i)} />
        ))}
      </div>
      <div className="section">
        <h4>Instructions</h4>
        <textarea
          className="textarea"
          aria-label="Signature instructions"
          rows={3}
          style={{ fontFamily: 'var(--font-ui)' }}
          placeholder="What the program should do (the signature's docstring)"
          {...instructions}
        />
      </div>
    </div>
  );
}
