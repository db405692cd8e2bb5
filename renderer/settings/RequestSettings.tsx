/** The request settings of the OpenAI-compatible endpoint: how answers are constrained, parallel calls, timeout, retries, rate limit. */
import { STRUCTURED_OUTPUT_MODES, type StructuredOutputMode } from '../../shared/dspy/provider-requests';
import type { ProviderPresetSummary, ProviderStatus } from '../../shared/api/index';

/** Form values as typed; an empty field saves as null (the default). */
export interface RequestForm {
  structuredOutput: StructuredOutputMode;
  numThreads: string;
  timeoutS: string;
  maxRetries: string;
  requestsPerMinute: string;
}

const STRUCTURED_LABELS: Record<StructuredOutputMode, string> = {
  chat: 'ChatAdapter (prompt only)',
  json: 'JSONAdapter (prompt only)',
  openai_json_schema: 'JSON schema (OpenAI json_schema)',
  llamacpp_json_schema: 'JSON schema (llama.cpp json_object)',
  ollama_format: 'JSON schema (Ollama format)',
};

export function requestFormOf(r: NonNullable<ProviderStatus['openaiCompatible']>['requests'] | undefined): RequestForm {
  return {
    structuredOutput: r?.structuredOutput ?? 'chat',
    numThreads: r ? String(r.numThreads) : '',
    timeoutS: r ? String(r.timeoutS) : '',
    maxRetries: r ? String(r.maxRetries) : '',
    requestsPerMinute: r?.requestsPerMinute ? String(r.requestsPerMinute) : '',
  };
}

/** What a preset sets; retries and the rate limit stay as they are. */
export const requestFormWithPreset = (f: RequestForm, p: ProviderPresetSummary): RequestForm => ({ ...f, structuredOutput: p.structuredOutput, numThreads: String(p.numThreads), timeoutS: String(p.timeoutS) });

const num = (v: string) => (v.trim() ? Number(v) : null);
export const requestPatch = (f: RequestForm) => ({
  structuredOutput: f.structuredOutput,
  numThreads: num(f.numThreads),
  timeoutS: num(f.timeoutS),
  maxRetries: num(f.maxRetries),
  requestsPerMinute: num(f.requestsPerMinute),
});

export function RequestSettings({ form, onChange }: { form: RequestForm; onChange: (f: RequestForm) => void }) {
  const field = (key: Exclude<keyof RequestForm, 'structuredOutput'>, label: string, placeholder: string, title: string) => (
    <>
      <label htmlFor={`oa-${key}`} title={title}>
        {label}
      </label>
      <input id={`oa-${key}`} className="input" inputMode="numeric" placeholder={placeholder} value={form[key]} onChange={(e) => onChange({ ...form, [key]: e.target.value })} data-testid={`oa-${key}`} />
    </>
  );
  return (
    <>
      <label htmlFor="oa-structured" title="How answers are formatted: DSPy's adapters, or JSON constrained by the server to the signature's schema in its own dialect">
        Structured output
      </label>
      <select id="oa-structured" className="select" value={form.structuredOutput} onChange={(e) => onChange({ ...form, structuredOutput: e.target.value as StructuredOutputMode })} data-testid="oa-structured">
        {STRUCTURED_OUTPUT_MODES.map((m) => (
          <option key={m} value={m}>
            {STRUCTURED_LABELS[m]}
          </option>
        ))}
      </select>
      {field('numThreads', 'Parallel calls', '1 local, 8 hosted', 'LM calls at once in evaluation and optimization (1 for a one-request-at-a-time server)')}
      {field('timeoutS', 'Timeout per request (s)', '300 local, 60 hosted', 'A timed-out request is closed before any retry')}
      {field('maxRetries', 'Retries', '2', 'After 429, 5xx, a timeout or a dropped connection, with backoff honouring Retry-After')}
      {field('requestsPerMinute', 'Requests per minute', 'no limit', 'Shared by every job of one Python worker')}
    </>
  );
}
