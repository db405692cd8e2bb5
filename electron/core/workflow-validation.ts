import type { PathSegment } from '../../shared/workflow/diagnostic';
import { parseWorkflowDocument, positionOf } from '../../shared/yaml/document';
import { validateWorkflowText, type ValidationResult } from '../../shared/yaml/validate';
import { createPluginHost, type PluginHost } from './plugin-host';
import type { PluginEntry } from './plugins/plugin-manager';

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Validates a workflow against the step types the plugins register. A file with its own
 * `plugins:` block is checked with those plugins loaded; a plugin that fails to load is reported
 * at its block unless the validator already flagged that block.
 */
export async function validateWorkflow(text: string, defaultHost?: PluginHost): Promise<ValidationResult> {
  const parsed = parseWorkflowDocument(text);
  const block = parsed.ok && isMap(parsed.value) && isMap(parsed.value.plugins) ? (parsed.value.plugins as Record<string, PluginEntry>) : undefined;
  const host =
    block === undefined
      ? (defaultHost ?? (await createPluginHost()))
      : await createPluginHost({
          plugins: Object.fromEntries(Object.entries(block).map(([k, v]) => [k, isMap(v) ? v : {}])),
          positionOf: (name) => (path) => positionOf(parsed, ['plugins', name, 'config', ...(path as PathSegment[])]),
        });
  const result = validateWorkflowText(text, host.steps.catalog());
  for (const status of host.plugins.status()) {
    if (status.state !== 'failed' || block === undefined) continue;
    const prefix = `plugins.${status.name}`;
    if (result.diagnostics.some((d) => d.severity === 'error' && d.path.startsWith(prefix))) continue;
    result.diagnostics.push({ severity: 'error', message: `plugin ${status.name} failed to load: ${status.error}`, path: prefix, ...positionOf(parsed, ['plugins', status.name], true) });
    result.verdict = result.verdict === 'valid' ? 'invalid' : result.verdict;
  }
  return result;
}
