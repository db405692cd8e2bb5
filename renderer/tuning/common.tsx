/** Shared pieces of the tuning screens: the signature picker, bars and stats, formatting, file helpers. */
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { create } from 'zustand';
import type { ProviderStatus, SignatureSummary } from '../../shared/api/index';
import { studio } from '../api/client';
import { useDocument } from '../stores/document';
import { useNav } from '../stores/nav';
import { useUi } from '../stores/ui';
import { downloadHref } from '../export/export';

import { errText, fmtPct } from './format';

export { errText, fmtMs, fmtNum, fmtP, fmtPct, fmtUsd, valueText } from './format';

/** Runs an API call with a toast on failure. */
export async function attempt<T>(f: () => Promise<T>, what: string): Promise<T | undefined> {
  try {
    return await f();
  } catch (e) {
    useUi.getState().toast('error', `${what}: ${errText(e)}`);
    return undefined;
  }
}

/** DSPy steps of the open workflow with their signature, to register as datasets. */
export function useWorkflowSignatures(): { name: string; spec: Record<string, unknown> }[] {
  const steps = useDocument((s) => s.view?.steps);
  return useMemo(
    () =>
      (steps ?? [])
        .filter((s) => s.type.startsWith('dspy_') && s.raw.dspy_signature && typeof s.raw.dspy_signature === 'object')
        .map((s) => ({ name: s.name, spec: s.raw.dspy_signature as Record<string, unknown> })),
    [steps],
  );
}

/** One list of signatures for every screen and picker, so counts stay in step after an import or a label. */
const useSignatureStore = create<{ signatures: SignatureSummary[]; set(s: SignatureSummary[]): void }>((set) => ({ signatures: [], set: (signatures) => set({ signatures }) }));
function reloadSignatures(): void {
  void attempt(() => studio.call('data.signatures', {}), 'Loading signatures').then((r) => r && useSignatureStore.getState().set(r.signatures));
}

export function useSignatures(): { signatures: SignatureSummary[]; reload: () => void } {
  const signatures = useSignatureStore((s) => s.signatures);
  const reload = useCallback(() => reloadSignatures(), []);
  useEffect(reload, [reload]);
  return { signatures, reload };
}

/** Picks the signature every tuning screen works on: stored ones, and the open workflow's DSPy steps. */
export function SignaturePicker({ onRegistered }: { onRegistered?: () => void }) {
  const { signatures, reload } = useSignatures();
  const fromWorkflow = useWorkflowSignatures();
  const current = useNav((s) => s.signature);
  const setSignature = useNav((s) => s.setSignature);
  const stored = new Set(signatures.map((s) => s.name));
  const pending = fromWorkflow.filter((w) => !stored.has(w.name));
  useEffect(() => {
    if (!current && signatures.length) setSignature(signatures[0].name);
  }, [current, signatures, setSignature]);
  const choose = async (value: string) => {
    if (value.startsWith('wf:')) {
      const w = fromWorkflow.find((x) => x.name === value.slice(3));
      if (!w) return;
      const r = await attempt(() => studio.call('data.registerSignature', { name: w.name, spec: w.spec }), 'Registering the signature');
      if (!r) return;
      reload();
      setSignature(r.signature.name);
      onRegistered?.();
      useUi.getState().toast('success', `Signature ${r.signature.name} registered from the workflow`);
    } else setSignature(value);
  };
  const chosen = Boolean(current && stored.has(current));
  return (
    <label className={`sig-picker ${chosen ? '' : 'unset'}`}>
      <span className="sig-picker-label">Dataset</span>
      <select className="select" aria-label="Signature" data-testid="signature-picker" value={chosen ? current! : ''} onChange={(e) => void choose(e.target.value)}>
        <option value="" disabled>
          {signatures.length || pending.length ? 'Choose a dataset…' : 'No datasets: open a workflow with DSPy steps'}
        </option>
        {signatures.length > 0 && (
          <optgroup label="Datasets">
            {signatures.map((s) => (
              <option key={s.name} value={s.name}>
                {s.name} · {s.examples} examples · signature {s.hash.slice(0, 6)}
                {s.versions > 1 ? ` (${s.versions} versions)` : ''}
              </option>
            ))}
          </optgroup>
        )}
        {pending.length > 0 && (
          <optgroup label="From the open workflow">
            {pending.map((w) => (
              <option key={w.name} value={`wf:${w.name}`}>
                {w.name} (register)
              </option>
            ))}
          </optgroup>
        )}
      </select>
    </label>
  );
}

/** A horizontal bar, 0..1. */
export function Bar({ value, label, detail, tone }: { value: number | null; label: string; detail?: string; tone?: 'ok' | 'warn' | 'bad' | 'accent' }) {
  const v = value === null || !Number.isFinite(value) ? 0 : Math.max(0, Math.min(1, value));
  const t = tone ?? (value === null ? 'accent' : v >= 0.7 ? 'ok' : v >= 0.4 ? 'warn' : 'bad');
  return (
    <div className="bar-row">
      <span className="bar-label">{label}</span>
      <div className="bar-track" role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(v * 100)}>
        <div className={`bar-fill ${t}`} style={{ width: `${v * 100}%` }} />
      </div>
      <span className="bar-value">{detail ?? fmtPct(value)}</span>
    </div>
  );
}

export function Stat({ label, value, sub, testId }: { label: string; value: ReactNode; sub?: ReactNode; testId?: string }) {
  return (
    <div className="stat" data-testid={testId}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {sub !== undefined && <div className="stat-sub">{sub}</div>}
    </div>
  );
}

/**
 * What to do when no dataset is chosen, or the chosen one holds no examples: register a DSPy step,
 * then import examples or run the workflow and add its runs.
 */
export function NoDataset({ what }: { what: string }) {
  const { signatures } = useSignatures();
  const fromWorkflow = useWorkflowSignatures();
  const current = useNav((s) => s.signature);
  const sig = signatures.find((s) => s.name === current);
  const go = useNav((s) => s.go);
  const actions = (
    <div className="empty-actions">
      <button type="button" className="btn primary" onClick={() => go('data')} data-testid="empty-go-data">
        Import examples on Data
      </button>
      <button type="button" className="btn" onClick={() => go('design')} data-testid="empty-go-design">
        Run the workflow in the Designer
      </button>
    </div>
  );
  if (sig)
    return (
      <Empty title={`${sig.name} has no examples yet`}>
        <p>
          {what} needs labeled examples. Import a JSONL, CSV or DSPy file on Data, or run the workflow and press <b>Add to dataset</b> on the step's trace, then label the
          examples.
        </p>
        {actions}
      </Empty>
    );
  return (
    <Empty title="Choose a dataset">
      <p>
        {what} works on one dataset: the examples of one DSPy step.{' '}
        {signatures.length
          ? 'Pick one in Dataset above.'
          : fromWorkflow.length
            ? "Pick one of the open workflow's DSPy steps in Dataset above to register it."
            : 'There is none yet: open a workflow with DSPy steps (the welcome screen has a sample project), then pick its step in Dataset above.'}{' '}
        A new dataset is empty: import examples, or run the workflow and add its runs.
      </p>
      {actions}
    </Empty>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <h3>{title}</h3>
      {children && <div className="muted">{children}</div>}
    </div>
  );
}

/** The active language model; "simulated (offline demo)" when no provider is set. */
export function useProviders(): ProviderStatus | null {
  const [p, setP] = useState<ProviderStatus | null>(null);
  useEffect(() => {
    void studio.call('providers.status', {}).then(setP, () => setP(null));
  }, []);
  return p;
}

export function LmBadge({ label }: { label: string | null | undefined }) {
  if (!label) return null;
  const simulated = label.startsWith('simulated');
  return (
    <span className={`lm-badge ${simulated ? 'sim' : ''}`} data-testid="lm-badge" title={simulated ? 'No provider key is set: results come from the built-in simulated model' : 'Language model'}>
      {label}
    </span>
  );
}

/** Saves text as a download in the browser (and in Electron, which handles downloads the same way). */
export function download(name: string, text: string, type = 'text/plain'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  downloadHref(name, url);
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function fileToBase64(file: File): Promise<string> {
  return file.arrayBuffer().then((buf) => {
    const bytes = new Uint8Array(buf);
    let bin = '';
    for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(bin);
  });
}

/** Tabs with arrow-key navigation. */
export function Tabs<T extends string>({ tabs, value, onChange, label }: { tabs: { id: T; label: string }[]; value: T; onChange: (t: T) => void; label: string }) {
  return (
    <div className="tabs" role="tablist" aria-label={label}>
      {tabs.map((t, i) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          id={`tab-${t.id}`}
          aria-selected={value === t.id}
          tabIndex={value === t.id ? 0 : -1}
          className={value === t.id ? 'active' : ''}
          data-testid={`tab-${t.id}`}
          onClick={() => onChange(t.id)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
              e.preventDefault();
              e.stopPropagation();
              const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
              onChange(next.id);
              requestAnimationFrame(() => document.getElementById(`tab-${next.id}`)?.focus());
            }
          }}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}

export function ScreenHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="screen-header">
      <h1>{title}</h1>
      <div className="spacer" />
      {children}
    </div>
  );
}
