import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import type { LocatedRuntime } from '../../electron/core/python-bridge';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const standin = path.join(repoRoot, 'test', 'fixtures', 'python', 'standin_worker.py');
export const venvPython = path.join(repoRoot, 'python', '.venv', 'bin', 'python');

/** A real interpreter path (not a pyenv shim, which needs the parent's environment). */
export function anyPython(): string {
  if (existsSync(venvPython)) return venvPython;
  return execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
}

export function standinRuntime(): LocatedRuntime {
  return { python: anyPython(), source: 'option', description: 'test stand-in' };
}

const created: string[] = [];
// Registered on the root suite of every test file importing this module.
afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh data dir, removed after the test file. */
export function tempDataDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ps-bridge-test-'));
  created.push(dir);
  return dir;
}

/** Every live process: pid, ppid, pgid, cmdline (from /proc). */
export function processTable(): { pid: number; ppid: number; pgid: number; cmd: string }[] {
  const rows: { pid: number; ppid: number; pgid: number; cmd: string }[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (rest[0] === 'Z') continue; // zombie: already dead
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ').trim();
      rows.push({ pid: Number(name), ppid: Number(rest[1]), pgid: Number(rest[2]), cmd });
    } catch {
      // exited while reading
    }
  }
  return rows;
}

export function alive(pid: number): boolean {
  return processTable().some((p) => p.pid === pid);
}

export async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
