import { z } from 'zod';
import { pipelineExStepTypes, type StepTypeDefinition } from './catalog';
import { workflowShape } from './schema';
import { dspyStepTypes, dspyWorkflowShape } from '../dspy/steps';
import { pluginsSchema } from './root';

/** JSON Schema (draft-07, for monaco-yaml) of a workflow file whose steps are the catalog's types. */
export function workflowJsonSchema(catalog: StepTypeDefinition[] = [...pipelineExStepTypes, ...dspyStepTypes]): Record<string, unknown> {
  const step = catalog.length >= 2
    ? z.union(catalog.map((d) => d.schema.describe(`${d.label}: ${d.description}`)) as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]])
    : catalog[0]?.schema ?? z.looseObject({});
  const workflow = z.looseObject({
    ...workflowShape,
    ...dspyWorkflowShape,
    steps: z.array(step).min(1).describe('Steps, run in order.'),
  }).describe('A pipeline_ex workflow.');
  const file = z.looseObject({ workflow, plugins: pluginsSchema.optional() }).describe('pipeline_ex workflow file');
  return z.toJSONSchema(file, { target: 'draft-7', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
