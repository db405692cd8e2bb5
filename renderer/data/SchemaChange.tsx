/**
 * A dataset's signature against the open workflow's and against its own examples: offers to make
 * the workflow's wording the current version, and answers a field change explicitly (map the
 * stored fields, or move the examples that no longer fit to a dataset of their own).
 */
import { useEffect, useState } from 'react';
import type { FieldMappingInput, SchemaStatus, SignatureSummary } from '../../shared/api/index';
import { describeChanges } from '../../shared/dspy/signature-history';
import { studio } from '../api/client';
import { useUi } from '../stores/ui';
import { refreshStepPrograms, useStepPrograms } from '../tuning/step-programs';
import { attempt, useWorkflowSignatures } from '../tuning/common';

export function SignatureSync({ sig, onChanged }: { sig: SignatureSummary; onChanged: () => void }) {
  const step = useStepPrograms((s) => s.byStep[sig.name]);
  const spec = useWorkflowSignatures().find((w) => w.name === sig.name)?.spec;
  if (!step || !spec || step.signatureHash === sig.hash) return null;
  const adopt = () =>
    void attempt(() => studio.call('data.registerSignature', { name: sig.name, spec }), 'Signature').then((r) => {
      if (!r) return;
      useUi.getState().toast(r.misfits ? 'info' : 'success', r.misfits ? `${r.misfits} examples no longer fit: choose how to keep them below` : `The workflow's signature is now the current version of ${sig.name}; every example fits`);
      refreshStepPrograms(0);
      onChanged();
    });
  return (
    <div className="warning-banner" role="note" data-testid="signature-sync">
      Step <span className="mono">{sig.name}</span> of the open workflow has another version of this signature (dataset: {sig.hash.slice(0, 6)}, workflow: {step.signatureHash.slice(0, 6)}).{' '}
      <button type="button" className="btn outline small" onClick={adopt} data-testid="adopt-signature">
        Make the workflow's the current version
      </button>
    </div>
  );
}

export function SchemaBanner({ sig, onChanged }: { sig: SignatureSummary; onChanged: () => void }) {
  const [status, setStatus] = useState<SchemaStatus | null>(null);
  const [mapping, setMapping] = useState<FieldMappingInput | null>(null);
  const [newName, setNewName] = useState(`${sig.name}_before`);
  useEffect(() => {
    void attempt(() => studio.call('data.schemaStatus', { signature: sig.name }), 'Signature check').then((s) => {
      setStatus(s ?? null);
      setMapping(s?.suggested ?? null);
    });
  }, [sig.name, sig.hash, sig.examples]);
  if (!status || status.misfits === 0) return null;
  const done = (text: string) => {
    useUi.getState().toast('success', text);
    onChanged();
  };
  const apply = () =>
    void attempt(() => studio.call('data.mapFields', { signature: sig.name, mapping: (mapping ?? {}) as Record<string, unknown> }), 'Map fields').then(
      (r) => r && done(`${r.mapped} examples now fit${r.stillMisfit ? `; ${r.stillMisfit} still do not` : ''}${r.clashes ? `; ${r.clashes} would duplicate another and were left as they were` : ''}`),
    );
  const split = () => void attempt(() => studio.call('data.splitOff', { signature: sig.name, name: newName }), 'New dataset').then((r) => r && done(`${r.moved} examples moved to the dataset ${r.task}`));
  const inputs = status.head.spec.input_fields.map((f) => f.name);
  const added = status.changes?.added.filter((f) => f.side === 'input') ?? [];
  return (
    <div className="warning-banner schema-banner" role="alert" data-testid="schema-banner">
      <strong>
        {status.misfits} example{status.misfits === 1 ? ' does' : 's do'} not fit the current signature of {sig.name}
      </strong>
      {status.changes ? ` (${describeChanges(status.changes)})` : ''}: they are kept, but left out of optimization until you choose.
      <div className="small muted">For example: {status.sample[0]?.reasons.join(', ')}</div>
      {(mapping?.renames ?? []).map((r, i) => (
        <div className="row small" key={`${r.side}:${r.from}`}>
          Rename stored {r.side} <span className="mono">{r.from}</span> to
          <select
            className="select"
            aria-label={`New name of ${r.side} ${r.from}`}
            value={r.to}
            onChange={(e) => setMapping({ ...mapping, renames: mapping!.renames!.map((x, j) => (j === i ? { ...x, to: e.target.value } : x)) })}
            data-testid="rename-to"
          >
            {(r.side === 'input' ? inputs : status.head.spec.output_fields.map((f) => f.name)).map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </div>
      ))}
      {added.map((f) => (
        <label className="row small" key={f.name}>
          Value for the new input <span className="mono">{f.name}</span>
          <input className="input" value={String(mapping?.defaults?.[f.name] ?? '')} onChange={(e) => setMapping({ ...mapping, defaults: { ...mapping?.defaults, [f.name]: e.target.value } })} data-testid={`default-${f.name}`} />
        </label>
      ))}
      <div className="action-row">
        <button type="button" className="btn primary" onClick={apply} data-testid="apply-mapping">
          Map the fields
        </button>
        <span className="muted small">or</span>
        <input className="input" aria-label="Name of the new dataset" value={newName} onChange={(e) => setNewName(e.target.value)} data-testid="split-name" />
        <button type="button" className="btn outline" onClick={split} data-testid="split-off">
          Move them to this new dataset
        </button>
      </div>
    </div>
  );
}
