import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { locateRuntime } from '../../electron/core/python-bridge/runtime-locator';
import type { SimulatedFaults } from '../../electron/core/providers/provider-settings';

export type FakeServer = 'anthropic' | 'gemini' | 'openai';

/** One request a fake server saw: path and model; for the OpenAI-compatible one also its extra fields. */
export interface FakeRequest {
  path: string;
  model?: string;
  /** Seconds since the epoch when it arrived, and when its client hung up before the answer. */
  t: number;
  closed?: number;
  in_flight: number;
  response_format?: unknown;
  format?: unknown;
  max_tokens?: number;
}

export interface FakeProviders {
  anthropic: string;
  gemini: string;
  /** An OpenAI-compatible server (`<url>/v1/chat/completions`, what llama.cpp, Ollama, vLLM serve). */
  openai: string;
  /** Requests the server saw, for assertions. */
  requests(server: FakeServer): Promise<FakeRequest[]>;
  /** Replaces the server's fault modes (the same keys as the simulated model's) and clears its log. */
  setFaults(server: FakeServer, faults: SimulatedFaults): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the runtime's local Anthropic-, Gemini- and OpenAI-format servers on 127.0.0.1. */
export async function startFakeProviders(env: NodeJS.ProcessEnv = {}): Promise<FakeProviders> {
  const runtime = locateRuntime();
  const child: ChildProcess = spawn(runtime.python, ['-I', '-m', 'studio_runtime.testing.fake_providers'], {
    stdio: ['pipe', 'pipe', 'ignore'],
    env: { PATH: process.env.PATH, ...env },
  });
  const urls = await new Promise<Record<FakeServer, string>>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error('fake providers printed no URLs within 30 s')), 30_000);
    child.once('exit', (code) => reject(new Error(`fake providers exited with ${code} before printing URLs`)));
    child.stdout!.on('data', (chunk) => {
      buf += chunk;
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(JSON.parse(buf.slice(0, nl)));
      }
    });
  });
  return {
    ...urls,
    requests: async (server) => (await fetch(`${urls[server]}/_requests`)).json() as Promise<FakeRequest[]>,
    setFaults: async (server, faults) => {
      const res = await fetch(`${urls[server]}/_faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
      if (!res.ok) throw new Error(`fake ${server}: faults refused: ${await res.text()}`);
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      child.stdin!.end();
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
