import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RuntimeNotFoundError, findRepoRoot, locateRuntime } from '../../electron/core/python-bridge';
import { repoRoot, tempDataDir } from './helpers';

function fakePython(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'python');
  writeFileSync(file, '#!/bin/sh\n');
  chmodSync(file, 0o755);
  return file;
}

describe('runtime locator', () => {
  it('finds the repo root from its own location', () => {
    expect(findRepoRoot()).toBe(repoRoot);
  });

  it('prefers the configured path over the environment and the venv', () => {
    const dir = tempDataDir();
    const opt = fakePython(path.join(dir, 'opt'));
    const env = fakePython(path.join(dir, 'env'));
    const venv = fakePython(path.join(dir, 'repo', 'python', '.venv', 'bin'));
    const repo = path.join(dir, 'repo');
    expect(locateRuntime({ pythonPath: opt, env: { PIPELINE_STUDIO_PYTHON: env }, repoRoot: repo, dataDir: null })).toMatchObject({ python: opt, source: 'option' });
    expect(locateRuntime({ env: { PIPELINE_STUDIO_PYTHON: env }, repoRoot: repo, dataDir: null })).toMatchObject({ python: env, source: 'env' });
    expect(locateRuntime({ env: {}, repoRoot: repo, dataDir: null })).toMatchObject({ python: venv, source: 'bundled-venv' });
  });

  it('falls back to the runtime provisioned in the data directory, after the development venv', () => {
    const dir = tempDataDir();
    const provisioned = fakePython(path.join(dir, 'data', 'python-runtime', 'venv', 'bin'));
    expect(locateRuntime({ env: {}, repoRoot: path.join(dir, 'norepo'), dataDir: path.join(dir, 'data') })).toMatchObject({
      python: provisioned,
      source: 'provisioned',
    });
    const venv = fakePython(path.join(dir, 'repo', 'python', '.venv', 'bin'));
    expect(locateRuntime({ env: {}, repoRoot: path.join(dir, 'repo'), dataDir: path.join(dir, 'data') })).toMatchObject({ python: venv, source: 'bundled-venv' });
  });

  it('a broken configured path is an error, not a silent fallback', () => {
    const dir = tempDataDir();
    fakePython(path.join(dir, 'repo', 'python', '.venv', 'bin'));
    expect(() => locateRuntime({ env: { PIPELINE_STUDIO_PYTHON: path.join(dir, 'nope') }, repoRoot: path.join(dir, 'repo'), dataDir: null })).toThrow(
      /\$PIPELINE_STUDIO_PYTHON .* does not exist.*npm run setup/s,
    );
  });

  it('with nothing usable says what was tried and how to install', () => {
    const dir = tempDataDir();
    const notExec = path.join(dir, 'repo', 'python', '.venv', 'bin');
    mkdirSync(notExec, { recursive: true });
    writeFileSync(path.join(notExec, 'python'), '');
    let err: unknown;
    try {
      locateRuntime({ env: {}, repoRoot: path.join(dir, 'repo'), dataDir: path.join(dir, 'data') });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RuntimeNotFoundError);
    const e = err as RuntimeNotFoundError;
    expect(e.code).toBe('RUNTIME_NOT_FOUND');
    expect(e.message).toMatch(/is not executable/);
    expect(e.message).toMatch(/does not exist/);
    expect(e.message).toMatch(/npm run setup/);
    expect(e.checked.length).toBe(2);
  });
});
