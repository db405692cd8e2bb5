import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { locateRuntime } from '../../electron/core/python-bridge/runtime-locator';

export interface FakeProviders {
  anthropic: string;
  gemini: string;
  /** Requests the servers saw (path and model), for assertions. */
  requests(server: 'anthropic' | 'gemini'): Promise<{ path: string; model?: string }[]>;
  stop(): Promise<void>;
}

/** Starts the runtime's local Anthropic- and Gemini-format servers on 127.0.0.1. */
export async function startFakeProviders(env: NodeJS.ProcessEnv = {}): Promise<FakeProviders> {
  const runtime = locateRuntime();
  const child: ChildProcess = spawn(runtime.python, ['-I', '-m', 'studio_runtime.testing.fake_providers'], {
    stdio: ['pipe', 'pipe', 'ignore'],
    env: { PATH: process.env.PATH, ...env },
  });
  const urls = await new Promise<{ anthropic: string; gemini: string }>((resolve, reject) => {
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
    requests: async (server) => (await fetch(`${urls[server]}/_requests`)).json() as Promise<{ path: string; model?: string }[]>,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.stdin!.end();
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
