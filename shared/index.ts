import { pipelineExStepTypes, type StepTypeDefinition } from './workflow/catalog';
import { dspyStepTypes } from './dspy/steps';

export * from './workflow/diagnostic';
export * from './workflow/templates';
export * from './workflow/schema';
export * from './workflow/catalog';
export * from './workflow/rules';
export * from './workflow/root';
export * from './dspy/signature';
export * from './dspy/config';
export * from './dspy/steps';
export * from './plugin-config/schema';
export * from './yaml/document';
export * from './yaml/validate';

/** pipeline_ex's 15 step types and the DSPy plugin's 4. */
export const allStepTypes: StepTypeDefinition[] = [...pipelineExStepTypes, ...dspyStepTypes];
export * from './workflow/json-schema';
export * from './graph/graph';
export * from './graph/layout';
export * from './yaml/editor';
