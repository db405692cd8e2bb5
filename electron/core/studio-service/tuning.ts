/**
 * StudioApi handlers of the tuning screens over one lazily opened Studio: training data,
 * optimization (engine events streamed as StudioApi events), comparison, experiments,
 * monitoring, configuration and providers.
 */
import fs from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { StudioApiError, type ExampleRow, type MethodResult, type ProgramVersion, type ProviderStatus, type StudioMethod, type StudioEvent, type EventPayload, type DemoRef, type ImportReport as ApiImportReport } from '../../../shared/api/index';
import { DEPLOYMENT_PHASES, FEATURE_FLAGS } from '../../../shared/plugin-config/schema';
import { formatPercent } from '../../../shared/format/percent';
import type { Studio } from '../studio';
import { measuredCost, usageCost } from '../optimization/estimate';
import type { OptimizationJob, StoredProgramVersion } from '../optimization/job-store';
import { lmForStep, runtimeLm, SIMULATED_LABEL, type ProviderPrefs, type ProviderSettings } from '../providers/provider-settings';
import type { Example, JsonObject } from '../training-data/types';
import type { ImportReport } from '../training-data/manager';
import { importInBackground, type BackgroundImport } from '../training-data/background-import';
import { OperationCancelledError } from '../training-data/progress';
import { misfitReasons } from '../../../shared/dspy/signature-history';
import { moduleOf, programForStep, programFromSignature, programShape, type ProgramSpec } from '../dspy-plugin/program-spec';
import { findDspyStep, stepPrograms } from '../dspy-plugin/step-programs';
import type { Handlers } from './router';

type TuningMethod = Exclude<
  Extract<StudioMethod, `data.${string}` | `optimize.${string}` | `compare.${string}` | `experiments.${string}` | `monitor.${string}` | `config.${string}` | `providers.${string}` | 'runtime.restart'>,
  'providers.presets' | 'providers.test'
>;

export interface TuningDeps {
  studio: () => Promise<Studio>;
  emit: <E extends StudioEvent>(event: E, payload: EventPayload<E>) => void;
  /** Where keys come from (for the status: never the key itself). */
  keySource: (provider: 'anthropic' | 'gemini' | 'openai') => 'safe-storage' | 'environment' | 'none';
  keyStorage: 'safe-storage' | 'environment';
  /** Non-secret provider settings persisted by the service. */
  saveProviderPrefs: (prefs: ProviderPrefs) => Promise<void>;
  loadProviderPrefs: () => Promise<ProviderPrefs>;
  buildProviders: (prefs: ProviderPrefs) => ProviderSettings;
  by: string;
}


const fail = (code: 'bad_request' | 'not_found' | 'conflict', err: unknown): never => {
  throw new StudioApiError(code, err instanceof Error ? err.message : String(err));
};

/** Runs f; errors from the core (refusals, validation, unknown ids) become bad_request with the message. */
function guard<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof StudioApiError) throw err;
    const msg = err instanceof Error ? err.message : String(err);
    return fail(/^no |not found/i.test(msg) ? 'not_found' : 'bad_request', err);
  }
}

async function guardAsync<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    if (err instanceof StudioApiError) throw err;
    const msg = err instanceof Error ? err.message : String(err);
    return fail(/^no |not found/i.test(msg) ? 'not_found' : 'bad_request', err);
  }
}

function rowOf(e: Example | (Record<string, any> & { id: string }), q?: { score: number; usable: boolean; reasons: string[] }): ExampleRow {
  const x = e as Record<string, any>;
  return {
    id: x.exampleId ?? x.id,
    inputs: x.inputs,
    outputs: x.outputs,
    source: x.source,
    labelState: x.labelState,
    labeledBy: x.labeledBy ?? null,
    labeledAt: x.labeledAt ?? null,
    rating: x.rating ?? null,
    split: x.split,
    quality: q ? q.score : null,
    usable: q ? q.usable : false,
    reasons: q ? q.reasons : [],
    observedAt: x.observedAt,
    imported: Boolean(x.importId),
  };
}

const finite = (n: unknown): number | null => (typeof n === 'number' && Number.isFinite(n) ? n : null);

function versionOf(studio: Studio, v: StoredProgramVersion): ProgramVersion {
  const job = v.jobId ? studio.engine.jobs.get(v.jobId) : undefined;
  const lmCalls = job?.result?.lmCalls ?? null;
  const head = studio.data.signatures.task(v.task)?.head;
  const devSize = job?.result?.scoredOn === 'train' ? 0 : (job?.result?.devSize ?? 0);
  return {
    id: v.id,
    task: v.task,
    signatureHash: v.signatureHash,
    shape: programShape(v.programSpec as never),
    promotedBy: v.promotedBy,
    scoredOn: devSize > 0 ? 'dev' : 'train',
    devSize,
    reason: job?.result?.promotion ?? v.decision.reason,
    stale: head !== undefined && head.hash !== v.signatureHash,
    jobId: v.jobId,
    strategy: v.strategy,
    model: v.model,
    datasetVersion: v.datasetVersion,
    baselineScore: v.baselineScore,
    optimizedScore: v.optimizedScore,
    status: v.status,
    createdAt: v.createdAt,
    promotedAt: v.promotedAt,
    lmCalls,
    // From the run's measured tokens when its outcome kept them; otherwise unknown.
    costUsd: measuredCost(job?.result?.usage, studio.prices.table()),
  };
}

function jobOut(j: OptimizationJob): MethodResult<'optimize.jobs'>['jobs'][number] {
  return j as unknown as MethodResult<'optimize.jobs'>['jobs'][number];
}

/** The first predictor's instructions and demos in a `program.save()` JSON. */
function predictorsOf(state: Record<string, unknown>): { instructions: string; demos: Record<string, unknown>[] } {
  // A single Predict saves its state at the top level; a module saves one key per predictor.
  if (Array.isArray(state.demos)) {
    const sig = state.signature as { instructions?: unknown } | undefined;
    return { instructions: String(sig?.instructions ?? ''), demos: state.demos as Record<string, unknown>[] };
  }
  for (const [key, value] of Object.entries(state)) {
    if (key === 'metadata' || !value || typeof value !== 'object') continue;
    const p = value as { demos?: unknown; signature?: { instructions?: unknown } };
    return { instructions: String(p.signature?.instructions ?? ''), demos: Array.isArray(p.demos) ? (p.demos as Record<string, unknown>[]) : [] };
  }
  return { instructions: '', demos: [] };
}

/** An app import of a file this large (bytes) runs on a worker thread with progress events. */
export const BACKGROUND_IMPORT_BYTES = 1024 * 1024;

export function createTuningHandlers(deps: TuningDeps): Pick<Handlers, TuningMethod> {
  const lm = (studio: Studio) => lmForStep('dspy_claude', studio.providers);
  /** Background imports running, by progressId. */
  const imports = new Map<string, BackgroundImport>();

  /**
   * The program to optimize: the open workflow's step of that name when given (its module and
   * wording, made the dataset's current signature version when `register`), else a predictor of
   * the dataset's current signature.
   */
  const programOf = (studio: Studio, signature: string, workflow: Record<string, unknown> | undefined, register: boolean) => {
    if (workflow) {
      const found = findDspyStep(workflow, signature);
      if (!found) throw new StudioApiError('bad_request', `the workflow has no DSPy step named ${signature}`);
      const p = guard(() => programForStep(found.step, found.workflow));
      if (register) guard(() => studio.data.registerSignature(signature, p.signature, deps.by));
      return p.program;
    }
    const sig = studio.data.signatures.resolve(signature);
    // Without the workflow, the shape of the dataset's last program (predict for a new one).
    const last = studio.engine.versions.list(sig.name)[0];
    return programFromSignature(sig.name, sig.spec, last ? moduleOf(last.programSpec as unknown as ProgramSpec) : 'predict');
  };

  const request = (studio: Studio, p: Parameters<Handlers['optimize.run']>[0], register = false) => {
    const program = programOf(studio, p.signature, p.workflow, register);
    const l = lm(studio);
    return { signature: p.signature, program, strategy: p.strategy, params: p.params, datasetVersion: p.datasetVersion, budget: p.budget, lm: runtimeLm(l), requestedBy: deps.by };
  };

  const providerStatus = async (): Promise<ProviderStatus> => {
    const studio = await deps.studio();
    const s = studio.providers;
    const active = lmForStep('dspy_claude', s);
    const prov = (name: 'anthropic' | 'gemini', p: ProviderSettings['claude']) => ({
      configured: Boolean(p.apiKey),
      source: p.apiKey ? deps.keySource(name) : 'none',
      model: p.model ?? null,
      apiBase: p.apiBase ?? null,
    });
    return {
      simulated: active.provider === 'simulated',
      simulatedLabel: SIMULATED_LABEL,
      activeLabel: active.label,
      claude: prov('anthropic', s.claude),
      gemini: prov('gemini', s.gemini),
      // With an endpoint set, the active LM is that endpoint's, with its request settings resolved.
      openaiCompatible: s.openaiCompatible
        ? {
            apiBase: s.openaiCompatible.apiBase,
            model: s.openaiCompatible.model,
            hasKey: Boolean(s.openaiCompatible.apiKey),
            requests: {
              timeoutS: active.timeout_s!,
              maxRetries: active.num_retries!,
              numThreads: active.num_threads!,
              requestsPerMinute: active.requests_per_minute ?? null,
              structuredOutput: active.structured_output!,
            },
          }
        : null,
      generation: { maxTokens: s.generation.maxTokens, temperature: s.generation.temperature ?? null },
      keyStorage: deps.keyStorage,
    };
  };

  const poolStatus = async (studio: Studio) => {
    if (!studio.poolStarted) {
      return { started: false, state: 'not started', poolSize: studio.config.python_bridge.pool_size, readyWorkers: 0, queueDepth: 0, inFlight: 0, restarts: 0, runtime: null, workers: [] };
    }
    const pool = await studio.pool().catch(() => undefined);
    if (!pool) return { started: true, state: 'failed', poolSize: studio.config.python_bridge.pool_size, readyWorkers: 0, queueDepth: 0, inFlight: 0, restarts: 0, runtime: null, workers: [] };
    const st = pool.status() as unknown as Record<string, any>;
    return {
      started: true,
      state: String(st.state),
      poolSize: st.poolSize,
      readyWorkers: st.readyWorkers,
      queueDepth: st.queueDepth,
      inFlight: st.inFlight,
      restarts: st.restarts,
      runtime: st.runtime ? { python: st.runtime.python, pythonVersion: st.runtime.pythonVersion, dspyVersion: st.runtime.dspyVersion } : null,
      workers: (st.workers as Record<string, any>[]).map((w) => ({ id: w.id, pid: w.pid ?? null, state: String(w.state) })),
    };
  };

  return {
    'data.signatures': async () => {
      const studio = await deps.studio();
      return { signatures: studio.data.signatures.list().map((s) => ({ name: s.name, hash: s.hash, spec: s.spec, examples: s.examples, versions: s.versions, createdAt: s.createdAt })) };
    },

    'data.registerSignature': async ({ name, spec }) => {
      const studio = await deps.studio();
      const s = guard(() => studio.data.registerSignature(name, spec, deps.by));
      const count = studio.data.examples.count({ task: s.name });
      const versions = studio.data.signatures.versions(s.name).length;
      return { signature: { name: s.name, hash: s.hash, spec: s.spec, examples: count, versions, createdAt: s.createdAt }, created: s.created, changes: s.changes, misfits: s.misfits };
    },

    'data.schemaStatus': async ({ signature }) => {
      const studio = await deps.studio();
      return guard(() => studio.data.schemaStatus(studio.data.signatures.resolve(signature).name));
    },

    'data.mapFields': async ({ signature, mapping }) => {
      const studio = await deps.studio();
      return guard(() => studio.data.mapFields(studio.data.signatures.resolve(signature).name, mapping, deps.by));
    },

    'data.splitOff': async ({ signature, name }) => {
      const studio = await deps.studio();
      return guard(() => studio.data.splitOffMisfits(studio.data.signatures.resolve(signature).name, name, deps.by));
    },

    'data.list': async ({ signature, version, labelState, split, source, limit, offset, sort, search }) => {
      const studio = await deps.studio();
      return guard(() => {
        const sig = studio.data.signatures.resolve(signature);
        const page = studio.data.page(sig.name, { version, labelState, split, source, limit, offset, sort, search });
        const rows = page.rows.map(({ item, quality }) => {
          const misfit = misfitReasons(sig.spec, item.inputs, item.outputs);
          const row = rowOf(item, quality);
          return misfit.length ? { ...row, usable: false, reasons: [...row.reasons, `does not fit signature ${sig.name}: ${misfit.join(', ')}`] } : row;
        });
        return { total: page.total, matching: page.matching, labelCounts: page.labelCounts, rows, threshold: page.threshold };
      });
    },

    'data.import': async ({ signature, fileName, content, format, mapping, dryRun, progressId }) => {
      const studio = await deps.studio();
      const args = { signature, data: Buffer.from(content, 'base64'), fileName, format, mapping, dryRun, by: deps.by, source: 'user_feedback' as const };
      const apiReport = (r: ImportReport): ApiImportReport => ({ ok: r.ok, importId: r.importId, file: r.file, format: r.format, rows: r.rows, inserted: r.inserted, duplicates: r.duplicates, redactions: r.redactions, errors: r.errors, warnings: r.warnings, durationMs: r.durationMs, preview: r.preview });
      if (args.data.length < BACKGROUND_IMPORT_BYTES || !progressId) return guard(() => apiReport(studio.data.importFile(args)));
      if (imports.has(progressId)) fail('conflict', new Error(`an import with progressId ${progressId} is already running`));
      // a large file is imported on a worker thread: the host stays responsive and progress reaches the renderer
      const started = performance.now();
      const job = guard(() => importInBackground(studio.data, args, (phase, figures) => deps.emit('data.importProgress', { progressId, phase, ...figures })));
      imports.set(progressId, job);
      try {
        return apiReport(await job.result);
      } catch (err) {
        if (err instanceof OperationCancelledError) {
          return { ok: false, cancelled: true, file: fileName, format: format ?? '', rows: 0, inserted: 0, duplicates: 0, redactions: 0, errors: [], warnings: [], durationMs: performance.now() - started, preview: [] };
        }
        return fail('bad_request', err);
      } finally {
        imports.delete(progressId);
      }
    },

    'data.cancelImport': async ({ progressId }) => {
      const job = imports.get(progressId);
      job?.cancel();
      return { cancelled: Boolean(job) };
    },

    'data.export': async ({ signature, format, version, path: target }) => {
      const studio = await deps.studio();
      const content = guard(() => studio.data.exportData({ signature, format, version, by: deps.by }));
      const sig = studio.data.signatures.resolve(signature);
      const fileName = `${sig.name}${version ? `-v${studio.data.versions.resolve(version, sig.name)?.number ?? ''}` : ''}.${format === 'dspy' ? 'dspy.json' : format}`;
      if (target) {
        if (!path.isAbsolute(target)) throw new StudioApiError('bad_request', `path must be absolute: ${target}`);
        await fs.mkdir(path.dirname(target), { recursive: true });
        await fs.writeFile(target, content);
      }
      return { content, fileName, path: target ?? null, bytes: Buffer.byteLength(content) };
    },

    'data.label': async ({ id, action, outputs, rating, note }) => {
      const studio = await deps.studio();
      if (note !== undefined && action !== 'correct' && action !== 'reject') fail('bad_request', new Error('a note goes with correct or reject'));
      if (action === 'undo') {
        if (outputs !== undefined || rating !== undefined) fail('bad_request', new Error('undo takes no outputs or rating'));
        return { row: rowOf(guard(() => studio.data.undoLabel(id, deps.by))) };
      }
      const input =
        action === 'correct'
          ? { action, by: deps.by, outputs: outputs ?? fail('bad_request', new Error('correct needs outputs')), rating, note }
          : action === 'rate'
            ? { action, by: deps.by, rating: rating ?? fail('bad_request', new Error('rate needs a rating 1-5')) }
            : { action, by: deps.by, rating, ...(action === 'reject' ? { note } : {}) };
      const e = guard(() => studio.data.label(id, input as never));
      return { row: rowOf(e) };
    },

    'data.labelHistory': async ({ id }) => {
      const studio = await deps.studio();
      return { events: studio.data.labelHistory(id) as unknown as Record<string, unknown>[] };
    },

    'data.quality': async ({ signature, version }) => {
      const studio = await deps.studio();
      return guard(() => {
        const q = studio.data.quality(signature, { version });
        const pct = (x: number | null) => (x === null ? 'n/a' : formatPercent(x));
        const findings: string[] = [];
        if (q.examples === 0) findings.push('No examples yet: import a file or label runs to start.');
        if (q.sample) findings.push(`Estimated from a uniform sample of ${q.sample.size} of ${q.examples} examples (± 95% intervals); diversity, coverage and near-duplicates only see the sample.`);
        else {
          findings.push(`${q.usable} of ${q.examples} examples are usable for optimization (quality at least ${pct(q.threshold)}, not rejected).`);
          if (q.rejected) findings.push(`${q.rejected} rejected example${q.rejected === 1 ? ' is' : 's are'} left out of training.`);
          if (q.belowThreshold) findings.push(`${q.belowThreshold} example${q.belowThreshold === 1 ? ' scores' : 's score'} below the quality threshold.`);
          if (q.conflicts) findings.push(`${q.conflicts} example${q.conflicts === 1 ? ' shares its' : 's share their'} inputs with an example whose outputs differ.`);
          for (const [dimension, why] of Object.entries(q.notMeasurable)) findings.push(`${dimension.replace('_', ' ')} is not measured: ${why}.`);
          if (q.nearDuplicatePairs.length) findings.push(`${q.nearDuplicatePairs.length} near-duplicate pair${q.nearDuplicatePairs.length === 1 ? '' : 's'} reduce diversity.`);
          const weakest = Object.entries(q.dimensions)
            .filter(([, v]) => v !== null)
            .sort((a, b) => (a[1] as number) - (b[1] as number))[0];
          if (weakest) findings.push(`Weakest dimension: ${weakest[0].replace('_', ' ')} at ${pct(weakest[1])}.`);
        }
        return {
          examples: q.examples,
          threshold: q.threshold,
          dimensions: q.dimensions,
          overall: q.overall,
          usable: q.usable,
          rejected: q.rejected,
          belowThreshold: q.belowThreshold,
          conflicts: q.conflicts,
          nearDuplicates: q.nearDuplicatePairs.length,
          findings,
          bias: { enabled: q.bias.enabled, score: q.bias.score, severity: q.bias.severity, dimensions: q.bias.dimensions.map((d) => ({ dimension: d.dimension, score: d.score, severity: d.severity, measurable: d.measurable, finding: d.finding, interval: d.interval })) },
          sample: q.sample ? { size: q.sample.size, of: q.sample.of, intervals: q.sample.intervals as Record<string, number>, withinSample: q.sample.withinSample } : undefined,
        };
      });
    },

    'data.versions': async ({ signature }) => {
      const studio = await deps.studio();
      const sig = guard(() => studio.data.signatures.resolve(signature));
      return { versions: studio.data.versions.list(sig.name).sort((a, b) => b.number - a.number) };
    },

    'data.createVersion': async ({ signature, note }) => {
      const studio = await deps.studio();
      const v = guard(() => studio.data.createVersion({ signature, note, by: deps.by }));
      const { sameAsParent, ...version } = v;
      return { version, sameAsParent };
    },

    'data.lineage': async ({ version }) => {
      const studio = await deps.studio();
      return guard(() => studio.data.versions.lineage(version)) as never;
    },

    'data.diff': async ({ signature, a, b }) => {
      const studio = await deps.studio();
      return guard(() => {
        // counts and up to 500 rows of each kind, found in SQL (neither version is loaded whole)
        const d = studio.data.versionDiff(signature, a, b, 500);
        return { added: d.addedRows.map((r) => rowOf(r)), removed: d.removedRows.map((r) => rowOf(r)), changed: d.changedRows.map((c) => ({ before: rowOf(c.before), after: rowOf(c.after) })), unchanged: d.unchanged };
      });
    },

    'optimize.estimate': async (p) => {
      const studio = await deps.studio();
      return guard(() => {
        const req = request(studio, p);
        const r = studio.engine.estimate(req as never);
        return { estimate: r.estimate, budget: r.budget ?? null, trainSize: r.trainSize, devSize: r.devSize, sample: r.sample, lmLabel: lm(studio).label };
      });
    },

    'optimize.run': async (p) => {
      const studio = await deps.studio();
      const job = guard(() => studio.engine.submit(request(studio, p, true) as never));
      return { job: jobOut(job) };
    },

    'optimize.cancel': async ({ jobId }) => ({ cancelled: (await deps.studio()).engine.cancel(jobId) }),

    'optimize.jobs': async ({ signature }) => {
      const studio = await deps.studio();
      const task = signature ? guard(() => studio.data.signatures.resolve(signature)).name : undefined;
      return { jobs: studio.engine.jobs.list({ task, limit: 200 }).map(jobOut) };
    },

    'optimize.job': async ({ jobId }) => {
      const studio = await deps.studio();
      const job = studio.engine.get(jobId);
      if (!job) throw new StudioApiError('not_found', `no optimization job ${jobId}`);
      const sig = studio.data.signatures.version(job.task, job.signatureHash);
      const v = job.result ? studio.engine.versions.get(job.result.programVersion) : undefined;
      const state = v ? predictorsOf(v.programState) : { instructions: '', demos: [] };
      const inputNames = sig.spec.input_fields.map((f) => f.name);
      // each demo's example by an index lookup on its inputs, not by reading the dataset
      const demos: DemoRef[] = state.demos.map((d) => {
        const inputs = Object.fromEntries(inputNames.map((n) => [n, d[n]]));
        const outputs = Object.fromEntries(Object.entries(d).filter(([k]) => !inputNames.includes(k) && k !== 'augmented'));
        const stored = Object.fromEntries(inputNames.filter((n) => d[n] !== undefined).map((n) => [n, d[n]])) as JsonObject;
        const hit = studio.data.exampleWithInputs(job.task, stored, job.datasetVersion ?? undefined);
        return { inputs, outputs, exampleId: hit?.id ?? null, labeledBy: hit?.labeledBy ?? null, labelState: hit?.labelState ?? null };
      });
      return {
        job: jobOut(job),
        version: v ? versionOf(studio, v) : null,
        baselineInstructions: sig.spec.instructions ?? '',
        optimizedInstructions: state.instructions || (sig.spec.instructions ?? ''),
        demos,
        lmLabel: job.model.startsWith('simulated') ? SIMULATED_LABEL : job.model,
      };
    },

    'optimize.versions': async ({ signature }) => {
      const studio = await deps.studio();
      const sig = guard(() => studio.data.signatures.resolve(signature));
      return { versions: studio.engine.versions.list(sig.name).map((v) => versionOf(studio, v)), promoted: studio.engine.promoted(sig.name)?.id ?? null };
    },

    'optimize.promote': async ({ versionId }) => {
      const studio = await deps.studio();
      const v = guard(() => studio.engine.promote(versionId, deps.by));
      return { version: versionOf(studio, v) };
    },

    'optimize.rollback': async ({ signature }) => {
      const studio = await deps.studio();
      const r = guard(() => studio.engine.rollback(studio.data.signatures.resolve(signature).name, deps.by));
      return { from: r.from.id, to: r.to?.id ?? null };
    },

    'optimize.stepPrograms': async ({ workflow }) => {
      const studio = await deps.studio();
      return { steps: stepPrograms({ engine: studio.engine, data: studio.data, config: studio.config }, workflow, (v) => versionOf(studio, v)) };
    },

    'optimize.staleChoice': async ({ signature, choice }) => {
      const studio = await deps.studio();
      const task = guard(() => studio.data.signatures.resolve(signature)).name;
      studio.data.db
        .transaction(() => {
          studio.data.signatures.setStaleChoice(task, choice);
          studio.data.audit.append({ actor: deps.by, action: 'program.stale_choice', target: task, details: { choice } });
        })
        .immediate();
      return { choice };
    },

    'optimize.export': async ({ versionId, kind, path: target }) => {
      const studio = await deps.studio();
      const v = studio.engine.versions.get(versionId);
      if (!v) throw new StudioApiError('not_found', `no program version ${versionId}`);
      if (!path.isAbsolute(target)) throw new StudioApiError('bad_request', `path must be absolute: ${target}`);
      await fs.mkdir(path.dirname(target), { recursive: true });
      const content = kind === 'json' ? `${JSON.stringify(v.programState, null, 2)}\n` : v.source;
      await fs.writeFile(target, content);
      let specPath: string | null = null;
      if (kind === 'json') {
        // program.save() keeps no field names or types: the spec goes beside it.
        specPath = target.replace(/(\.json)?$/i, '.signature.json');
        const sig = studio.data.signatures.version(v.task, v.signatureHash);
        await fs.writeFile(specPath, `${JSON.stringify({ name: sig.name, program: v.programSpec, signature: sig.spec }, null, 2)}\n`);
      }
      studio.data.audit.append({ actor: deps.by, action: 'program.export', target: versionId, details: { kind, path: target } });
      return { path: target, bytes: Buffer.byteLength(content), specPath };
    },

    'compare.run': async ({ signature, a, b, datasetVersion }) => {
      const studio = await deps.studio();
      const l = lm(studio);
      const report = await guardAsync(() => studio.compare({ signature, a, b, datasetVersion, lm: runtimeLm(l) }));
      const agg = report.aggregate;
      const count = (o: string) => report.examples.filter((e) => e.outcome === o).length;
      const arm = (x: typeof report.arms.a) => ({ label: x.label, mean: x.mean, latencyMsPerExample: x.latencyMsPerExample, lmCalls: x.lmCalls, costUsd: usageCost(x.usage, studio.prices.table()), tokens: { input: x.usage.input_tokens, output: x.usage.output_tokens } });
      return {
        signatureHash: report.signatureHash,
        examplesFrom: report.examplesFrom,
        metric: report.metric,
        n: report.n,
        lmLabel: l.label,
        arms: { a: arm(report.arms.a), b: arm(report.arms.b) },
        aggregate: {
          metric: agg.metric,
          kind: agg.kind,
          n: agg.n,
          meanControl: agg.meanControl,
          meanTreatment: agg.meanTreatment,
          difference: agg.difference,
          ci: agg.ci && agg.ci.every(Number.isFinite) ? agg.ci : null,
          pValue: finite(agg.pValue),
          test: agg.test,
          significant: agg.significant,
          tooFew: agg.tooFewToTell,
          message: agg.warning ?? '',
        },
        wins: count('win'),
        ties: count('tie'),
        losses: count('loss'),
        errors: count('error'),
        examples: report.examples,
      };
    },

    'compare.trace': async ({ signature, a, b, exampleId }) => {
      const studio = await deps.studio();
      return guardAsync(() => studio.compareTrace({ signature, a, b, exampleId, lm: runtimeLm(lm(studio)) }));
    },

    'experiments.list': async () => {
      const studio = await deps.studio();
      return { experiments: studio.experiments.list() as never };
    },

    'experiments.create': async ({ id, name, signature, arms, targetSampleSize, alpha }) => {
      const studio = await deps.studio();
      const exp = guard(() => {
        const sig = studio.data.signatures.resolve(signature);
        return studio.experiments.create({ id: id ?? `exp_${randomUUID().slice(0, 8)}`, name, arms, targetSampleSize, alpha, task: sig.name, signatureHash: sig.hash });
      });
      studio.data.audit.append({ actor: deps.by, action: 'experiment.create', target: exp.id, details: { name } });
      return { experiment: exp as never };
    },

    'experiments.transition': async ({ id, to }) => {
      const studio = await deps.studio();
      const exp = guard(() => studio.experiments.transition(id, to));
      studio.data.audit.append({ actor: deps.by, action: 'experiment.transition', target: id, details: { to } });
      return { experiment: exp as never };
    },

    'experiments.analyze': async ({ id }) => {
      const studio = await deps.studio();
      const experiment = studio.experiments.get(id);
      if (!experiment) throw new StudioApiError('not_found', `no experiment ${id}`);
      // NaN (no data yet) travels as null.
      const analysis = JSON.parse(JSON.stringify(studio.experiments.analyze(id)));
      return { experiment: experiment as never, analysis };
    },

    'monitor.snapshot': async ({ windowMs }) => {
      const studio = await deps.studio();
      const health = await studio.health(windowMs);
      const summary = JSON.parse(JSON.stringify(studio.metrics.summary(windowMs)));
      const c = studio.config;
      return {
        windowMs,
        summary,
        health: { status: health.status, components: health.components },
        alerts: health.alerts as never,
        deployment: { phase: c.deployment.phase, rolloutPercentage: c.deployment.rollout_percentage, featureFlags: [...c.deployment.feature_flags], phases: [...DEPLOYMENT_PHASES], knownFlags: [...FEATURE_FLAGS] },
        pool: await poolStatus(studio),
      };
    },

    'config.get': async () => ({ config: (await deps.studio()).config as unknown as Record<string, unknown> }),

    'config.update': async ({ patch }) => {
      const studio = await deps.studio();
      const config = guard(() => studio.updateConfig(patch, deps.by)) as unknown as Record<string, unknown>;
      deps.emit('config.changed', { config });
      return { config };
    },

    'providers.status': () => providerStatus(),

    'providers.update': async (patch) => {
      const studio = await deps.studio();
      const prefs = await deps.loadProviderPrefs();
      if (patch.claude) prefs.claude = { ...prefs.claude, ...patch.claude };
      if (patch.gemini) prefs.gemini = { ...prefs.gemini, ...patch.gemini };
      if (patch.openaiCompatible !== undefined) prefs.openaiCompatible = patch.openaiCompatible;
      if (patch.generation) prefs.generation = { ...prefs.generation, ...patch.generation };
      const settings = guard(() => deps.buildProviders(prefs));
      await deps.saveProviderPrefs(prefs);
      studio.setProviders(settings);
      return providerStatus();
    },

    'runtime.restart': async () => {
      const studio = await deps.studio();
      await guardAsync(() => studio.restartPool());
      return { pool: await poolStatus(studio) };
    },
  };
}
