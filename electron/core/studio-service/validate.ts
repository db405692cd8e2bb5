/** Workflow validation for the API: the host's one validation path (the plugins' step catalog). */
import { validateWorkflow } from '../workflow-validation';
import type { PluginHost } from '../plugin-host';
import type { ApiDiagnostic } from '../../../shared/api/index';

export async function validateText(text: string, host?: PluginHost): Promise<{ ok: boolean; diagnostics: ApiDiagnostic[] }> {
  const result = await validateWorkflow(text, host);
  const diagnostics: ApiDiagnostic[] = result.diagnostics.map((d) => ({ severity: d.severity, message: d.message, path: d.path, line: d.line, column: d.column }));
  return { ok: result.verdict === 'valid', diagnostics };
}
