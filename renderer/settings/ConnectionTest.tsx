/** Settings' connection test: which models the server offers and how fast it answers one tiny completion. */
import { useState } from 'react';
import type { ConnectionTestResult, PresetId, ProviderPresetSummary } from '../../shared/api/index';
import { studio } from '../api/client';
import { errText } from '../tuning/common';
import './settings.css';

const FAILURE_TITLES: Record<string, string> = {
  connection_refused: 'Connection refused',
  connection_dropped: 'Connection dropped',
  unreachable: 'Unreachable',
  timeout: 'Timed out',
  http_status: 'HTTP error',
  bad_response: 'Unexpected answer',
  no_model: 'No model',
};

function Failure({ part, error }: { part: string; error: { kind: string; message: string; status: number | null } }) {
  return (
    <div className="inline-error" role="alert" data-testid={`connection-${part}-error`}>
      <strong>
        {part === 'models' ? 'Models' : 'Completion'}: {FAILURE_TITLES[error.kind] ?? error.kind}
        {error.status !== null ? ` (HTTP ${error.status})` : ''}
      </strong>{' '}
      {error.message}
    </div>
  );
}

export function ConnectionResult({ r }: { r: ConnectionTestResult }) {
  const c = r.completion;
  return (
    <div className="connection-result" data-testid="connection-result">
      <div className="row">
        <span className={`health-pill ${r.ok ? 'healthy' : 'unhealthy'}`}>{r.ok ? 'connected' : 'failed'}</span>
        <span className="mono small">
          {r.target.apiBase}
          {r.target.model ? ` · ${r.target.model}` : ''}
        </span>
      </div>
      {r.models.ok ? (
        <div className="small" data-testid="connection-models">
          <span className="muted">Models ({r.models.ids.length}):</span> <span className="mono">{r.models.ids.slice(0, 8).join(', ') || 'none listed'}</span>
          {r.models.ids.length > 8 ? ' …' : ''}
        </div>
      ) : (
        <Failure part="models" error={r.models.error} />
      )}
      {c === null && <div className="small muted">No completion tried: nothing answers at that address.</div>}
      {c?.ok === true && (
        <div className="connection-speed small" data-testid="connection-speed">
          <span>
            <span className="muted">Latency</span> {Math.round(c.latencyMs)} ms
          </span>
          <span>
            <span className="muted">Tokens</span> {c.promptTokens ?? '?'} in / {c.completionTokens ?? '?'} out
          </span>
          <span title="Completion tokens as the server counted them, over the whole request (prompt processing included)">
            <span className="muted">Speed</span> {c.tokensPerSecond === null ? 'unknown (no token usage reported)' : `${c.tokensPerSecond.toFixed(1)} tokens/s`}
          </span>
          <span className="muted mono">answered “{c.text.slice(0, 40)}”</span>
        </div>
      )}
      {c?.ok === false && <Failure part="completion" error={c.error} />}
    </div>
  );
}

/** Runs the test on the endpoint in the form (unsaved), else on the saved provider. */
export function ConnectionTest({ preset, apiBase, model }: { preset: PresetId | null; apiBase: string; model: string }) {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ConnectionTestResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await studio.call('providers.test', { ...(preset ? { preset } : {}), ...(apiBase ? { apiBase } : {}), ...(model ? { model } : {}) }));
    } catch (e) {
      setError(errText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="connection-test">
      <div className="action-row">
        <button type="button" className="btn outline" onClick={() => void run()} disabled={busy} data-testid="test-connection">
          {busy ? 'Testing…' : 'Test connection'}
        </button>
        <span className="small muted">Lists the server's models and times one 16-token completion (up to 60 s per request).</span>
      </div>
      {error && (
        <div className="inline-error" role="alert" data-testid="connection-error">
          {error}
        </div>
      )}
      {result && <ConnectionResult r={result} />}
    </div>
  );
}

/** One line on what a preset sets. */
export function presetHint(p: ProviderPresetSummary): string {
  return `${p.local ? `local, port ${p.defaultPort}` : 'hosted'} · structured output ${p.structuredOutput} · ${p.numThreads} parallel call${p.numThreads === 1 ? '' : 's'} · timeout ${p.timeoutS} s`;
}
