/** kill -9 of a host with the real runtime busy: no worker survives it, no private directory is left. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { alive, repoRoot, tempDataDir } from '../python-bridge/helpers';

describe.runIf(process.platform === 'linux')('host death', () => {
  it('workers busy with a request exit when their host is killed -9, and remove their private directories', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'test/fixtures/python/pool-host.ts'), tempDataDir()], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    const started = await new Promise<{ workers: number[]; dirs: string[] }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the host never reported its workers')), 90_000);
      let buf = '';
      child.stdout!.on('data', (d) => {
        buf += d;
        if (!buf.includes('\n')) return;
        clearTimeout(timer);
        resolve(JSON.parse(buf.split('\n')[0]));
      });
    });
    expect(started.workers).toHaveLength(2);
    expect(started.dirs.every((d) => path.basename(d).startsWith('pipeline-studio-worker-'))).toBe(true);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    // Generous: on a loaded 2-core machine the grace period and the cleanup can take a while.
    const deadline = Date.now() + 60_000;
    const settled = () => !started.workers.some(alive) && !started.dirs.some((d) => existsSync(d));
    while (!settled() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(started.workers.filter(alive)).toEqual([]);
    expect(started.dirs.filter((d) => existsSync(d))).toEqual([]);
  }, 120_000);
});
