/** Settings: where the Python runtime is, its Python and DSPy versions, provisioning progress, and "Repair runtime". */
import { useCallback, useEffect, useState } from 'react';
import type { RuntimeInfo, RuntimeStatus } from '../../shared/api/index';
import { studio } from '../api/client';
import { useUi } from '../stores/ui';
import { attempt, fmtMs } from '../tuning/common';

const BASE_LABEL = { bundled: 'bundled Python', configured: 'configured Python', system: 'system Python (found on this machine)' } as const;

function StatusLine({ status }: { status: RuntimeStatus }) {
  if (status.state === 'provisioning') {
    const p = status.progress;
    return (
      <p className="small" role="status" data-testid="runtime-progress">
        <span className="health-pill degraded">setting up</span> {p ? `step ${p.index}/${p.total}: ${p.message} · ${fmtMs(p.elapsedMs)}` : 'starting…'}
      </p>
    );
  }
  if (status.state === 'failed') {
    return (
      <p className="small" role="alert" data-testid="runtime-error">
        <span className="health-pill unhealthy">failed</span> at {status.step}: <span className="mono">{status.error}</span>
      </p>
    );
  }
  if (status.state === 'ready' && status.provisioned) return <p className="small muted">Set up in {fmtMs(status.elapsedMs)}.</p>;
  return null;
}

export function RuntimeDetails({ onRepaired }: { onRepaired: () => void }) {
  const [info, setInfo] = useState<RuntimeInfo | null>(null);
  const [busy, setBusy] = useState(false);
  const load = useCallback(async () => {
    const i = await attempt(() => studio.call('runtime.info', {}), 'Python runtime');
    if (i) setInfo(i);
  }, []);
  useEffect(() => {
    void load();
    return studio.on('runtime.progress', (status) => setInfo((i) => (i ? { ...i, status } : i)));
  }, [load]);
  if (!info) return <p className="muted small">Loading…</p>;
  const repair = async () => {
    setBusy(true);
    const r = await attempt(() => studio.call('runtime.repair', {}), 'Repair runtime');
    setBusy(false);
    if (r) {
      setInfo(r);
      useUi.getState().toast('success', `Python runtime rebuilt: Python ${r.pythonVersion ?? '?'}, DSPy ${r.dspyVersion ?? '?'}`);
      onRepaired();
    }
  };
  return (
    <div data-testid="runtime-details">
      <div className="settings-grid small">
        <span className="muted">Location</span>
        <span className="mono">{info.python ?? 'not set up yet'}</span>
        <span className="muted">Found as</span>
        <span>{info.description ?? '—'}</span>
        <span className="muted">Python</span>
        <span>
          {info.pythonVersion ?? '—'}
          {info.baseInterpreter && ` (${BASE_LABEL[info.baseInterpreter.source]} ${info.baseInterpreter.version}, ${info.baseInterpreter.path})`}
        </span>
        <span className="muted">DSPy</span>
        <span>{info.dspyVersion ?? '—'}</span>
        {info.provisionedAt && (
          <>
            <span className="muted">Set up</span>
            <span>{new Date(info.provisionedAt).toLocaleString()}</span>
          </>
        )}
      </div>
      <StatusLine status={info.status} />
      <p className="row" style={{ gap: 8 }}>
        <button type="button" className="btn outline" style={{ flex: 'none' }} disabled={busy || !info.repairable || info.status.state === 'provisioning'} onClick={() => void repair()}>
          {busy ? 'Repairing…' : 'Repair runtime'}
        </button>
        <span className="small muted">
          {info.repairable ? 'Rebuilds the runtime from the bundled packages, offline.' : 'Repair rebuilds a runtime set up from the bundled packages; this one is rebuilt with npm run setup.'}
        </span>
      </p>
    </div>
  );
}
