import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { limitedCommand, sweepStaleWorkerDirs, workerEnv } from '../../electron/core/python-bridge';
import { anyPython, tempDataDir } from './helpers';

const probe = ['-I', '-c', 'import resource; print(resource.getrlimit(resource.RLIMIT_AS)[0])'];
const LIMIT = 3 * 1024 ** 3;

describe('worker isolation', () => {
  it.each([
    ['prlimit', '/usr/bin/prlimit'],
    ['ulimit via /bin/sh', null],
  ])('applies the memory limit with %s', (_name, prlimit) => {
    if (prlimit !== null) {
      try {
        execFileSync(prlimit, ['--version']);
      } catch {
        throw new Error(`${prlimit} is not installed on this machine; install util-linux to run this test`);
      }
    }
    const cmd = limitedCommand(anyPython(), probe, LIMIT, prlimit);
    expect(cmd.limiter).toBe(prlimit ? 'prlimit' : 'ulimit');
    const out = execFileSync(cmd.file, cmd.args, { encoding: 'utf8' }).trim();
    // ulimit -v works in KiB: the limit is rounded down to a KiB multiple.
    expect(Number(out)).toBe(Math.floor(LIMIT / 1024) * 1024);
  });

  it('runs without a limit when none is configured', () => {
    const cmd = limitedCommand(anyPython(), probe, null, '/usr/bin/prlimit');
    expect(cmd).toEqual({ file: anyPython(), args: probe, limiter: 'none' });
  });

  it('builds a scrubbed environment with no secrets of the parent', () => {
    process.env.GEMINI_API_KEY = 'leak-me-not';
    try {
      const env = workerEnv('/tmp/private', '/data');
      expect(Object.keys(env).sort()).toEqual(['DSPY_CACHEDIR', 'HOME', 'LANG', 'PATH', 'STUDIO_DSPY_CACHEDIR', 'STUDIO_HOST_PID', 'STUDIO_PROGRAMS_DIR', 'TMPDIR']);
      expect(env.STUDIO_HOST_PID).toBe(String(process.pid));
      expect(env).toMatchObject({ HOME: '/tmp/private', TMPDIR: '/tmp/private', STUDIO_DSPY_CACHEDIR: '/data/dspy-cache', STUDIO_PROGRAMS_DIR: '/data/programs' });
      expect(JSON.stringify(env)).not.toContain('leak-me-not');
    } finally {
      delete process.env.GEMINI_API_KEY;
    }
  });
});

describe('stale private directories', () => {
  it('removes those of dead hosts and old unowned ones, keeps those of live hosts and fresh ones', () => {
    const tmp = tempDataDir();
    const make = (name: string, host?: number) => {
      const dir = path.join(tmp, name);
      fs.mkdirSync(dir);
      if (host !== undefined) fs.writeFileSync(path.join(dir, 'host.pid'), String(host));
      return dir;
    };
    const dead = spawnSync('true').pid!;
    const ofDead = make('pipeline-studio-worker-dead', dead);
    const ofLive = make('pipeline-studio-worker-live', process.pid);
    const oldUnowned = make('pipeline-studio-worker-old');
    const hourAgo = new Date(Date.now() - 2 * 3600_000);
    fs.utimesSync(oldUnowned, hourAgo, hourAgo);
    const fresh = make('pipeline-studio-worker-fresh');
    const other = make('something-else', dead);
    expect(sweepStaleWorkerDirs(tmp).sort()).toEqual([ofDead, oldUnowned].sort());
    expect([ofLive, fresh, other].every((d) => fs.existsSync(d))).toBe(true);
  });
});
