/** Settings: providers and keys (kept by the host), default models, an OpenAI-compatible endpoint, the Python runtime, the plugin configuration, the price table. */
import { useCallback, useEffect, useState } from 'react';
import type { MonitorSnapshot, ProviderPresetSummary, ProviderStatus, StoredPriceTable } from '../../shared/api/index';
import { studio } from '../api/client';
import { useUi } from '../stores/ui';
import { PoolView } from '../monitor/MonitorScreen';
import { RuntimeDetails } from './RuntimeDetails';
import { ConnectionTest, presetHint } from './ConnectionTest';
import { RequestSettings, requestFormOf, requestFormWithPreset, requestPatch } from './RequestSettings';
import { attempt, errText, LmBadge, ScreenHeader } from '../tuning/common';

/** Theme and where the app keeps its data. */
function Appearance() {
  const theme = useUi((s) => s.theme);
  const setTheme = useUi((s) => s.setTheme);
  const [info, setInfo] = useState<{ mode: string; dataDir: string; version: string } | null>(null);
  useEffect(() => {
    void attempt(() => studio.call('app.info', {}), 'About').then((i) => i && setInfo(i));
  }, []);
  return (
    <section className="card-panel" data-testid="settings-appearance">
      <h3>Appearance and about</h3>
      <div className="settings-grid small">
        <span className="muted">Theme</span>
        <select className="select" aria-label="Theme" value={theme} onChange={(e) => setTheme(e.target.value as 'dark' | 'light')} style={{ maxWidth: 200 }}>
          <option value="dark">Dark</option>
          <option value="light">Light</option>
        </select>
        <span className="muted">Version</span>
        <span>{info?.version}</span>
        <span className="muted">Mode</span>
        <span>{info?.mode}</span>
        <span className="muted">Data directory</span>
        <span className="mono">{info?.dataDir}</span>
      </div>
    </section>
  );
}

export function SettingsScreen() {
  const [p, setP] = useState<ProviderStatus | null>(null);
  const [pool, setPool] = useState<MonitorSnapshot['pool'] | null>(null);
  const load = useCallback(async () => {
    const [a, b] = await Promise.all([attempt(() => studio.call('providers.status', {}), 'Providers'), attempt(() => studio.call('monitor.snapshot', {}), 'Runtime')]);
    if (a) setP(a);
    if (b) setPool(b.pool);
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <div className="screen" data-testid="screen-settings">
      <ScreenHeader title="Settings" />
      <div className="screen-body settings-grid-2">
        {p?.simulated && (
          <div className="notice" role="note" data-testid="simulated-notice">
            <strong>No provider key is set.</strong> DSPy steps, optimization and comparisons use the built-in simulated model, labelled <LmBadge label={p.simulatedLabel} />, so you can try the whole loop offline
            (open the sample project's <span className="mono">toy_labels.yaml</span>). Add a key or an OpenAI-compatible endpoint below and real providers replace it at once.
          </div>
        )}
        {p && <Providers p={p} onChanged={setP} />}
        <section className="card-panel">
          <h3>Python runtime</h3>
          <RuntimeDetails onRepaired={load} />
          {pool ? <PoolView pool={pool} onRestarted={load} /> : <p className="muted small">Loading…</p>}
        </section>
        <PluginConfig />
        <Prices />
        <Appearance />
      </div>
    </div>
  );
}

function Providers({ p, onChanged }: { p: ProviderStatus; onChanged: (p: ProviderStatus) => void }) {
  const [keys, setKeys] = useState<Record<string, string>>({});
  const [claudeModel, setClaudeModel] = useState(p.claude.model ?? '');
  const [geminiModel, setGeminiModel] = useState(p.gemini.model ?? '');
  const [oaBase, setOaBase] = useState(p.openaiCompatible?.apiBase ?? '');
  const [oaModel, setOaModel] = useState(p.openaiCompatible?.model ?? '');
  const [maxTokens, setMaxTokens] = useState(String(p.generation.maxTokens));
  const [temperature, setTemperature] = useState(p.generation.temperature === null ? '' : String(p.generation.temperature));
  const [requests, setRequests] = useState(requestFormOf(p.openaiCompatible?.requests));
  const [presets, setPresets] = useState<ProviderPresetSummary[]>([]);
  useEffect(() => {
    void attempt(() => studio.call('providers.presets', {}), 'Presets').then((r) => r && setPresets(r.presets.filter((x) => x.kind === 'openai_compatible')));
  }, []);
  const preset = presets.find((x) => x.apiBase === oaBase.trim().replace(/\/+$/, '')) ?? null;
  const choosePreset = (id: string) => {
    const chosen = presets.find((x) => x.id === id);
    if (!chosen) return;
    setOaBase(chosen.apiBase);
    if (chosen.defaultModel) setOaModel(chosen.defaultModel);
    setRequests(requestFormWithPreset(requests, chosen));
  };
  const saveKey = async (provider: 'anthropic' | 'gemini' | 'openai') => {
    const value = keys[provider]?.trim();
    if (!value) return;
    if (await attempt(() => studio.call('secrets.set', { provider, value }), 'Save key')) {
      setKeys({ ...keys, [provider]: '' });
      useUi.getState().toast('success', `${provider} key stored with the system keychain`);
      const s = await attempt(() => studio.call('providers.status', {}), 'Providers');
      if (s) onChanged(s);
    }
  };
  const save = async () => {
    const r = await attempt(
      () =>
        studio.call('providers.update', {
          claude: { model: claudeModel.trim() || null },
          gemini: { model: geminiModel.trim() || null },
          openaiCompatible: oaBase.trim() ? { apiBase: oaBase.trim(), model: oaModel.trim() || 'llama3.1', ...requestPatch(requests) } : null,
          generation: { maxTokens: maxTokens.trim() ? Number(maxTokens) : null, temperature: temperature.trim() ? Number(temperature) : null },
        }),
      'Save providers',
    );
    if (r) {
      onChanged(r);
      useUi.getState().toast('success', `Providers saved: DSPy steps now use ${r.activeLabel}`);
    }
  };
  const row = (name: 'anthropic' | 'gemini', label: string, st: ProviderStatus['claude'], envVar: string) => (
    <div className="provider" key={name}>
      <div className="row">
        <strong>{label}</strong>
        <span className={`health-pill ${st.configured ? 'healthy' : 'idle'}`}>{st.configured ? `key set (${st.source})` : 'no key'}</span>
      </div>
      {p.keyStorage === 'safe-storage' ? (
        <div className="row">
          <input className="input" type="password" autoComplete="off" aria-label={`${label} API key`} placeholder={st.configured ? '•••••••• (stored; enter a new one to replace)' : 'API key'} value={keys[name] ?? ''} onChange={(e) => setKeys({ ...keys, [name]: e.target.value })} />
          <button type="button" className="btn outline" onClick={() => void saveKey(name)} disabled={!keys[name]}>
            Store key
          </button>
        </div>
      ) : (
        <p className="small muted">
          Browser mode reads keys from the environment: set <span className="mono">{envVar}</span> and restart the server. Keys are never shown or exported.
        </p>
      )}
    </div>
  );
  return (
    <section className="card-panel" data-testid="providers">
      <h3>
        Providers <span className="spacer" /> <span className="small muted">DSPy steps use</span> <LmBadge label={p.activeLabel} />
      </h3>
      {row('anthropic', 'Anthropic (dspy_claude)', p.claude, 'ANTHROPIC_API_KEY')}
      {row('gemini', 'Google Gemini (dspy_gemini)', p.gemini, 'GEMINI_API_KEY')}
      <div className="form-grid">
        <label htmlFor="claude-model">Default Claude model</label>
        <input id="claude-model" className="input mono" placeholder="provider default" value={claudeModel} onChange={(e) => setClaudeModel(e.target.value)} />
        <label htmlFor="gemini-model">Default Gemini model</label>
        <input id="gemini-model" className="input mono" placeholder="provider default" value={geminiModel} onChange={(e) => setGeminiModel(e.target.value)} />
        <label htmlFor="oa-preset">Server preset</label>
        <select id="oa-preset" className="select" value={preset?.id ?? ''} onChange={(e) => choosePreset(e.target.value)} data-testid="provider-preset">
          <option value="">{oaBase.trim() ? 'Custom endpoint' : 'None (choose a server)'}</option>
          {presets.map((x) => (
            <option key={x.id} value={x.id}>
              {x.label} ({x.local ? `port ${x.defaultPort}` : 'hosted'})
            </option>
          ))}
        </select>
        {preset && (
          <span className="small muted preset-hint" data-testid="preset-hint">
            {presetHint(preset)}
          </span>
        )}
        <label htmlFor="oa-base">OpenAI-compatible endpoint</label>
        <input id="oa-base" className="input mono" placeholder="e.g. http://127.0.0.1:11434/v1 (Ollama)" value={oaBase} onChange={(e) => setOaBase(e.target.value)} data-testid="openai-base" />
        <label htmlFor="oa-model">Endpoint model</label>
        <input id="oa-model" className="input mono" placeholder="llama3.1" value={oaModel} onChange={(e) => setOaModel(e.target.value)} />
        {oaBase.trim() && <RequestSettings form={requests} onChange={setRequests} />}
        <label htmlFor="gen-max-tokens" title="Sent with every real model call: a small local model otherwise generates until its context is full.">
          Max tokens per answer
        </label>
        <input id="gen-max-tokens" className="input" inputMode="numeric" placeholder="1024" value={maxTokens} onChange={(e) => setMaxTokens(e.target.value)} data-testid="max-tokens" />
        <label htmlFor="gen-temperature">Temperature</label>
        <input id="gen-temperature" className="input" inputMode="decimal" placeholder="provider default" value={temperature} onChange={(e) => setTemperature(e.target.value)} />
      </div>
      <ConnectionTest preset={preset?.id ?? null} apiBase={oaBase.trim()} model={oaModel.trim()} />
      <div className="action-row">
        <div className="spacer" />
        <button type="button" className="btn primary" onClick={() => void save()} data-testid="save-providers">
          Save providers
        </button>
      </div>
    </section>
  );
}

function PluginConfig() {
  const [text, setText] = useState('');
  const [saved, setSaved] = useState('');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void studio.call('config.get', {}).then(
      (r) => {
        const t = JSON.stringify(r.config, null, 2);
        setText(t);
        setSaved(t);
      },
      (e) => setError(errText(e)),
    );
  }, []);
  let parseError: string | null = null;
  try {
    if (text) JSON.parse(text);
  } catch (e) {
    parseError = errText(e);
  }
  const apply = async () => {
    try {
      const r = await studio.call('config.update', { patch: JSON.parse(text) as Record<string, unknown> });
      const t = JSON.stringify(r.config, null, 2);
      setText(t);
      setSaved(t);
      setError(null);
      useUi.getState().toast('success', 'Plugin configuration applied');
    } catch (e) {
      setError(errText(e));
    }
  };
  return (
    <section className="card-panel config-editor">
      <h3>Plugin configuration (plugins.dspy_plugin.config)</h3>
      <p className="small muted">Validated by the host against the plugin's schema before it applies; every change is audited. Pool settings apply after a runtime restart.</p>
      <textarea className="textarea" aria-label="Plugin configuration JSON" rows={18} value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} data-testid="plugin-config" />
      {(parseError || error) && (
        <div className="inline-error" role="alert" data-testid="config-error">
          {parseError ? `Not valid JSON: ${parseError}` : error}
        </div>
      )}
      <div className="action-row">
        <button type="button" className="btn" disabled={text === saved} onClick={() => setText(saved)}>
          Revert
        </button>
        <div className="spacer" />
        <button type="button" className="btn primary" disabled={Boolean(parseError) || text === saved} onClick={() => void apply()} data-testid="apply-config">
          Validate and apply
        </button>
      </div>
    </section>
  );
}

type PriceRow = { model: string; input: string; output: string };
const rowsOf = (t: StoredPriceTable): PriceRow[] => Object.entries(t.prices).map(([model, p]) => ({ model, input: String(p.input), output: String(p.output) }));

/** The price table estimates and measured costs use: USD per million tokens, with the day it was read. */
function Prices() {
  const [table, setTable] = useState<StoredPriceTable | null>(null);
  const [rows, setRows] = useState<PriceRow[]>([]);
  const [asOf, setAsOf] = useState('');
  const [error, setError] = useState<string | null>(null);
  const show = (t: StoredPriceTable) => {
    setTable(t);
    setRows(rowsOf(t));
    setAsOf(t.asOf);
    setError(null);
  };
  useEffect(() => {
    void studio.call('prices.get', {}).then(show, (e) => setError(errText(e)));
  }, []);
  const edit = (i: number, patch: Partial<PriceRow>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const save = async () => {
    try {
      const prices = Object.fromEntries(rows.filter((r) => r.model.trim()).map((r) => [r.model.trim(), { input: Number(r.input), output: Number(r.output) }]));
      show(await studio.call('prices.set', { asOf, prices }));
      useUi.getState().toast('success', 'Price table saved');
    } catch (e) {
      setError(errText(e));
    }
  };
  const reset = async () => {
    try {
      show(await studio.call('prices.reset', {}));
    } catch (e) {
      setError(errText(e));
    }
  };
  return (
    <section className="card-panel" data-testid="prices">
      <h3>Prices (USD per million tokens)</h3>
      <p className="small muted">
        Estimates and measured costs use this table; a model takes its longest listed prefix, unknown models $3 / $15.{' '}
        {table && (table.source === 'default' ? `The list shipped with the app, as of ${table.asOf}.` : `Edited, prices as of ${table.asOf} (saved ${new Date(table.updatedAt ?? '').toLocaleString()}).`)}
      </p>
      <div className="settings-grid small">
        <label htmlFor="prices-as-of" className="muted">Prices as of</label>
        <input id="prices-as-of" className="input" type="date" value={asOf} onChange={(e) => setAsOf(e.target.value)} data-testid="prices-as-of" />
      </div>
      <table className="table small">
        <thead>
          <tr>
            <th>Model prefix</th>
            <th>Input</th>
            <th>Output</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              <td><input className="input mono" aria-label={`Model prefix ${i + 1}`} value={r.model} onChange={(e) => edit(i, { model: e.target.value })} /></td>
              <td><input className="input" aria-label={`Input price of ${r.model}`} inputMode="decimal" value={r.input} onChange={(e) => edit(i, { input: e.target.value })} /></td>
              <td><input className="input" aria-label={`Output price of ${r.model}`} inputMode="decimal" value={r.output} onChange={(e) => edit(i, { output: e.target.value })} /></td>
              <td><button type="button" className="btn small" aria-label={`Remove ${r.model}`} onClick={() => setRows(rows.filter((_, j) => j !== i))}>Remove</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      {error && <div className="inline-error" role="alert" data-testid="prices-error">{error}</div>}
      <div className="action-row">
        <button type="button" className="btn" onClick={() => setRows([...rows, { model: '', input: '0', output: '0' }])}>Add a model</button>
        <button type="button" className="btn" disabled={table?.source === 'default'} onClick={() => void reset()}>Reset to the shipped list</button>
        <div className="spacer" />
        <button type="button" className="btn primary" onClick={() => void save()} data-testid="save-prices">Save</button>
      </div>
    </section>
  );
}
