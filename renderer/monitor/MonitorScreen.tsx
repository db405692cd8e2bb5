/** Monitor: execution metrics, alerts, deployment controls (phase, rollout, flags), plugin health, the Python pool. */
import { useCallback, useEffect, useState } from 'react';
import type { MonitorSnapshot } from '../../shared/api/index';
import { studio } from '../api/client';
import { useUi } from '../stores/ui';
import { attempt, Bar, fmtMs, fmtNum, fmtPct, fmtUsd, ScreenHeader, Stat } from '../tuning/common';

const WINDOWS: [number, string][] = [
  [15 * 60_000, 'Last 15 minutes'],
  [3_600_000, 'Last hour'],
  [86_400_000, 'Last 24 hours'],
  [7 * 86_400_000, 'Last 7 days'],
];

export function MonitorScreen() {
  const [windowMs, setWindowMs] = useState(3_600_000);
  const [snap, setSnap] = useState<MonitorSnapshot | null>(null);
  const [rollout, setRollout] = useState<number | null>(null);
  const load = useCallback(async () => {
    const r = await attempt(() => studio.call('monitor.snapshot', { windowMs }), 'Monitor');
    if (r) setSnap(r);
  }, [windowMs]);
  useEffect(() => {
    void load();
    const t = setInterval(() => void load(), 5000);
    return () => clearInterval(t);
  }, [load]);
  const update = async (patch: Record<string, unknown>, what: string) => {
    const r = await attempt(() => studio.call('config.update', { patch }), what);
    if (r) {
      useUi.getState().toast('success', `${what}: in effect now`);
      void load();
    }
  };
  if (!snap) return <div className="screen" data-testid="screen-monitor"><ScreenHeader title="Monitor" /><div className="muted pad">Loading…</div></div>;
  const s = snap.summary;
  const modes = Object.entries(s.byMode ?? {});
  const maxMode = Math.max(1, ...modes.map(([, n]) => n));
  const lat = s.latencyMs as { p50: number | null; p95: number | null; p99: number | null };
  const maxLat = Math.max(1, lat.p50 ?? 0, lat.p95 ?? 0, lat.p99 ?? 0);
  const dep = snap.deployment;
  return (
    <div className="screen" data-testid="screen-monitor">
      <ScreenHeader title="Monitor">
        <select className="select compact" aria-label="Time window" value={windowMs} onChange={(e) => setWindowMs(Number(e.target.value))}>
          {WINDOWS.map(([ms, l]) => (
            <option key={ms} value={ms}>
              {l}
            </option>
          ))}
        </select>
        <span className={`health-pill ${snap.health.status}`} data-testid="health-status">
          {snap.health.status}
        </span>
      </ScreenHeader>
      <div className="screen-body monitor-grid">
        <section className="card-panel">
          <h3>Executions</h3>
          <div className="stats-row">
            <Stat label="Executions" value={fmtNum(s.executions)} />
            <Stat label="Cache hit rate" value={fmtPct(s.cache.hitRate)} sub={`${fmtNum(s.cache.hits)} hits`} />
            <Stat label="Fallbacks" value={fmtNum(s.fallback.count)} />
            <Stat label="Parse failures" value={fmtPct(s.lm.parseFailureRate, 1)} sub={`${fmtNum(s.lm.parseFailures)} of ${fmtNum(s.lm.adapterCalls)} adapter calls`} testId="parse-failure-rate" />
            <Stat label="Request retries" value={fmtNum(retryCount(s.lm.retries))} sub={retryCauses(s.lm.retries)} />
            <Stat label="Tokens" value={fmtNum(s.tokens)} />
            <Stat label="Cost" value={fmtUsd(s.cost)} />
          </div>
          <h4>By mode</h4>
          {modes.map(([m, n]) => (
            <Bar key={m} label={m} value={n / maxMode} detail={fmtNum(n)} tone="accent" />
          ))}
          <h4>Latency percentiles</h4>
          {(['p50', 'p95', 'p99'] as const).map((k) => (
            <Bar key={k} label={k} value={(lat[k] ?? 0) / maxLat} detail={fmtMs(lat[k])} tone="accent" />
          ))}
          {s.executions === 0 && <p className="muted small">No executions in this window. Run a workflow with DSPy steps (pipeline-studio run, or the runtime) to see them here.</p>}
        </section>
        <section className="card-panel">
          <h3>Deployment</h3>
          <div className="form-grid">
            <label htmlFor="dep-phase">Phase</label>
            <select id="dep-phase" className="select" value={dep.phase} onChange={(e) => void update({ deployment: { phase: e.target.value } }, 'Deployment phase')} data-testid="deployment-phase">
              {dep.phases.map((p) => (
                <option key={p} value={p}>
                  {p.replace('_', ' ')}
                </option>
              ))}
            </select>
            <label htmlFor="dep-rollout">Rollout: {rollout ?? dep.rolloutPercentage}%</label>
            <input
              id="dep-rollout"
              type="range"
              min={0}
              max={100}
              step={5}
              value={rollout ?? dep.rolloutPercentage}
              onChange={(e) => setRollout(Number(e.target.value))}
              onPointerUp={() => rollout !== null && void update({ deployment: { rollout_percentage: rollout } }, 'Rollout').then(() => setRollout(null))}
              onKeyUp={() => rollout !== null && void update({ deployment: { rollout_percentage: rollout } }, 'Rollout').then(() => setRollout(null))}
              data-testid="rollout"
            />
          </div>
          <h4>Feature flags</h4>
          <div className="flags">
            {dep.knownFlags.map((f) => (
              <label key={f} className="check">
                <input
                  type="checkbox"
                  checked={dep.featureFlags.includes(f)}
                  onChange={(e) => void update({ deployment: { feature_flags: e.target.checked ? [...dep.featureFlags, f] : dep.featureFlags.filter((x) => x !== f) } }, `Flag ${f}`)}
                />
                <span className="mono">{f}</span>
              </label>
            ))}
          </div>
          <h3>Alerts</h3>
          <ul className="alerts" data-testid="alerts">
            {snap.alerts.map((a, i) => (
              <li key={i} className={`alert ${a.severity}`}>
                <strong>{a.severity}</strong> {a.message}
              </li>
            ))}
            {snap.alerts.length === 0 && <li className="muted small">No active alerts.</li>}
          </ul>
        </section>
        <section className="card-panel">
          <h3>Plugin health</h3>
          <ul className="health-list">
            {snap.health.components.map((c) => (
              <li key={c.name}>
                <span className={`health-pill ${c.status}`}>{c.status}</span> <span className="mono">{c.name}</span> <span className="small muted">{c.detail}</span>
              </li>
            ))}
          </ul>
          <h3>Python pool</h3>
          <PoolView pool={snap.pool} onRestarted={load} />
        </section>
        <section className="card-panel" style={{ gridColumn: '1 / -1' }}>
          <h3>LM calls per step</h3>
          <StepTable steps={s.bySteps} />
        </section>
      </div>
    </div>
  );
}

const retryCount = (retries: Record<string, number>) => Object.values(retries).reduce((a, n) => a + n, 0);
const retryCauses = (retries: Record<string, number>) =>
  Object.entries(retries)
    .map(([cause, n]) => `${cause.replace('_', ' ')} ${n}`)
    .join(', ') || 'none';

/** Per workflow step: adapter calls, the share of answers that failed to parse, JSONAdapter fallbacks, retries by cause. */
function StepTable({ steps }: { steps: MonitorSnapshot['summary']['bySteps'] }) {
  if (steps.length === 0) return <p className="muted small">No step executions in this window.</p>;
  return (
    <table className="data-table" data-testid="step-lm-stats">
      <thead>
        <tr>
          <th>Step</th>
          <th>Executions</th>
          <th>Errors</th>
          <th>Adapter calls</th>
          <th>Parse failures</th>
          <th>Fallbacks to JSON</th>
          <th>Retries</th>
        </tr>
      </thead>
      <tbody>
        {steps.map((st) => (
          <tr key={JSON.stringify([st.workflow, st.step])}>
            <td className="mono">{st.workflow ? `${st.workflow} › ${st.step}` : st.step}</td>
            <td>{fmtNum(st.executions)}</td>
            <td>{fmtPct(st.errorRate)}</td>
            <td>{fmtNum(st.adapterCalls)}</td>
            <td>{st.adapterCalls ? `${fmtPct(st.parseFailureRate, 1)} (${fmtNum(st.parseFailures)})` : '—'}</td>
            <td>{fmtNum(st.fallbacks)}</td>
            <td>{retryCount(st.retries) ? `${retryCount(st.retries)}: ${retryCauses(st.retries)}` : '0'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function PoolView({ pool, onRestarted }: { pool: MonitorSnapshot['pool']; onRestarted: () => void }) {
  const [busy, setBusy] = useState(false);
  return (
    <div data-testid="pool">
      <p className="small">
        <span className={`health-pill ${pool.state === 'ready' ? 'healthy' : pool.state === 'not started' ? 'idle' : 'degraded'}`}>{pool.state}</span> {pool.readyWorkers}/{pool.poolSize} workers ready · {pool.inFlight} busy · {pool.queueDepth} queued · {pool.restarts} restarts
      </p>
      {pool.runtime && (
        <p className="small muted">
          Python {pool.runtime.pythonVersion ?? '?'} · DSPy {pool.runtime.dspyVersion ?? '?'} · <span className="mono">{pool.runtime.python}</span>
        </p>
      )}
      {!pool.started && <p className="small muted">The pool starts on the first DSPy step run, optimization or comparison.</p>}
      <ul className="workers">
        {pool.workers.map((w) => (
          <li key={String(w.id)} className="small">
            <span className={`status-dot ${w.state === 'ready' ? 'succeeded' : 'running'}`} aria-hidden="true" /> worker {String(w.id)} · pid {w.pid ?? '—'} · {w.state}
          </li>
        ))}
      </ul>
      <button
        type="button"
        className="btn outline"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          const r = await attempt(() => studio.call('runtime.restart', {}), 'Restart the Python runtime');
          setBusy(false);
          if (r) {
            useUi.getState().toast('success', `Python runtime restarted: ${r.pool.readyWorkers}/${r.pool.poolSize} workers ready`);
            onRestarted();
          }
        }}
        data-testid="restart-runtime"
      >
        {busy ? 'Restarting…' : 'Restart Python runtime'}
      </button>
    </div>
  );
}
