import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { z } from 'zod';
import { workflowToGraph } from '../../../shared/graph/graph';
import { createPluginHost } from '../../core/plugin-host';
import { validateWorkflow } from '../../core/workflow-validation';
import { UsageError, type CliContext } from '../context';

const filesArg = z.array(z.string().min(1)).min(1, 'validate needs at least one file');

async function readWorkflowFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** validate, plugins, graph: the workflow commands. */
export function registerWorkflowCommands(program: Command, ctx: CliContext): void {
  program
    .command('validate')
    .description("check workflows with pipeline_ex's rules and the DSPy plugin's (exit 0 valid, 1 invalid, 2 usage)")
    .argument('<files...>', 'workflow YAML files')
    .option('--json', 'print a JSON array of {file, verdict, diagnostics}')
    .action(async (files: string[], opts: { json?: boolean }) => {
      const parsed = filesArg.safeParse(files);
      if (!parsed.success) throw new UsageError(parsed.error.issues[0].message);
      const host = await createPluginHost();
      const reports = [];
      for (const file of parsed.data) {
        const { verdict, diagnostics } = await validateWorkflow(await readWorkflowFile(file), host);
        reports.push({ file, verdict, diagnostics });
        if (verdict !== 'valid') ctx.setExitCode(1);
      }
      if (opts.json) return ctx.json(reports);
      for (const r of reports) {
        ctx.out(`${r.file}: ${r.verdict}`);
        for (const d of r.diagnostics) ctx.out(`  ${r.file}:${d.line}:${d.column} ${d.severity} ${d.message}${d.path ? ` (${d.path})` : ''}`);
      }
    });

  program
    .command('plugins')
    .description('list loaded plugins with status, and the registered step types, providers and schema extensions')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const host = await createPluginHost();
      const report = {
        plugins: host.plugins.status(),
        health: await host.plugins.health(),
        step_types: host.steps.list().map((s) => ({ type: s.definition.type, family: s.definition.family, owner: s.owner, implementation: s.implementation })),
        providers: host.providers.list().map((p) => ({ name: p.name, capabilities: p.capabilities, owner: p.owner, implementation: p.implementation })),
        schema_extensions: host.config.list(),
      };
      if (opts.json) return ctx.json(report);
      for (const p of report.plugins) {
        ctx.out(`${p.name} ${p.version ?? ''} [${p.state}]${p.error ? `: ${p.error}` : ''}`);
        ctx.out(`  step types: ${p.registrations.stepTypes.join(', ')}`);
        ctx.out(`  providers: ${p.registrations.providers.map((x) => `${x.name} [${x.capabilities.join(', ')}]`).join(', ')}`);
        ctx.out(`  schema extensions: ${p.registrations.schemaExtensions.join(', ')}`);
      }
      ctx.out(`pipeline_ex step types: ${host.steps.list('pipeline_ex').map((s) => s.definition.type).join(', ')}`);
    });

  program
    .command('graph')
    .description('print the canvas model (nodes and edges) of a workflow')
    .argument('<file>', 'workflow YAML file')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      const result = await validateWorkflow(await readWorkflowFile(file));
      if (!result.model) {
        ctx.setExitCode(1);
        const first = result.diagnostics.find((d) => d.severity === 'error');
        ctx.err(`${file}: ${result.verdict}${first ? ` at ${first.line}:${first.column}: ${first.message}` : ''}`);
        return;
      }
      const graph = workflowToGraph(result.model, result.diagnostics);
      if (opts.json) return ctx.json(graph);
      for (const n of graph.nodes) ctx.out(`${n.id} (${n.type})${n.parentId ? ` in ${n.parentId}` : ''}`);
      for (const e of graph.edges) ctx.out(`${e.source} -> ${e.target} [${e.kind}]`);
    });
}
