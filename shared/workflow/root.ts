import { z } from 'zod';
import { workflowShape } from './schema';
import { dspyWorkflowShape } from '../dspy/steps';
import { dspyPluginBlockSchema } from '../plugin-config/schema';

/** The `workflow:` map: pipeline_ex's keys plus the DSPy plugin's. Steps are kept as found; the validator checks them by type. */
export const workflowSchema = z.looseObject({ ...workflowShape, ...dspyWorkflowShape }).describe('A pipeline_ex workflow.');
export type Workflow = z.infer<typeof workflowSchema>;

export const pluginsSchema = z.looseObject({ dspy_plugin: dspyPluginBlockSchema.optional() }).describe('Plugin configuration, by plugin name.');

/** A workflow file: `workflow:` plus an optional `plugins:` block. */
export const workflowFileSchema = z.looseObject({ workflow: workflowSchema, plugins: pluginsSchema.optional() });
export type WorkflowFile = z.infer<typeof workflowFileSchema>;
