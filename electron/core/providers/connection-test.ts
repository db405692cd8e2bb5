/**
 * The connection test behind Settings' "Test connection" and `pipeline-studio providers test`:
 * which models the server offers, and how fast it answers one tiny completion.
 */
import { z } from 'zod';
import type { ConnectionFailure, ConnectionTestResult } from '../../../shared/api/providers';
import { PROVIDER_PRESETS, presetForApiBase, type ProviderFlags, type ProviderPreset } from './provider-presets';
import { DEFAULT_MODELS } from './traditional-provider';
import type { ProviderSettings } from './provider-settings';

export interface ConnectionTarget {
  /** Null for an OpenAI-compatible endpoint that matches no preset. */
  preset: ProviderPreset | null;
  apiBase: string;
  model?: string;
  apiKey?: string;
  /** Per request (the model list and the completion each get this long). */
  timeoutMs: number;
}

/** The one-line prompt of the speed check; short so a CPU-bound server answers in seconds. */
export const PROBE_PROMPT = 'Reply with the single word: ready';
export const PROBE_MAX_TOKENS = 16;

/** OpenAI's and Anthropic's model lists. */
const modelIds = z.object({ data: z.array(z.object({ id: z.string() })) });
/** Ollama's tags and Gemini's model list. */
const modelNames = z.object({ models: z.array(z.object({ name: z.string() })) });
const chatCompletion = z.object({
  model: z.string().optional(),
  choices: z.array(z.object({ message: z.object({ content: z.string().nullable().optional() }) })).min(1),
  usage: z.object({ prompt_tokens: z.number().optional(), completion_tokens: z.number().optional() }).nullish(),
});
const anthropicMessage = z.object({
  model: z.string().optional(),
  content: z.array(z.object({ text: z.string().optional() })),
  usage: z.object({ input_tokens: z.number().optional(), output_tokens: z.number().optional() }).optional(),
});
const geminiAnswer = z.object({
  candidates: z.array(z.object({ content: z.object({ parts: z.array(z.object({ text: z.string().optional() })).optional() }).optional() })).min(1),
  usageMetadata: z.object({ promptTokenCount: z.number().optional(), candidatesTokenCount: z.number().optional() }).optional(),
});

class Failure extends Error {
  constructor(readonly failure: ConnectionFailure) {
    super(failure.message);
  }
}

const trim = (base: string) => base.replace(/\/+$/, '');
const kind = (t: ConnectionTarget) => t.preset?.kind ?? 'openai_compatible';

/** Connection tests wait this long per request unless told otherwise (a cold local model loads first). */
export const DEFAULT_TEST_TIMEOUT_MS = 60_000;

/**
 * What to test: the named preset's provider (an OpenAI-compatible one at --api-base or its default
 * address), else the endpoint at `apiBase`, else the provider DSPy steps use with these settings
 * (the OpenAI-compatible endpoint when one is set, else Anthropic, else Gemini). Unlike a run, a
 * test needs no model name: it takes the first one the server lists.
 */
export function connectionTargetFor(settings: ProviderSettings, opts: ProviderFlags & { timeoutMs?: number } = {}): ConnectionTarget {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TEST_TIMEOUT_MS;
  const named = opts.preset ? PROVIDER_PRESETS[opts.preset] : undefined;
  const o = settings.openaiCompatible;
  if (named?.kind === 'openai_compatible' || (!named && opts.apiBase)) {
    const apiBase = opts.apiBase ?? named!.apiBase;
    const preset = named ?? presetForApiBase(apiBase);
    const model = opts.model ?? (o?.apiBase === apiBase ? o.model : undefined) ?? preset?.defaultModel ?? undefined;
    return { preset, apiBase, model, apiKey: o?.apiKey, timeoutMs };
  }
  if (o && !named) return { preset: presetForApiBase(o.apiBase), apiBase: o.apiBase, model: opts.model ?? o.model, apiKey: o.apiKey, timeoutMs };
  const hosted = named ?? (settings.claude.apiKey ? PROVIDER_PRESETS.anthropic : settings.gemini.apiKey ? PROVIDER_PRESETS.gemini : undefined);
  if (!hosted) throw new Error('no provider to test: DSPy steps use the simulated model; choose a preset, an OpenAI-compatible endpoint or set a key');
  const p = hosted.kind === 'anthropic' ? settings.claude : settings.gemini;
  if (!p.apiKey) throw new Error(`no API key for ${hosted.label}: set ${hosted.keyEnv} or store it in Settings`);
  const model = opts.model ?? p.model ?? DEFAULT_MODELS[hosted.kind === 'anthropic' ? 'claude' : 'gemini'];
  return { preset: hosted, apiBase: opts.apiBase ?? p.apiBase ?? hosted.apiBase, model, apiKey: p.apiKey, timeoutMs };
}

/** What a failed fetch really was: the socket error behind undici's "fetch failed", or the timeout. */
function classify(err: unknown, url: string, timeoutMs: number, timedOut: boolean): ConnectionFailure {
  if (timedOut) return { kind: 'timeout', message: `no answer from ${url} within ${timeoutMs} ms`, status: null };
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? (err as { code?: string }).code;
  if (code === 'ECONNREFUSED') return { kind: 'connection_refused', message: `connection refused at ${url}: is the server running and listening on that port?`, status: null };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { kind: 'unreachable', message: `cannot resolve the host of ${url} (${code})`, status: null };
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE')
    return { kind: 'connection_dropped', message: `the server at ${url} closed the connection (${code})`, status: null };
  return { kind: 'unreachable', message: `request to ${url} failed: ${cause?.message ?? (err as Error).message}${code ? ` (${code})` : ''}`, status: null };
}

async function request(url: string, init: RequestInit, timeoutMs: number): Promise<unknown> {
  const timeout = AbortSignal.timeout(timeoutMs);
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, { ...init, signal: timeout });
    text = await res.text();
  } catch (err) {
    throw new Failure(classify(err, url, timeoutMs, timeout.aborted));
  }
  if (!res.ok) throw new Failure({ kind: 'http_status', message: `${url} answered HTTP ${res.status}${text ? `: ${text.slice(0, 300)}` : ''}`, status: res.status });
  try {
    return JSON.parse(text);
  } catch {
    throw new Failure({ kind: 'bad_response', message: `${url} answered HTTP ${res.status} with something that is not JSON: ${text.slice(0, 120)}`, status: res.status });
  }
}

function shaped<T>(schema: z.ZodType<T>, raw: unknown, url: string): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new Failure({ kind: 'bad_response', message: `${url} answered in an unexpected shape: ${i.path.join('.') || '(body)'}: ${i.message}`, status: 200 });
  }
  return parsed.data;
}

function headers(t: ConnectionTarget): Record<string, string> {
  const h: Record<string, string> = { 'content-type': 'application/json' };
  if (!t.apiKey) return h;
  if (kind(t) === 'anthropic') return { ...h, 'x-api-key': t.apiKey, 'anthropic-version': '2023-06-01' };
  if (kind(t) === 'gemini') return { ...h, 'x-goog-api-key': t.apiKey };
  return { ...h, authorization: `Bearer ${t.apiKey}` };
}

async function listModels(t: ConnectionTarget): Promise<string[]> {
  const base = trim(t.apiBase);
  const init = { method: 'GET', headers: headers(t) };
  switch (t.preset?.modelsEndpoint ?? 'openai') {
    case 'ollama': {
      // Ollama's own list lives beside its OpenAI-compatible /v1.
      const url = `${base.replace(/\/v1$/, '')}/api/tags`;
      return shaped(modelNames, await request(url, init, t.timeoutMs), url).models.map((m) => m.name);
    }
    case 'anthropic': {
      const url = `${base}/v1/models`;
      return shaped(modelIds, await request(url, init, t.timeoutMs), url).data.map((m) => m.id);
    }
    case 'gemini': {
      const url = `${base}/v1beta/models`;
      return shaped(modelNames, await request(url, init, t.timeoutMs), url).models.map((m) => m.name.replace(/^models\//, ''));
    }
    default: {
      const url = `${base}/models`;
      return shaped(modelIds, await request(url, init, t.timeoutMs), url).data.map((m) => m.id);
    }
  }
}

interface Probe {
  model: string;
  text: string;
  promptTokens: number | null;
  completionTokens: number | null;
}

async function complete(t: ConnectionTarget, model: string): Promise<Probe> {
  const base = trim(t.apiBase);
  const init = (body: unknown) => ({ method: 'POST', headers: headers(t), body: JSON.stringify(body) });
  if (kind(t) === 'anthropic') {
    const url = `${base}/v1/messages`;
    const r = shaped(anthropicMessage, await request(url, init({ model, max_tokens: PROBE_MAX_TOKENS, messages: [{ role: 'user', content: PROBE_PROMPT }] }), t.timeoutMs), url);
    return { model: r.model ?? model, text: r.content.map((c) => c.text ?? '').join(''), promptTokens: r.usage?.input_tokens ?? null, completionTokens: r.usage?.output_tokens ?? null };
  }
  if (kind(t) === 'gemini') {
    const url = `${base}/v1beta/models/${encodeURIComponent(model)}:generateContent`;
    const body = { contents: [{ role: 'user', parts: [{ text: PROBE_PROMPT }] }], generationConfig: { maxOutputTokens: PROBE_MAX_TOKENS, temperature: 0 } };
    const r = shaped(geminiAnswer, await request(url, init(body), t.timeoutMs), url);
    const text = (r.candidates[0].content?.parts ?? []).map((p) => p.text ?? '').join('');
    return { model, text, promptTokens: r.usageMetadata?.promptTokenCount ?? null, completionTokens: r.usageMetadata?.candidatesTokenCount ?? null };
  }
  const url = `${base}/chat/completions`;
  const body = { model, messages: [{ role: 'user', content: PROBE_PROMPT }], max_tokens: PROBE_MAX_TOKENS, temperature: 0 };
  const r = shaped(chatCompletion, await request(url, init(body), t.timeoutMs), url);
  return { model: r.model ?? model, text: r.choices[0].message.content ?? '', promptTokens: r.usage?.prompt_tokens ?? null, completionTokens: r.usage?.completion_tokens ?? null };
}

/**
 * Lists the models, then times one tiny completion on the chosen model (or the first listed).
 * Never throws for a server problem: each part carries its own classified failure.
 */
export async function testConnection(t: ConnectionTarget): Promise<ConnectionTestResult> {
  const target = { preset: t.preset?.id ?? null, apiBase: t.apiBase, model: t.model ?? null };
  const startedModels = performance.now();
  let models: ConnectionTestResult['models'];
  try {
    const ids = await listModels(t);
    models = { ok: true, ids, latencyMs: performance.now() - startedModels };
  } catch (err) {
    if (!(err instanceof Failure)) throw err;
    models = { ok: false, error: err.failure };
    // Nothing listens there: a completion would fail the same way.
    if (err.failure.kind === 'connection_refused' || err.failure.kind === 'unreachable') return { ok: false, target, models, completion: null };
  }
  const model = t.model ?? (models.ok ? models.ids[0] : undefined) ?? t.preset?.defaultModel ?? undefined;
  if (!model) {
    const completion = { ok: false as const, error: { kind: 'no_model' as const, message: 'the server lists no model and none was named: pass a model', status: null } };
    return { ok: false, target, models, completion };
  }
  const started = performance.now();
  let completion: ConnectionTestResult['completion'];
  try {
    const p = await complete(t, model);
    const latencyMs = performance.now() - started;
    completion = {
      ok: true,
      model: p.model,
      text: p.text.slice(0, 200),
      latencyMs,
      promptTokens: p.promptTokens,
      completionTokens: p.completionTokens,
      // Over the whole request (prompt processing included), from the server's own token count.
      tokensPerSecond: p.completionTokens !== null && latencyMs > 0 ? p.completionTokens / (latencyMs / 1000) : null,
    };
  } catch (err) {
    if (!(err instanceof Failure)) throw err;
    completion = { ok: false, error: err.failure };
  }
  return { ok: models.ok && completion.ok, target: { ...target, model }, models, completion };
}

