/**
 * `pipeline-studio data ...`: the training data store (signatures, import, export, list, label,
 * delete, versions, quality, bias, settings). Every subcommand takes --json.
 * Exit codes: 0 ok, 1 the operation was refused or found problems, 2 usage errors.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { parseYamlValue } from '../../../shared/yaml/bounds';
import { z } from 'zod';
import type { CliContext } from '../context';
import { UsageError } from '../context';
import {
  EXPORT_FORMATS,
  IMPORT_FORMATS,
  LABEL_STATES,
  LabelRefusedError,
  SignatureNotFoundError,
  SOURCES,
  SPLITS,
  TrainingData,
  VersioningDisabledError,
  parseMapArgs,
  type DatasetQuality,
  type BiasReport,
  type ExampleFilter,
  type ImportArgs,
} from '../../core/training-data';
import { programForStep } from '../../core/dspy-plugin/program-spec';
import { findStep, loadWorkflow } from '../workflow-step';
import { progressClock, progressLine } from '../../core/training-data/progress';

function usage<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new UsageError(`${what}: ${r.error.issues.map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`).join('; ')}`);
  return r.data;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

async function withStore<T>(ctx: CliContext, fn: (td: TrainingData) => T | Promise<T>): Promise<T> {
  const td = TrainingData.open(ctx.dataDir());
  try {
    return await fn(td);
  } catch (err) {
    if (err instanceof SignatureNotFoundError) throw new UsageError(err.message);
    throw err;
  } finally {
    td.close();
  }
}

interface DatasetArgs {
  signature?: string;
  workflow?: string;
  step?: string;
  by?: string;
}

/** --signature NAME, or --workflow FILE --step NAME: the step's signature is registered as its dataset's current version, as the app does. */
async function datasetName(td: TrainingData, o: DatasetArgs): Promise<string> {
  if (o.workflow || o.step) {
    if (!o.workflow || !o.step) throw new UsageError('--workflow and --step go together');
    if (o.signature) throw new UsageError('give --signature or --workflow with --step, not both');
    const loaded = await loadWorkflow(o.workflow);
    const program = programForStep(findStep(loaded.workflow, o.step), loaded.workflow);
    return td.registerSignature(o.step, program.signature, o.by ?? 'cli').name;
  }
  if (!o.signature) throw new UsageError('name the dataset: --signature NAME, or --workflow FILE --step NAME');
  return o.signature;
}

/**
 * A long operation's progress on stderr (so --json output stays clean), about once a second: an
 * operation over a second reports, a quick one stays quiet. Each step (`what`) is timed from its first report.
 */
export function progressReporter(err: (line: string) => void, clock: () => number = () => performance.now()): (what: string, p: { done: number; total: number; share: number }) => void {
  let step = '';
  let figures = progressClock(clock);
  let shown = clock();
  return (what, p) => {
    if (what !== step) {
      step = what;
      figures = progressClock(clock);
    }
    const now = clock();
    if (now - shown < 1000) return;
    shown = now;
    err(progressLine(what, figures(p)));
  };
}

function fmt(x: number | null | undefined, digits = 3): string {
  return x === null || x === undefined ? '-' : x.toFixed(digits);
}

export function registerDataCommands(program: Command, ctx: CliContext): void {
  const data = program.command('data').description('Training data: signatures, import/export, labels, versions, quality and bias');

  const sig = data.command('signature').description('Signatures (by content hash) that examples belong to');
  sig
    .command('add <file>')
    .description('Register a signature spec (YAML or JSON with input_fields/output_fields) under a name')
    .requiredOption('--name <name>', 'name to resolve it by (each change of the spec is a new version)')
    .option('--by <who>', 'who registers it', 'cli')
    .option('--json', 'print JSON')
    .action(async (file: string, o: { name: string; by: string; json?: boolean }) => {
      if (!fs.existsSync(file)) throw new UsageError(`no such file: ${file}`);
      let spec: unknown;
      try {
        spec = parseYamlValue(fs.readFileSync(file, 'utf8'));
      } catch (err) {
        throw new UsageError(`${file}: not valid YAML/JSON: ${(err as Error).message}`);
      }
      if (spec && typeof spec === 'object' && 'dspy_signature' in spec) spec = (spec as any).dspy_signature;
      await withStore(ctx, async (td) => {
        let s;
        try {
          s = td.registerSignature(o.name, spec, o.by);
        } catch (err) {
          throw new UsageError(`${file}: ${(err as Error).message}`);
        }
        if (o.json) ctx.json({ ok: true, name: s.name, hash: s.hash, created: s.created });
        else ctx.out(`${s.created ? 'registered' : 'already registered'} ${s.name} ${s.hash}`);
      });
    });
  sig
    .command('list')
    .description('List registered signatures')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      await withStore(ctx, async (td) => {
        const list = td.signatures.list();
        if (o.json) ctx.json(list.map((s) => ({ name: s.name, hash: s.hash, examples: s.examples, created_at: s.createdAt, spec: s.spec })));
        else if (!list.length) ctx.out('no signatures (add one with `data signature add <file> --name <name>`)');
        else for (const s of list) ctx.out(`${s.name}\t${s.hash.slice(0, 12)}\t${s.examples} examples`);
      });
    });

  data
    .command('import <file>')
    .description('Import examples from JSONL, CSV (with --map) or DSPy Example JSON; one transaction: any bad row imports nothing')
    .option('--signature <name>', 'the dataset (a DSPy step\'s name) the examples belong to')
    .option('--workflow <file>', 'with --step: the dataset of this workflow\'s step (its signature registered as the app does)')
    .option('--step <name>', 'with --workflow: the DSPy step')
    .option('--format <format>', `file format (${IMPORT_FORMATS.join('|')}; default from the extension)`)
    .option('--map <column=field>', 'CSV: map a column to a signature field or to label/rating/source/labeled_by/timestamp (repeatable)', collect, [])
    .option('--source <source>', `source of rows that name none (${SOURCES.join('|')})`)
    .option('--by <who>', 'who imports', 'cli')
    .option('--dry-run', 'validate only')
    .option('--json', 'print a JSON report')
    .action(async (file: string, o: DatasetArgs & { format?: string; map: string[]; source?: string; by: string; dryRun?: boolean; json?: boolean }) => {
      const format = o.format === undefined ? undefined : usage(z.enum(IMPORT_FORMATS), o.format, '--format');
      const source = o.source === undefined ? undefined : usage(z.enum(SOURCES), o.source, '--source');
      let mapping: Record<string, string>;
      try {
        mapping = parseMapArgs(o.map);
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      if (Object.keys(mapping).length && (format ?? path.extname(file).toLowerCase()) !== 'csv' && path.extname(file).toLowerCase() !== '.csv') {
        throw new UsageError('--map applies to CSV files only');
      }
      if (!fs.existsSync(file)) throw new UsageError(`no such file: ${file}`);
      await withStore(ctx, async (td) => {
        const progress = progressReporter((line) => ctx.err(line));
        // share and time left from the bytes of the file read
        const onProgress: ImportArgs['onProgress'] = (p) => p.phase === 'insert' && progress('import', { done: p.done, total: p.total, share: p.totalBytes ? p.bytes / p.totalBytes : 0 });
        const report = td.importFile({ signature: await datasetName(td, o), file, format, mapping, source, by: o.by, dryRun: o.dryRun, onProgress });
        if (o.json) ctx.json(report);
        else if (report.ok) {
          ctx.out(`${o.dryRun ? 'valid' : 'imported'}: ${o.dryRun ? report.rows : report.inserted} examples into ${report.signature.name}${report.duplicates ? ` (${report.duplicates} exact duplicates skipped)` : ''}${report.redactions ? `, ${report.redactions} values redacted` : ''}`);
          for (const w of report.warnings) ctx.err(`warning: ${w}`);
        } else {
          ctx.err(`import refused: ${report.errors.length} error(s), nothing was imported`);
          for (const e of report.errors.slice(0, 200)) ctx.err(`${file}:${e.line}: ${e.message}`);
          if (report.errors.length > 200) ctx.err(`... and ${report.errors.length - 200} more (use --json for all)`);
        }
        if (!report.ok) ctx.setExitCode(1);
      });
    });

  data
    .command('export')
    .description('Export examples (or a version) as stored: redacted values stay redacted')
    .option('--signature <name>', 'the dataset (a DSPy step\'s name)')
    .option('--workflow <file>', 'with --step: the dataset of this workflow\'s step')
    .option('--step <name>', 'with --workflow: the DSPy step')
    .option('--format <format>', `${EXPORT_FORMATS.join('|')}`, 'jsonl')
    .option('--version <id>', 'export a dataset version (id or number)')
    .option('--label <states>', `comma-separated label states to include (${LABEL_STATES.join(',')})`)
    .option('--out <file>', 'write to a file instead of stdout')
    .option('--json', 'print a JSON summary (with --out)')
    .action(async (o: DatasetArgs & { format: string; version?: string; label?: string; out?: string; json?: boolean }) => {
      const format = usage(z.enum(EXPORT_FORMATS), o.format, '--format');
      const labelStates = o.label ? usage(z.array(z.enum(LABEL_STATES)), o.label.split(',').map((s) => s.trim()), '--label') : undefined;
      await withStore(ctx, async (td) => {
        const args = { signature: await datasetName(td, o), format, version: o.version, labelStates };
        if (o.out) {
          // streamed to the file: memory holds one chunk of rows, not the export
          const fd = fs.openSync(o.out, 'w');
          let bytes = 0;
          try {
            const report = progressReporter((line) => ctx.err(line));
            td.exportTo(args, (chunk) => (bytes += fs.writeSync(fd, chunk)), (p) => report('export', p));
          } finally {
            fs.closeSync(fd);
          }
          if (o.json) ctx.json({ ok: true, file: o.out, format, bytes });
          else ctx.out(`wrote ${o.out}`);
        } else process.stdout.write(td.exportData(args));
      });
    });

  data
    .command('list')
    .description('List examples of a signature')
    .option('--signature <name>', 'the dataset (a DSPy step\'s name)')
    .option('--workflow <file>', 'with --step: the dataset of this workflow\'s step')
    .option('--step <name>', 'with --workflow: the DSPy step')
    .option('--label <state>', `only this label state (${LABEL_STATES.join('|')})`)
    .option('--split <split>', `only this split (${SPLITS.join('|')})`)
    .option('--source <source>', `only this source (${SOURCES.join('|')})`)
    .option('--limit <n>', 'at most n examples', '50')
    .option('--offset <n>', 'skip n examples', '0')
    .option('--json', 'print JSON')
    .action(async (o: DatasetArgs & { label?: string; split?: string; source?: string; limit: string; offset: string; json?: boolean }) => {
      const f = usage(
        z.object({
          label: z.enum(LABEL_STATES).optional(),
          split: z.enum(SPLITS).optional(),
          source: z.enum(SOURCES).optional(),
          limit: z.coerce.number().int().min(1).max(100000),
          offset: z.coerce.number().int().min(0),
        }),
        o,
        'data list',
      );
      await withStore(ctx, async (td) => {
        const s = td.signatures.resolve(await datasetName(td, o));
        const filter: ExampleFilter = { task: s.name, labelState: f.label, split: f.split, source: f.source };
        const total = td.examples.count(filter);
        const list = td.examples.list({ ...filter, limit: f.limit, offset: f.offset });
        if (o.json) ctx.json({ signature: { name: s.name, hash: s.hash }, total, examples: list });
        else {
          ctx.out(`${total} examples of ${s.name}${total > list.length ? ` (showing ${list.length})` : ''}`);
          for (const e of list) ctx.out(`${e.id}\t${e.labelState}\t${e.rating ?? '-'}\t${e.split}\t${e.source}\t${JSON.stringify(e.inputs).slice(0, 60)} -> ${JSON.stringify(e.outputs).slice(0, 60)}`);
        }
      });
    });

  data
    .command('label <exampleId>')
    .description('Accept, reject, correct, rate or undo the label of an example (accept/correct are refused when the outputs fail the schema)')
    .option('--accept', 'accept the outputs')
    .option('--reject', 'reject the outputs')
    .option('--correct <json>', 'replace the outputs with this JSON object')
    .option('--rate <n>', 'rating 1-5 (alone, or with one of the above)')
    .option('--undo', "undo the example's latest label that is not undone yet (recorded as a label event)")
    .option('--reason <text>', 'why (with --reject)')
    .option('--by <who>', 'who labels', process.env.USER || 'cli')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { accept?: boolean; reject?: boolean; correct?: string; rate?: string; undo?: boolean; reason?: string; by: string; json?: boolean }) => {
      const actions = [o.accept && 'accept', o.reject && 'reject', o.correct !== undefined && 'correct', o.undo && 'undo'].filter(Boolean) as string[];
      if (actions.length > 1) throw new UsageError('give one of --accept, --reject, --correct, --undo');
      if (o.undo && o.rate !== undefined) throw new UsageError('--undo takes no --rate');
      const rating = o.rate === undefined ? undefined : usage(z.coerce.number().int().min(1).max(5), o.rate, '--rate (1-5)');
      if (actions.length === 0 && rating === undefined) throw new UsageError('give --accept, --reject, --correct <json> or --rate <n>');
      let outputs: unknown;
      if (o.correct !== undefined) {
        try {
          outputs = JSON.parse(o.correct);
        } catch (err) {
          throw new UsageError(`--correct: not valid JSON: ${(err as Error).message}`);
        }
        if (!outputs || typeof outputs !== 'object' || Array.isArray(outputs)) throw new UsageError('--correct: expected a JSON object of output fields');
      }
      const action = actions[0] ?? 'rate';
      await withStore(ctx, async (td) => {
        try {
          const ex = action === 'undo' ? td.undoLabel(id, o.by) : td.label(id, { action, by: o.by, rating, outputs, reason: o.reason } as any);
          if (o.json) ctx.json({ ok: true, example: ex });
          else ctx.out(`${ex.id}: ${ex.labelState}${ex.rating ? `, rated ${ex.rating}` : ''} by ${o.by}`);
        } catch (err) {
          if (!(err instanceof LabelRefusedError)) throw err;
          if (o.json) ctx.json({ ok: false, error: err.message, problems: err.problems });
          else ctx.err(err.message);
          ctx.setExitCode(1);
        }
      });
    });

  data
    .command('delete <exampleId>')
    .description('Delete an example (its copies in dataset versions stay)')
    .option('--by <who>', 'who deletes', process.env.USER || 'cli')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { by: string; json?: boolean }) => {
      await withStore(ctx, async (td) => {
        const ok = td.deleteExample(id, o.by);
        if (o.json) ctx.json({ ok, id });
        else if (ok) ctx.out(`deleted ${id}`);
        else ctx.err(`no example ${id}`);
        if (!ok) ctx.setExitCode(1);
      });
    });

  const version = data.command('version').description('Immutable dataset versions with lineage');
  version
    .command('create')
    .description("Snapshot a signature's examples as a new version (parent: the latest version)")
    .option('--signature <name>', 'the dataset (a DSPy step\'s name)')
    .option('--workflow <file>', 'with --step: the dataset of this workflow\'s step')
    .option('--step <name>', 'with --workflow: the DSPy step')
    .option('--note <text>', 'note')
    .option('--by <who>', 'who creates it', process.env.USER || 'cli')
    .option('--json', 'print JSON')
    .action(async (o: DatasetArgs & { note?: string; by: string; json?: boolean }) => {
      await withStore(ctx, async (td) => {
        try {
          const report = progressReporter((line) => ctx.err(line));
          const v = td.createVersion({ signature: await datasetName(td, o), by: o.by, note: o.note, onProgress: ({ phase, ...p }) => report(phase === 'hash' ? 'snapshot (hashing rows)' : 'snapshot (copying rows)', p) });
          if (o.json) ctx.json({ ok: true, version: v });
          else ctx.out(`version ${v.number} (${v.id}): ${v.rowCount} rows, content ${v.contentHash.slice(0, 12)}${v.sameAsParent ? ' (same content as its parent)' : ''}`);
        } catch (err) {
          if (!(err instanceof VersioningDisabledError)) throw err;
          if (o.json) ctx.json({ ok: false, error: err.message });
          else ctx.err(err.message);
          ctx.setExitCode(1);
        }
      });
    });
  version
    .command('list')
    .description('List versions')
    .option('--signature <nameOrHash>', 'only this signature')
    .option('--json', 'print JSON')
    .action(async (o: { signature?: string; json?: boolean }) => {
      await withStore(ctx, async (td) => {
        const list = td.versions.list(o.signature ? td.signatures.resolve(o.signature).name : undefined);
        if (o.json) ctx.json(list);
        else for (const v of list) ctx.out(`${v.number}\t${v.id}\t${v.rowCount} rows\t${v.createdAt}\t${v.createdBy}${v.note ? `\t${v.note}` : ''}`);
      });
    });
  version
    .command('show <version>')
    .description('A version with its lineage: sources, runs, imports, labels, changes since its parent')
    .option('--signature <nameOrHash>', 'signature (to refer to a version by number)')
    .option('--json', 'print JSON')
    .action(async (ref: string, o: { signature?: string; json?: boolean }) => {
      await withStore(ctx, async (td) => {
        const v = td.versions.resolve(ref, o.signature ? td.signatures.resolve(o.signature).name : undefined);
        if (!v) throw new UsageError(`no dataset version ${ref}${o.signature ? '' : ' (pass --signature to use a version number)'}`);
        const lin = td.versions.lineage(v.id);
        if (o.json) ctx.json(lin);
        else {
          ctx.out(`version ${v.number} ${v.id}: ${v.rowCount} rows, content ${v.contentHash}`);
          ctx.out(`parent: ${lin.parent ? `${lin.parent.number} ${lin.parent.id}` : '-'}`);
          if (lin.diffFromParent) ctx.out(`since parent: +${lin.diffFromParent.added} -${lin.diffFromParent.removed} ~${lin.diffFromParent.changed}`);
          ctx.out(`sources: ${JSON.stringify(lin.bySource)}; labels: ${JSON.stringify(lin.byLabel)}`);
          ctx.out(`runs: ${lin.runs.count}; imports: ${lin.imports.map((i) => `${i.fileName} (${i.rows})`).join(', ') || '-'}; label events: ${lin.labels.count}`);
        }
      });
    });

  data
    .command('quality')
    .description('Quality dimensions per dataset (and per example with --examples); threshold decides what optimizers may use')
    .option('--signature <name>', 'the dataset (a DSPy step\'s name)')
    .option('--workflow <file>', 'with --step: the dataset of this workflow\'s step')
    .option('--step <name>', 'with --workflow: the DSPy step')
    .option('--version <id>', 'score a version instead of the live examples')
    .option('--threshold <x>', 'quality threshold 0..1 (default: training_data.quality_threshold)')
    .option('--examples', 'include per-example scores')
    .option('--json', 'print JSON')
    .action(async (o: DatasetArgs & { version?: string; threshold?: string; examples?: boolean; json?: boolean }) => {
      const threshold = o.threshold === undefined ? undefined : usage(z.coerce.number().min(0).max(1), o.threshold, '--threshold (0..1)');
      await withStore(ctx, async (td) => {
        const q = td.quality(await datasetName(td, o), { version: o.version, threshold, perExample: o.examples });
        const out: Partial<DatasetQuality> & { bias: BiasReport } = { ...q };
        if (!o.examples) delete out.perExample;
        if (o.json) ctx.json(out);
        else {
          ctx.out(`${q.examples} examples; overall ${fmt(q.overall)}; usable ${q.usable} (threshold ${q.threshold}); rejected ${q.rejected}; below threshold ${q.belowThreshold}; conflicts ${q.conflicts}; near-duplicate pairs ${q.nearDuplicatePairs.length}`);
          if (q.sample) ctx.out(`estimated from a uniform sample of ${q.sample.size} of ${q.sample.of} examples (± 95% interval; ${q.sample.withinSample.join(', ')} within the sample only)`);
          for (const [k, v] of Object.entries(q.dimensions)) {
            const key = k as keyof typeof q.notMeasurable;
            const iv = q.sample?.intervals[key];
            ctx.out(`  ${k.padEnd(13)} ${fmt(v)}${iv !== undefined && v !== null ? ` ± ${fmt(iv)}` : ''}${v === null && q.notMeasurable[key] ? `  (${q.notMeasurable[key]})` : ''}`);
          }
          for (const e of q.perExample ?? []) ctx.out(`  ${e.id}\t${fmt(e.score)}\t${e.usable ? 'usable' : e.reasons.join('; ')}`);
        }
      });
    });

  data
    .command('bias')
    .description('Bias report: class balance, length bias, topic, sentiment and temporal skew (when bias_detection is on)')
    .option('--signature <name>', 'the dataset (a DSPy step\'s name)')
    .option('--workflow <file>', 'with --step: the dataset of this workflow\'s step')
    .option('--step <name>', 'with --workflow: the DSPy step')
    .option('--version <id>', 'a version instead of the live examples')
    .option('--json', 'print JSON')
    .action(async (o: DatasetArgs & { version?: string; json?: boolean }) => {
      await withStore(ctx, async (td) => {
        const b = td.bias(await datasetName(td, o), o.version);
        if (o.json) ctx.json(b);
        else if (!b.enabled) ctx.out('bias detection is off (training_data.bias_detection: false)');
        else {
          ctx.out(`${b.examples} examples; bias ${fmt(b.score)} (${b.severity})${b.sample ? `; estimated from a uniform sample of ${b.sample.size} (± 95% interval)` : ''}`);
          for (const d of b.dimensions) ctx.out(`  ${d.dimension.padEnd(15)} ${d.measurable ? `${fmt(d.score)}${d.interval !== undefined ? ` ± ${fmt(d.interval)}` : ''} ${d.severity.padEnd(6)}` : 'n/a         '} ${d.finding}`);
        }
      });
    });

  data
    .command('config')
    .description('Show or change training_data settings (audited as config.change)')
    .option('--set <key=value>', 'set a key (value read as JSON, else as text); repeatable', collect, [])
    .option('--by <who>', 'who changes it', process.env.USER || 'cli')
    .option('--json', 'print JSON')
    .action(async (o: { set: string[]; by: string; json?: boolean }) => {
      const patch: Record<string, unknown> = {};
      for (const pair of o.set) {
        const at = pair.indexOf('=');
        if (at <= 0) throw new UsageError(`--set ${pair}: expected key=value`);
        const raw = pair.slice(at + 1);
        let value: unknown = raw;
        try {
          value = JSON.parse(raw);
        } catch {
          /* text */
        }
        patch[pair.slice(0, at)] = value;
      }
      await withStore(ctx, async (td) => {
        let s = td.settings;
        if (o.set.length) {
          try {
            s = td.updateSettings(patch as any, o.by);
          } catch (err) {
            throw new UsageError((err as Error).message);
          }
        }
        if (o.json) ctx.json(s);
        else for (const [k, v] of Object.entries(s)) ctx.out(`${k}: ${JSON.stringify(v)}`);
      });
    });
}
