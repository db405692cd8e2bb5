/** A workflow file and one of its DSPy steps, for the commands that work on a step. */
import { readFile } from 'node:fs/promises';
import { parseYamlValue } from '../../shared/yaml/bounds';
import { validateWorkflow } from '../core/workflow-validation';
import type { PluginEntry } from '../core/plugins/plugin-manager';
import { UsageError } from './context';

export interface LoadedWorkflow {
  file: string;
  workflow: Record<string, unknown>;
  plugins?: Record<string, PluginEntry>;
}

export async function loadWorkflow(file: string): Promise<LoadedWorkflow> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const result = await validateWorkflow(text);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (!result.model || errors.length) {
    throw new Error(`${file} is ${result.verdict}: ${errors.slice(0, 5).map((d) => `${d.line}:${d.column} ${d.message}`).join('; ')}`);
  }
  const root = parseYamlValue(text, file) as Record<string, unknown>;
  return { file, workflow: result.model as Record<string, unknown>, plugins: root.plugins as Record<string, PluginEntry> | undefined };
}

export function findStep(workflow: Record<string, unknown>, name: string): Record<string, unknown> {
  const steps = (workflow.steps as Record<string, unknown>[]) ?? [];
  const step = steps.find((s) => s.name === name);
  if (!step) throw new UsageError(`no step named ${name}; steps: ${steps.map((s) => String(s.name)).join(', ')}`);
  if (!String(step.type).startsWith('dspy_')) throw new UsageError(`step ${name} is a ${String(step.type)} step: only dspy_* steps have a DSPy program`);
  return step;
}

