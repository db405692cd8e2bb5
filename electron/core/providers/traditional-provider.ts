import { z } from 'zod';

/**
 * Traditional execution: the plain prompt straight to the provider's HTTP API from the host,
 * so claude/gemini steps (and DSPy fallbacks) keep working when the Python side is down.
 */
export type TraditionalProviderName = 'claude' | 'gemini' | 'mock';

export interface TraditionalRequest {
  provider: TraditionalProviderName;
  model?: string;
  prompt: string;
  system?: string;
  apiKey?: string;
  /** Base URL of an Anthropic- or Gemini-compatible endpoint (tests point it at 127.0.0.1). */
  apiBase?: string;
  maxTokens?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface TraditionalResponse {
  text: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
}

export class ProviderCallError extends Error {
  constructor(
    message: string,
    readonly provider: TraditionalProviderName,
    readonly status?: number,
  ) {
    super(message);
  }
}

export const DEFAULT_MODELS: Record<TraditionalProviderName, string> = {
  claude: 'claude-sonnet-4-5',
  gemini: 'gemini-2.5-flash',
  mock: 'mock',
};

const DEFAULT_BASES = { claude: 'https://api.anthropic.com', gemini: 'https://generativelanguage.googleapis.com' };

const anthropicResponse = z.object({
  content: z.array(z.object({ type: z.string(), text: z.string().optional() })),
  model: z.string().optional(),
  usage: z.object({ input_tokens: z.number().optional(), output_tokens: z.number().optional() }).optional(),
});

const geminiResponse = z.object({
  candidates: z
    .array(z.object({ content: z.object({ parts: z.array(z.object({ text: z.string().optional() })).optional() }).optional() }))
    .min(1),
  usageMetadata: z.object({ promptTokenCount: z.number().optional(), candidatesTokenCount: z.number().optional() }).optional(),
});

const approxTokens = (text: string) => Math.ceil(text.length / 4);

async function postJson(provider: TraditionalProviderName, url: string, headers: Record<string, string>, body: unknown, req: TraditionalRequest): Promise<unknown> {
  const timeout = AbortSignal.timeout(req.timeoutMs ?? 30_000);
  const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal });
  } catch (err) {
    const reason = timeout.aborted ? `timed out after ${req.timeoutMs ?? 30_000} ms` : (err as Error).message;
    throw new ProviderCallError(`${provider} request failed: ${reason}`, provider);
  }
  const text = await res.text();
  if (!res.ok) throw new ProviderCallError(`${provider} answered HTTP ${res.status}: ${text.slice(0, 300)}`, provider, res.status);
  try {
    return JSON.parse(text);
  } catch {
    throw new ProviderCallError(`${provider} answered with invalid JSON`, provider, res.status);
  }
}

function requireKey(req: TraditionalRequest): string {
  if (req.apiKey) return req.apiKey;
  const env = req.provider === 'claude' ? 'ANTHROPIC_API_KEY' : 'GEMINI_API_KEY';
  throw new ProviderCallError(`no API key for ${req.provider}: set ${env} or configure it in Settings`, req.provider);
}

export async function callTraditional(req: TraditionalRequest): Promise<TraditionalResponse> {
  const started = performance.now();
  const model = req.model ?? DEFAULT_MODELS[req.provider];
  if (req.provider === 'mock') {
    // Like pipeline_ex's TEST_MODE=mock: deterministic, no network.
    const text = `Mock response for: ${req.prompt.slice(0, 80)}`;
    return { text, model, inputTokens: approxTokens(req.prompt), outputTokens: approxTokens(text), latencyMs: performance.now() - started };
  }
  const key = requireKey(req);
  const base = (req.apiBase ?? DEFAULT_BASES[req.provider]).replace(/\/+$/, '');
  if (req.provider === 'claude') {
    const raw = await postJson(
      'claude',
      `${base}/v1/messages`,
      { 'x-api-key': key, 'anthropic-version': '2023-06-01' },
      { model, max_tokens: req.maxTokens ?? 1024, ...(req.system ? { system: req.system } : {}), messages: [{ role: 'user', content: req.prompt }] },
      req,
    );
    const parsed = anthropicResponse.safeParse(raw);
    if (!parsed.success) throw new ProviderCallError(`claude answered in an unexpected shape: ${parsed.error.issues[0].message}`, 'claude');
    const text = parsed.data.content.map((b) => b.text ?? '').join('');
    return {
      text,
      model: parsed.data.model ?? model,
      inputTokens: parsed.data.usage?.input_tokens ?? approxTokens(req.prompt),
      outputTokens: parsed.data.usage?.output_tokens ?? approxTokens(text),
      latencyMs: performance.now() - started,
    };
  }
  const raw = await postJson(
    'gemini',
    `${base}/v1beta/models/${encodeURIComponent(model)}:generateContent`,
    { 'x-goog-api-key': key },
    {
      contents: [{ role: 'user', parts: [{ text: req.prompt }] }],
      ...(req.system ? { systemInstruction: { parts: [{ text: req.system }] } } : {}),
      generationConfig: { maxOutputTokens: req.maxTokens ?? 1024 },
    },
    req,
  );
  const parsed = geminiResponse.safeParse(raw);
  if (!parsed.success) throw new ProviderCallError(`gemini answered in an unexpected shape: ${parsed.error.issues[0].message}`, 'gemini');
  const text = (parsed.data.candidates[0].content?.parts ?? []).map((p) => p.text ?? '').join('');
  return {
    text,
    model,
    inputTokens: parsed.data.usageMetadata?.promptTokenCount ?? approxTokens(req.prompt),
    outputTokens: parsed.data.usageMetadata?.candidatesTokenCount ?? approxTokens(text),
    latencyMs: performance.now() - started,
  };
}
