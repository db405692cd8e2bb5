/**
 * `pipeline-studio runtime [--json]`: where the Python runtime is, its Python and DSPy versions,
 * and a health check of a started worker pool (then shut down). Exit 1 with no usable runtime.
 */
import type { Command } from 'commander';
import type { CliContext } from '../context';
import { UsageError } from '../context';
import {
  BridgeError,
  INSTALL_HINT,
  PythonPool,
  RuntimeNotFoundError,
  locateRuntime,
  silentLogger,
  streamLogger,
  type LocatedRuntime,
} from '../../core/python-bridge';

interface RuntimeOptions {
  json?: boolean;
  python?: string;
  poolSize?: string;
  verbose?: boolean;
}

export function registerRuntimeCommands(program: Command, ctx: CliContext): void {
  program
    .command('runtime')
    .description('Check the bundled Python DSPy runtime: versions, location, and a health check of a worker pool')
    .option('--json', 'print a JSON report')
    .option('--python <path>', 'use this Python interpreter (default: $PIPELINE_STUDIO_PYTHON, then python/.venv)')
    .option('--pool-size <n>', 'workers to start for the health check', '3')
    .option('--verbose', "show the runtime's log lines on stderr")
    .action(async (o: RuntimeOptions) => {
      const poolSize = Number(o.poolSize ?? '3');
      if (!Number.isInteger(poolSize) || poolSize < 1 || poolSize > 32) throw new UsageError(`invalid --pool-size ${o.poolSize} (1..32)`);
      ctx.setExitCode(await runtimeReport(ctx, { ...o, poolSize }));
    });
}

async function runtimeReport(ctx: CliContext, o: Omit<RuntimeOptions, 'poolSize'> & { poolSize: number }): Promise<number> {
  let runtime: LocatedRuntime;
  try {
    runtime = locateRuntime({ pythonPath: o.python, dataDir: ctx.dataDir() });
  } catch (err) {
    if (!(err instanceof RuntimeNotFoundError)) throw err;
    if (o.json) ctx.json({ ok: false, error: { code: err.code, message: err.message }, checked: err.checked, install: 'npm run setup' });
    else ctx.err(`No usable Python runtime.\n${err.message}`);
    return 1;
  }

  const t0 = performance.now();
  const pool = new PythonPool({
    runtime,
    poolSize: o.poolSize,
    dataDir: ctx.dataDir(),
    healthCheckInterval: 0,
    logger: o.verbose ? streamLogger(process.stderr, 'debug') : silentLogger,
  });
  try {
    await pool.start();
    const readyMs = performance.now() - t0;
    const versions = await pool.request<Record<string, unknown>>('versions', {}, { timeout: 15_000, maxRetries: 0 }).catch(() => null);
    const healthStart = performance.now();
    const health = await Promise.all(
      Array.from({ length: o.poolSize }, () =>
        pool.request<Record<string, unknown>>('health', {}, { timeout: 10_000, maxRetries: 0 }).then(
          (r) => ({ ok: true as const, result: r }),
          (e: Error) => ({ ok: false as const, error: e.message }),
        ),
      ),
    );
    const healthMs = performance.now() - healthStart;
    const status = pool.status();
    const hs = pool.handshake;
    const report = {
      ok: health.every((h) => h.ok) && status.readyWorkers === o.poolSize,
      runtime: { python: runtime.python, source: runtime.source, foundBy: runtime.description },
      versions: {
        protocol: hs?.protocol ?? null,
        python: (versions?.python as string | undefined) ?? hs?.python ?? null,
        dspy: (versions?.dspy as string | undefined) ?? hs?.dspy ?? null,
        ...(versions ? { details: versions } : {}),
      },
      pool: {
        poolSize: o.poolSize,
        ready: status.readyWorkers,
        timeToReadyMs: Math.round(readyMs),
        healthChecksPassed: health.filter((h) => h.ok).length,
        healthCheckMs: Math.round(healthMs * 10) / 10,
        workers: status.workers.map((w) => ({ pid: w.pid, state: w.state, rssMiB: w.rssBytes === null ? null : Math.round(w.rssBytes / 1024 / 102.4) / 10 })),
        errors: health.filter((h) => !h.ok).map((h) => (h as { error: string }).error),
      },
    };
    if (o.json) ctx.json(report);
    else {
      ctx.out(`Python runtime: ${runtime.python}`);
      ctx.out(`  found by:     ${runtime.description}`);
      ctx.out(`  Python:       ${report.versions.python ?? 'unknown'}`);
      ctx.out(`  DSPy:         ${report.versions.dspy ?? 'unknown'}`);
      ctx.out(`  protocol:     ${report.versions.protocol ?? 'unknown'}`);
      ctx.out(`Worker pool:    ${status.readyWorkers}/${o.poolSize} ready in ${report.pool.timeToReadyMs} ms`);
      ctx.out(`  health:       ${report.pool.healthChecksPassed}/${o.poolSize} answered in ${report.pool.healthCheckMs} ms`);
      for (const w of report.pool.workers) ctx.out(`  worker pid ${w.pid}: ${w.state}, ${w.rssMiB ?? '?'} MiB RSS`);
      for (const e of report.pool.errors) ctx.err(`  health check failed: ${e}`);
      ctx.out(report.ok ? 'Runtime OK.' : 'Runtime NOT healthy.');
    }
    return report.ok ? 0 : 1;
  } catch (err) {
    const e = err instanceof BridgeError ? err : null;
    const message = err instanceof Error ? err.message : String(err);
    if (o.json) {
      ctx.json({
        ok: false,
        runtime: { python: runtime.python, source: runtime.source, foundBy: runtime.description },
        error: { code: e?.code ?? 'ERROR', message },
        install: 'npm run setup',
      });
    } else {
      ctx.err(`The Python runtime at ${runtime.python} (${runtime.description}) did not start:\n${message}\n${INSTALL_HINT}`);
    }
    return 1;
  } finally {
    await pool.shutdown();
  }
}
