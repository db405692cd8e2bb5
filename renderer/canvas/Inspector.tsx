/** Inspector: forms for the selected step (from its schema), prompt parts, the signature editor, its problems. */
import { useEffect, useState } from 'react';
import { useDocument } from '../stores/document';
import { familyStrong, stepDef } from '../model/catalog';
import { dspyConfigSchema } from '../../shared/dspy/config';
import type { Json } from '../model/edits';
import type { StepView } from '../model/types';
import { Icon } from '../app/icons';
import { SignatureEditor } from './SignatureEditor';
import { formFields, type FormField } from './schema-form';
import { deleteSteps, duplicateSteps, renameStep, setField } from './operations';

const SKIP = new Set(['name', 'type', 'prompt', 'dspy_signature', 'dspy_config', 'condition', 'steps']);
const PART_TYPES = ['static', 'file', 'previous_response', 'session_context', 'claude_continue'];

function TextInput({ label, value, onCommit, mono, testId }: { label: string; value: string; onCommit: (v: string) => void; mono?: boolean; testId?: string }) {
  const [v, setV] = useState(value);
  useEffect(() => setV(value), [value]);
  return (
    <div className="field">
      <label>
        <span className="label">{label}</span>
        <input
          className={`input ${mono ? 'mono' : ''}`}
          value={v}
          data-testid={testId}
          onChange={(e) => setV(e.target.value)}
          onBlur={() => v !== value && onCommit(v)}
          onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
        />
      </label>
    </div>
  );
}

function SchemaField({ step, field }: { step: StepView; field: FormField }) {
  const raw = step.raw[field.key];
  const commit = (value: Json | undefined) => setField(step.name, [field.key], value);
  if (field.kind === 'boolean') {
    return (
      <div className="field">
        <label className="row" title={field.description}>
          <input type="checkbox" checked={raw === true} onChange={(e) => commit(e.target.checked ? true : undefined)} />
          <span className="mono small">{field.key}</span>
        </label>
      </div>
    );
  }
  if (field.kind === 'enum') {
    return (
      <div className="field">
        <label title={field.description}>
          <span className="label mono">{field.key}</span>
          <select className="select" value={typeof raw === 'string' ? raw : ''} onChange={(e) => commit(e.target.value || undefined)}>
            <option value="">(default)</option>
            {field.options?.map((o) => (
              <option key={o}>{o}</option>
            ))}
          </select>
        </label>
      </div>
    );
  }
  const text = raw === undefined ? '' : field.kind === 'list' && Array.isArray(raw) ? raw.join(', ') : String(raw);
  return (
    <TextInput
      label={field.key}
      mono
      value={text}
      onCommit={(v) => {
        if (!v.trim()) return commit(undefined);
        if (field.kind === 'number' || field.kind === 'integer') {
          const n = Number(v);
          if (Number.isFinite(n)) commit(n);
          return;
        }
        if (field.kind === 'list') return commit(v.split(',').map((x) => x.trim()).filter(Boolean));
        commit(v);
      }}
    />
  );
}

function PromptEditor({ step }: { step: StepView }) {
  const prompt = Array.isArray(step.raw.prompt) ? (step.raw.prompt as Record<string, Json>[]) : null;
  const steps = useDocument((s) => s.view?.steps);
  const names = (steps ?? []).map((x) => x.name);
  const commit = (next: Record<string, Json>[]) => setField(step.name, ['prompt'], next, `Edit prompt of ${step.name}`);
  if (!prompt) {
    return (
      <button type="button" className="btn outline" onClick={() => commit([{ type: 'static', content: '' }])}>
        <Icon name="plus" /> Add a prompt
      </button>
    );
  }
  return (
    <div>
      {prompt.map((part, i) => (
        <div className="sig-field" key={i}>
          <div className="row">
            <select
              className="select"
              aria-label={`Prompt part ${i + 1} type`}
              value={String(part.type ?? 'static')}
              onChange={(e) => commit(prompt.map((p, j) => (j === i ? { type: e.target.value, ...(e.target.value === 'previous_response' ? { step: names[0] ?? '' } : e.target.value === 'file' ? { path: '' } : { content: '' }) } : p)))}
            >
              {PART_TYPES.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
            <button type="button" className="btn icon" aria-label={`Remove prompt part ${i + 1}`} onClick={() => commit(prompt.filter((_, j) => j !== i))}>
              <Icon name="trash" />
            </button>
          </div>
          {part.type === 'previous_response' ? (
            <select className="select" aria-label={`Prompt part ${i + 1} step`} value={String(part.step ?? '')} onChange={(e) => commit(prompt.map((p, j) => (j === i ? { ...p, step: e.target.value } : p)))}>
              {names.filter((n) => n !== step.name).map((n) => (
                <option key={n}>{n}</option>
              ))}
            </select>
          ) : part.type === 'file' ? (
            <TextInput label="path" mono value={String(part.path ?? '')} onCommit={(v) => commit(prompt.map((p, j) => (j === i ? { ...p, path: v } : p)))} />
          ) : (
            <PartContent value={String(part.content ?? '')} onCommit={(v) => commit(prompt.map((p, j) => (j === i ? { ...p, content: v } : p)))} />
          )}
        </div>
      ))}
      <button type="button" className="btn" onClick={() => commit([...prompt, { type: 'static', content: '' }])}>
        <Icon name="plus" /> Add part
      </button>
    </div>
  );
}

function PartContent({ value, onCommit }: { value: string; onCommit: (v: string) => void }) {
  const [v, setV] = useState(value);
  useEffect(() => setV(value), [value]);
  return <textarea className="textarea" aria-label="Prompt content" rows={3} style={{ fontFamily: 'var(--font-ui)' }} value={v} onChange={(e) => setV(e.target.value)} onBlur={() => v !== value && onCommit(v)} />;
}

function DspyConfig({ step }: { step: StepView }) {
  const cfg = (step.raw.dspy_config ?? {}) as Record<string, Json>;
  const fields = formFields(dspyConfigSchema, new Set(['chain_steps']));
  return (
    <div className="section">
      <h4>DSPy config</h4>
      {fields.map((f) =>
        f.kind === 'boolean' ? (
          <div className="field" key={f.key}>
            <label className="row" title={f.description}>
              <input type="checkbox" checked={cfg[f.key] === true} onChange={(e) => setField(step.name, ['dspy_config', f.key], e.target.checked ? true : undefined)} />
              <span className="mono small">{f.key}</span>
            </label>
          </div>
        ) : f.kind === 'enum' ? (
          <div className="field" key={f.key}>
            <label title={f.description}>
              <span className="label mono">{f.key}</span>
              <select className="select" value={typeof cfg[f.key] === 'string' ? String(cfg[f.key]) : ''} onChange={(e) => setField(step.name, ['dspy_config', f.key], e.target.value || undefined)}>
                <option value="">(default)</option>
                {f.options?.map((o) => <option key={o}>{o}</option>)}
              </select>
            </label>
          </div>
        ) : (
          <TextInput key={f.key} label={f.key} mono value={cfg[f.key] === undefined ? '' : String(cfg[f.key])} onCommit={(v) => setField(step.name, ['dspy_config', f.key], v.trim() === '' ? undefined : Number.isFinite(Number(v)) ? Number(v) : v)} />
        ),
      )}
    </div>
  );
}

function ChainEditor({ step }: { step: StepView }) {
  const cfg = (step.raw.dspy_config ?? {}) as Record<string, Json>;
  const links = Array.isArray(cfg.chain_steps) ? (cfg.chain_steps as Record<string, Json>[]) : [];
  const commit = (next: Record<string, Json>[]) => setField(step.name, ['dspy_config', 'chain_steps'], next, `Edit chain of ${step.name}`);
  return (
    <div className="section">
      <h4>
        Chain links<span className="spacer" />
        <button type="button" className="btn" onClick={() => commit([...links, { signature: 'input_to_output' }])}>
          <Icon name="plus" /> Add
        </button>
      </h4>
      {links.map((l, i) => (
        <div className="row" key={i} style={{ marginBottom: 6 }}>
          <span className="muted small" style={{ width: 16 }}>{i + 1}</span>
          <div style={{ flex: 1 }}>
            <TextInput label={`Link ${i + 1} signature`} mono value={String(l.signature ?? '')} onCommit={(v) => commit(links.map((x, j) => (j === i ? { ...x, signature: v } : x)))} />
          </div>
          <button type="button" className="btn icon" aria-label={`Remove link ${i + 1}`} onClick={() => commit(links.filter((_, j) => j !== i))}>
            <Icon name="trash" />
          </button>
        </div>
      ))}
      <div className="muted small">Each link is a signature name: declared under workflow dspy_signatures, or read as &lt;inputs&gt;_to_&lt;outputs&gt;.</div>
    </div>
  );
}

export function Inspector() {
  const selection = useDocument((s) => s.selection);
  const view = useDocument((s) => s.view);
  const diagnostics = useDocument((s) => s.diagnostics);
  const step = selection.length === 1 ? view?.steps.find((s) => s.id === selection[0]) : undefined;

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
                {view.steps.length} steps · {view.edges.length} connections · {errors} error{errors === 1 ? '' : 's'}
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
          <TextInput label="Name" mono value={step.name} testId="inspector-name" onCommit={(v) => renameStep(step.name, v.trim())} />
          {formFields(def?.schema, SKIP).map((f) => (
            <SchemaField key={f.key} step={step} field={f} />
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
        {isDspy && <SignatureEditor step={step.name} raw={step.raw.dspy_signature} />}
        {step.type === 'dspy_chain' && <ChainEditor step={step} />}
        {step.family === 'dspy' && <DspyConfig step={step} />}
        {(def?.requiresPrompt || step.raw.prompt !== undefined || step.family === 'dspy') && (
          <div className="section">
            <h4>{step.family === 'dspy' ? 'Fallback prompt' : 'Prompt'}</h4>
            <PromptEditor step={step} />
          </div>
        )}
      </div>
    </aside>
  );
}
