/** Workflow validation for the API: shared's validator with the plugin catalog (pipeline_ex + DSPy step types). */
import { validateWorkflowText } from '../../../shared/yaml/validate';
import { pipelineExStepTypes } from '../../../shared/workflow/catalog';
import { dspyStepTypes } from '../../../shared/dspy/steps';
import type { ApiDiagnostic } from '../../../shared/api/index';

const catalog = [...pipelineExStepTypes, ...dspyStepTypes];

export function validateText(text: string): { ok: boolean; diagnostics: ApiDiagnostic[] } {
  const result = validateWorkflowText(text, catalog);
  const diagnostics: ApiDiagnostic[] = result.diagnostics.map((d) => ({ severity: d.severity, message: d.message, path: d.path, line: d.line, column: d.column }));
  return { ok: result.verdict === 'valid', diagnostics };
}
