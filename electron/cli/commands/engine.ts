/**
 * `pipeline-studio run | optimize | programs | compare | experiment | metrics`: the DSPy engine
 * from the command line. All take --json and the global --data-dir.
 */
import { formatSample } from '../../../shared/format/sample';
import path from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { OPTIMIZER_STRATEGIES, OPTIMIZERS, OptimizerParamsError, resolveOptimizerParams } from '../../../shared/dspy/optimizers';
import { programForStep } from '../../core/dspy-plugin/program-spec';
import { ARM_KINDS, type Arm } from '../../core/experiments/experiment';
import type { ArmRef } from '../../core/experiments/offline-comparison';
import { OptimizationRefused, type OptimizeRequest } from '../../core/optimization/optimization-engine';
import { lmForStep } from '../../core/providers/provider-settings';
import { cliProviders, withProviderOptions, type ProviderOptions } from '../cli-providers';
import { Studio } from '../../core/studio';
import type { PluginEntry } from '../../core/plugins/plugin-manager';
import type { RunEvent } from '../../core/workflow-runtime/workflow-runner';
import { UsageError, type CliContext } from '../context';
import { StudioApiError } from '../../../shared/api/index';
import { createStudioService, type StudioService } from '../../core/studio-service/service';
import { findStep, loadWorkflow, type LoadedWorkflow } from '../workflow-step';

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** `name=value` pairs; a value that parses as JSON keeps its type. */
export function parsePairs(pairs: string[], what: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of pairs) {
    const at = p.indexOf('=');
    if (at <= 0) throw new UsageError(`${what} must look like name=value (got "${p}")`);
    const raw = p.slice(at + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // plain text
    }
    out[p.slice(0, at)] = value;
  }
  return out;
}

/** The CLI's way into state-changing actions: the StudioApi router the app uses, so rules and audit entries are the same. */
async function withService<T>(ctx: CliContext, fn: (svc: StudioService) => Promise<T>): Promise<T> {
  const svc = createStudioService({ dataDir: ctx.dataDir(), mode: 'cli', log: (m) => ctx.err(m) });
  try {
    return await fn(svc);
  } catch (err) {
    // The router's refusals (unknown ids, invalid params) are the user's to fix: exit 1 with the message.
    if (err instanceof StudioApiError) throw new Error(err.message);
    throw err;
  } finally {
    await svc.close();
  }
}

async function withStudio<T>(ctx: CliContext, plugins: Record<string, PluginEntry> | undefined, fn: (s: Studio) => Promise<T>, providerOpts: ProviderOptions = {}): Promise<T> {
  const studio = await Studio.open({ dataDir: ctx.dataDir(), plugins, providers: await cliProviders(ctx, providerOpts) });
  try {
    return await fn(studio);
  } finally {
    await studio.close();
  }
}

/** The step's program, registered in the store under the step's name. */
function stepProgram(studio: Studio, loaded: LoadedWorkflow, stepName: string, mock: boolean) {
  const step = findStep(loaded.workflow, stepName);
  const program = programForStep(step, loaded.workflow);
  studio.data.registerSignature(stepName, program.signature, 'cli');
  return { step, program, lm: lmForStep(String(step.type), studio.providers, { mock, model: step.model as string | undefined }) };
}

const budgetOpts = z.object({ budgetCalls: z.coerce.number().int().positive().optional(), budgetCost: z.coerce.number().positive().optional() });

export function registerEngineCommands(program: Command, ctx: CliContext): void {
  withProviderOptions(
    program
      .command('run <workflow>')
      .description('run a workflow step by step (DSPy steps through the optimized program, with fallback)')
      .option('--input <name=value>', 'a workflow input, read as {{inputs.name}} and by DSPy input fields (repeatable)', collect, [])
      .option('--mock', "mock providers, like pipeline_ex's TEST_MODE=mock; DSPy steps use the simulated model"),
    'run DSPy steps',
  )
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { input: string[]; mock?: boolean; json?: boolean } & ProviderOptions) => {
      const inputs = parsePairs(opts.input, '--input');
      const loaded = await loadWorkflow(file);
      await withStudio(ctx, loaded.plugins, async (studio) => {
        const onEvent = (e: RunEvent) => {
          if (opts.json || e.type !== 'step_finished') return;
          const r = e.record;
          ctx.err(`${r.step} (${r.type}): ${r.status}${r.mode ? ` [${r.mode}]` : ''} ${r.latencyMs.toFixed(0)} ms${r.reason ? ` - ${r.reason}` : ''}${r.error ? ` - ${r.error}` : ''}`);
        };
        const result = await studio.run(loaded.workflow, { baseDir: path.dirname(path.resolve(file)), inputs, mock: opts.mock, onEvent });
        if (!result.ok) ctx.setExitCode(1);
        const summary = { workflow: loaded.workflow.name, ok: result.ok, records: result.records, outputs: result.scope.steps };
        if (opts.json) return ctx.json(summary);
        ctx.out(JSON.stringify(result.scope.steps, null, 2));
        ctx.out(result.ok ? 'run succeeded' : 'run failed');
      }, opts);
    });

  withProviderOptions(program.command('optimize <workflow>'), 'optimize')
    .description("optimize a DSPy step's program on its labeled examples (estimate first; --estimate-only stops there)")
    .requiredOption('--step <name>', 'the dspy_* step to optimize')
    .option('--strategy <name>', `${OPTIMIZER_STRATEGIES.join(' | ')} (default: the plugin's default_strategy)`)
    .option('--param <name=value>', `optimizer parameter (repeatable); ${OPTIMIZER_STRATEGIES.map((s) => `${s}: ${Object.keys(OPTIMIZERS[s].params).join(', ')}`).join('; ')}`, collect, [])
    .option('--dataset-version <id>', 'dataset version (default: a new snapshot)')
    .option('--metric <name>', 'exact_match | contains | f1 | json_field_match | llm_judge')
    .option('--budget-calls <n>', 'refuse or stop beyond this many LM calls')
    .option('--budget-cost <usd>', 'refuse a run estimated above this cost')
    .option('--estimate-only', 'print the estimate and stop')
    .option('--mock', 'use the simulated model')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: Record<string, any>) => {
      const budget = budgetOpts.safeParse(opts);
      if (!budget.success) throw new UsageError(`budget: ${budget.error.issues[0].message}`);
      const strategy = z.enum(OPTIMIZER_STRATEGIES).optional().safeParse(opts.strategy);
      if (!strategy.success) throw new UsageError(`--strategy must be ${OPTIMIZER_STRATEGIES.join(', ')} (got ${opts.strategy})`);
      const params = parsePairs(opts.param, '--param');
      const loaded = await loadWorkflow(file);
      await withStudio(ctx, loaded.plugins, async (studio) => {
        const chosen = strategy.data ?? studio.config.optimization.default_strategy;
        try {
          resolveOptimizerParams(chosen, params);
        } catch (err) {
          if (err instanceof OptimizerParamsError) throw new UsageError(`--param: ${err.message}`);
          throw err;
        }
        const { program: p, lm } = stepProgram(studio, loaded, opts.step, Boolean(opts.mock));
        const req: OptimizeRequest = {
          signature: opts.step,
          program: p.program,
          strategy: chosen,
          params,
          datasetVersion: opts.datasetVersion,
          metric: opts.metric,
          lm,
          budget: { maxLmCalls: budget.data.budgetCalls, maxCostUsd: budget.data.budgetCost },
          requestedBy: 'cli',
        };
        try {
          const est = studio.engine.estimate(req);
          if (opts.estimateOnly) {
            if (est.budget && !est.budget.ok) ctx.setExitCode(1);
            return opts.json ? ctx.json({ ...est, lm: lm.label }) : ctx.out(`${lm.label}: ~${est.estimate.lmCalls.expected} LM calls, ${est.estimate.tokens.total} tokens, $${est.estimate.costUsd.toFixed(4)}, ${est.estimate.wallTimeMs === null ? 'time unknown (no measured calls of this model yet)' : `~${Math.round(est.estimate.wallTimeMs / 1000)} s`} (estimated) on ${est.trainSize} train / ${est.devSize} dev examples${est.sample ? ` (${formatSample(est.sample)})` : ''}${est.budget ? `; ${est.budget.message}` : ''}`);
          }
          const job = studio.engine.submit(req);
          if (!opts.json) {
            studio.engine.on('event', (e) => {
              if (e.type === 'progress' && e.jobId === job.id) ctx.err(`${e.progress.phase} ${e.progress.trial ?? ''}/${e.progress.totalTrials ?? '?'} score ${e.progress.score ?? '-'} best ${e.progress.bestScore ?? '-'} lm_calls ${e.progress.lmCalls ?? 0}`);
            });
          }
          const done = await studio.engine.wait(job.id);
          if (done.status !== 'succeeded') ctx.setExitCode(1);
          if (opts.json) return ctx.json({ ...done, lm: lm.label });
          if (!done.result) return ctx.out(`${done.status}: ${done.error}`);
          ctx.out(`${done.strategy} on ${lm.label}: baseline ${done.result.baselineScore.toFixed(3)} -> optimized ${done.result.optimizedScore.toFixed(3)} (${done.result.lmCalls} LM calls${done.result.cached ? ', cached' : ''})`);
          ctx.out(done.result.decision.reason);
          ctx.out(`program version ${done.result.programVersion}${done.result.promoted ? ' (promoted)' : ''}`);
        } catch (err) {
          if (err instanceof OptimizationRefused) {
            ctx.setExitCode(1);
            return opts.json ? ctx.json({ refused: err.message }) : ctx.err(`refused: ${err.message}`);
          }
          throw err;
        }
      }, opts);
    });

  const programs = program.command('programs').description('optimized program versions: list, promote, roll back, export');
  programs
    .command('list')
    .option('--signature <name>', 'only this dataset (a step name)')
    .option('--json', 'print JSON')
    .action(async (opts: { signature?: string; json?: boolean }) =>
      withStudio(ctx, undefined, async (studio) => {
        const task = opts.signature ? studio.data.signatures.resolve(opts.signature).name : undefined;
        const list = studio.engine.versions.list(task).map(({ programState: _s, source: _src, ...v }) => v);
        if (opts.json) return ctx.json(list);
        for (const v of list) ctx.out(`${v.id} ${v.status.padEnd(11)} ${v.task} ${v.strategy} ${v.baselineScore.toFixed(3)} -> ${v.optimizedScore.toFixed(3)} ${v.signatureHash.slice(0, 12)}${v.promotedBy ? ` promoted by ${v.promotedBy} at ${v.promotedAt}` : ''}`);
      }),
    );
  programs
    .command('promote <versionId>')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }) =>
      withService(ctx, async (svc) => {
        const { version: v } = await svc.call('optimize.promote', { versionId: id });
        if (opts.json) ctx.json({ id: v.id, status: v.status, promotedBy: v.promotedBy });
        else ctx.out(`${v.id} promoted`);
      }),
    );
  programs
    .command('rollback <signature>')
    .option('--json', 'print JSON')
    .action(async (sig: string, opts: { json?: boolean }) =>
      withService(ctx, async (svc) => {
        const r = await svc.call('optimize.rollback', { signature: sig });
        if (opts.json) ctx.json({ from: r.from, to: r.to ?? 'baseline' });
        else ctx.out(`rolled back ${r.from} -> ${r.to ?? 'baseline'}`);
      }),
    );
  programs
    .command('export <versionId>')
    .description('write the program state (as program.save() writes it) and its DSPy Python source')
    .requiredOption('--out <file.json>', 'program JSON; the source goes beside it as .py')
    .action(async (id: string, opts: { out: string }) =>
      withService(ctx, async (svc) => {
        const json = await svc.call('optimize.export', { versionId: id, kind: 'json', path: path.resolve(opts.out) });
        const py = await svc.call('optimize.export', { versionId: id, kind: 'python', path: path.resolve(opts.out.replace(/\.json$/i, '') + '.py') });
        ctx.out(`wrote ${json.path}${json.specPath ? `, ${json.specPath}` : ''} and ${py.path}`);
      }),
    );

  withProviderOptions(program.command('compare <workflow>'), 'run both arms')
    .description("offline A/B of two program versions of a step on its labeled examples (paired test)")
    .requiredOption('--step <name>', 'the dspy_* step')
    .option('--a <ref>', 'baseline | promoted | a program version id', 'baseline')
    .option('--b <ref>', 'baseline | promoted | a program version id', 'promoted')
    .option('--metric <name>', 'metric (default: exact_match, json_field_match for object outputs)')
    .option('--mock', 'use the simulated model')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { step: string; a: string; b: string; metric?: string; mock?: boolean; json?: boolean } & ProviderOptions) => {
      const loaded = await loadWorkflow(file);
      await withStudio(ctx, loaded.plugins, async (studio) => {
        const { lm } = stepProgram(studio, loaded, opts.step, Boolean(opts.mock));
        const ref = (r: string): ArmRef => {
          if (r === 'baseline') return 'baseline';
          if (r === 'promoted') {
            const v = studio.engine.promoted(opts.step);
            if (!v) throw new UsageError(`step ${opts.step} has no promoted program: optimize it first, or name a version`);
            return { version: v.id };
          }
          return { version: r };
        };
        const report = await studio.compare({ signature: opts.step, a: ref(opts.a), b: ref(opts.b), metric: opts.metric, lm });
        if (opts.json) return ctx.json({ ...report, lm: lm.label });
        const g = report.aggregate;
        ctx.out(`${report.arms.a.label}: ${report.arms.a.mean.toFixed(3)}   ${report.arms.b.label}: ${report.arms.b.mean.toFixed(3)}   (${report.n} examples, ${lm.label})`);
        ctx.out(`difference ${g.difference.toFixed(3)} [${g.ci[0].toFixed(3)}, ${g.ci[1].toFixed(3)}], ${g.test} p=${g.pValue.toPrecision(3)}${g.significant ? ' (significant)' : ''}; wins ${g.wins} / ties ${g.ties} / losses ${g.losses}`);
        if (g.warning) ctx.out(`warning: ${g.warning}`);
      }, opts);
    });

  const experiment = program.command('experiment').description('live A/B experiments on the executions of a step');
  experiment
    .command('create <id> <workflow>')
    .requiredOption('--step <name>', 'the dspy_* step whose executions are split')
    .option('--arm <id:kind[:weight[:version]]>', `an arm; kind is one of ${ARM_KINDS.join(', ')} (repeatable; the first is the control)`, collect, [])
    .option('--sample-size <n>', 'outcomes wanted per arm', '100')
    .option('--json', 'print JSON')
    .action(async (id: string, file: string, opts: { step: string; arm: string[]; sampleSize: string; json?: boolean }) => {
      const arms: Arm[] = opts.arm.map((a) => {
        const [armId, kind, weight = '1', version] = a.split(':');
        if (!armId || !ARM_KINDS.includes(kind as Arm['kind'])) throw new UsageError(`--arm ${a}: expected id:kind[:weight[:version]] with kind one of ${ARM_KINDS.join(', ')}`);
        return { id: armId, kind: kind as Arm['kind'], weight: Number(weight), programVersionId: version };
      });
      const loaded = await loadWorkflow(file);
      await withService(ctx, async (svc) => {
        // The step's signature is its dataset's current version, as a run would register it.
        await svc.call('data.registerSignature', { name: opts.step, spec: programForStep(findStep(loaded.workflow, opts.step), loaded.workflow).signature as Record<string, unknown> });
        const { experiment: exp } = await svc.call('experiments.create', { id, name: id, signature: opts.step, arms, targetSampleSize: Number(opts.sampleSize) });
        if (opts.json) ctx.json(exp);
        else ctx.out(`experiment ${exp.id} created (draft); start it with: experiment start ${exp.id}`);
      });
    });
  for (const [verb, status] of [['start', 'running'], ['stop', 'stopped'], ['complete', 'completed']] as const) {
    experiment
      .command(`${verb} <id>`)
      .option('--json', 'print JSON')
      .action(async (id: string, opts: { json?: boolean }) =>
        withService(ctx, async (svc) => {
          const { experiment: exp } = await svc.call('experiments.transition', { id, to: status });
          const { config } = await svc.call('config.get', {});
          if (verb === 'start' && !(config.deployment as { experiment_enabled?: boolean }).experiment_enabled) {
            await svc.call('config.update', { patch: { deployment: { experiment_enabled: true } } });
            ctx.err('deployment.experiment_enabled was off: turned on so the experiment receives executions');
          }
          if (opts.json) ctx.json(exp);
          else ctx.out(`experiment ${id}: ${exp.status}`);
        }),
      );
  }
  experiment
    .command('list')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) =>
      withStudio(ctx, undefined, async (studio) => {
        const list = studio.experiments.list();
        if (opts.json) return ctx.json(list);
        for (const e of list) ctx.out(`${e.id} ${e.status} arms: ${e.arms.map((a) => `${a.id}(${a.kind})`).join(', ')}`);
      }),
    );
  experiment
    .command('show <id>')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }) =>
      withStudio(ctx, undefined, async (studio) => {
        const analysis = studio.experiments.analyze(id);
        if (opts.json) return ctx.json({ experiment: studio.experiments.get(id), analysis });
        for (const a of analysis.arms) ctx.out(`${a.armId}: n=${a.n} success ${(a.successRate * 100).toFixed(1)}%`);
        ctx.out(analysis.recommendation);
      }),
    );

  program
    .command('metrics')
    .description('executions by mode, latency percentiles, cache hit rate, fallbacks, cost, LM parse failures and retries per step; alerts and plugin health')
    .option('--window <minutes>', 'only the last N minutes (default: everything)')
    .option('--json', 'print JSON')
    .action(async (opts: { window?: string; json?: boolean }) =>
      withStudio(ctx, undefined, async (studio) => {
        const minutes = opts.window === undefined ? undefined : Number(opts.window);
        if (minutes !== undefined && !(minutes > 0)) throw new UsageError('--window must be a positive number of minutes');
        const summary = studio.metrics.summary(minutes === undefined ? undefined : minutes * 60_000);
        // Health includes the Python side: check it for real rather than report a pool never started.
        await studio.pool().catch(() => undefined);
        const health = await studio.health(minutes === undefined ? undefined : minutes * 60_000);
        if (opts.json) return ctx.json({ summary, health, deployment: studio.config.deployment });
        ctx.out(`executions ${summary.executions} (${Object.entries(summary.byMode).map(([m, n]) => `${m} ${n}`).join(', ')})`);
        ctx.out(`success ${(summary.successRate * 100).toFixed(1)}%  latency p50 ${summary.latencyMs.p50.toFixed(0)} ms p95 ${summary.latencyMs.p95.toFixed(0)} ms p99 ${summary.latencyMs.p99.toFixed(0)} ms`);
        ctx.out(`cache hit rate ${(summary.cache.hitRate * 100).toFixed(1)}% of ${summary.cache.lookups} lookups; fallbacks ${summary.fallback.count}`);
        for (const st of summary.bySteps.filter((x) => x.adapterCalls > 0)) {
          const retries = Object.entries(st.retries).map(([cause, n]) => `${cause} ${n}`).join(', ') || 'none';
          ctx.out(`step ${st.workflow ? `${st.workflow}/` : ''}${st.step}: ${st.executions} executions, parse failures ${(st.parseFailureRate * 100).toFixed(1)}% of ${st.adapterCalls} adapter calls, fallbacks to JSON ${st.fallbacks}, retries ${retries}`);
        }
        ctx.out(`health: ${health.status}`);
      }),
    );
}
