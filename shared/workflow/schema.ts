import { z } from 'zod';

// Loose objects everywhere: pipeline_ex files carry keys its runtime ignores, and we keep them.

const str = (description: string) => z.string().describe(description);
const bool = (description: string) => z.boolean().describe(description);
const posInt = (description: string) => z.number().int().positive().describe(description);

export const staticPartSchema = z.looseObject({
  type: z.literal('static'),
  content: str('Text inserted verbatim; may contain {{...}} templates.'),
}).describe('Literal text.');

export const filePartSchema = z.looseObject({
  type: z.literal('file'),
  path: str('File whose content is inserted.'),
}).describe('Content of a file.');

export const previousResponsePartSchema = z.looseObject({
  type: z.literal('previous_response'),
  step: str('Name of an earlier step whose result is inserted.'),
  extract: str('Dotted path into the step result, e.g. `testing.coverage`.').optional(),
  extract_with: z.literal('content_extractor').describe('Run the content extractor on the result.').optional(),
  summary: bool('Insert a summary instead of the full result.').optional(),
  max_length: posInt('Truncate the inserted text to this many characters.').optional(),
}).describe("Another step's result.");

export const sessionContextPartSchema = z.looseObject({
  type: z.literal('session_context'),
  session_id: str('Claude session whose history is inserted.'),
  include_last_n: posInt('How many recent turns to include.').optional(),
}).describe("A Claude session's history.");

export const claudeContinuePartSchema = z.looseObject({
  type: z.literal('claude_continue'),
  session_id: str('Claude session to continue.'),
  new_prompt: str('Prompt sent in the continued session.').optional(),
}).describe('Continue a Claude session.');

export const promptPartSchema = z.discriminatedUnion('type', [
  staticPartSchema,
  filePartSchema,
  previousResponsePartSchema,
  sessionContextPartSchema,
  claudeContinuePartSchema,
]);
export type PromptPart = z.infer<typeof promptPartSchema>;
export const PROMPT_PART_TYPES = ['static', 'file', 'previous_response', 'session_context', 'claude_continue'] as const;

export const promptSchema = z.array(promptPartSchema).describe('The prompt: a list of parts, concatenated in order.');

export type Condition = string | Condition[] | { and: Condition[] } | { or: Condition[] } | { not: Condition };
export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.string().describe('Expression such as `step.field > 3` or `step.success`.'),
    z.array(conditionSchema).describe('All conditions must hold.'),
    z.object({ and: z.array(conditionSchema) }),
    z.object({ or: z.array(conditionSchema) }),
    z.object({ not: conditionSchema }),
  ]),
).describe('Run the step only when this holds.');

export const claudeOptionsSchema = z.looseObject({
  max_turns: posInt('Maximum conversation turns.').optional(),
  allowed_tools: z.array(z.string()).describe('Tools Claude may use.').optional(),
  disallowed_tools: z.array(z.string()).describe('Tools Claude may not use.').optional(),
  system_prompt: str('Replaces the system prompt.').optional(),
  append_system_prompt: str('Appended to the system prompt.').optional(),
  verbose: bool('Verbose logging.').optional(),
  output_format: z.enum(['text', 'json', 'stream_json']).describe('Output format of the Claude SDK.').optional(),
  cwd: str('Working directory for tools.').optional(),
  print: bool('Print mode.').optional(),
  timeout_ms: posInt('Timeout in milliseconds.').optional(),
  debug_mode: bool('Debug output.').optional(),
  telemetry_enabled: bool('Send telemetry.').optional(),
  cost_tracking: bool('Track cost.').optional(),
}).describe('Options passed to the Claude Code SDK.');

export const tokenBudgetSchema = z.looseObject({
  max_output_tokens: posInt('Maximum output tokens.').optional(),
  max_input_tokens: posInt('Maximum input tokens.').optional(),
  temperature: z.number().min(0).max(2).describe('Sampling temperature.').optional(),
  top_p: z.number().min(0).max(1).describe('Nucleus sampling.').optional(),
  top_k: posInt('Top-k sampling.').optional(),
}).describe('Gemini generation limits.');

/** Keys every step accepts. */
export const stepBaseShape = {
  name: str('Unique step name; other steps refer to it.'),
  type: str('Step type.'),
  condition: conditionSchema.optional(),
  output_to_file: str('Write the result to this file in the output directory.').optional(),
  description: str('Free text.').optional(),
};

/** A step of any type as found in a file: name and type plus whatever keys it carries. */
export const anyStepSchema = z.looseObject({ name: z.string().optional(), type: z.string().optional() });
export type AnyStep = z.infer<typeof anyStepSchema>;
const nestedSteps = z.array(anyStepSchema).describe('Steps run inside this step.');

const claudeShape = {
  ...stepBaseShape,
  prompt: promptSchema,
  role: str('Free label such as `brain` or `muscle`.').optional(),
  model: str('Model override.').optional(),
  claude_options: claudeOptionsSchema.optional(),
};
const presetSchema = z.enum(['development', 'production', 'analysis', 'chat', 'test']).describe('OptionBuilder preset.');
const geminiShape = {
  ...stepBaseShape,
  prompt: promptSchema,
  role: str('Free label such as `brain` or `muscle`.').optional(),
  model: str('Gemini model override.').optional(),
  token_budget: tokenBudgetSchema.optional(),
  functions: z.array(z.string()).describe('Names of workflow gemini_functions the model may call.').optional(),
};

export const claudeStepSchema = z.looseObject({ ...claudeShape, type: z.literal('claude') });
export const geminiStepSchema = z.looseObject({ ...geminiShape, type: z.literal('gemini') });
export const geminiInstructorStepSchema = z.looseObject({
  ...geminiShape,
  type: z.literal('gemini_instructor'),
  response_model: z.record(z.string(), z.unknown()).describe('Structured output model.').optional(),
});
export const parallelClaudeStepSchema = z.looseObject({
  ...stepBaseShape,
  type: z.literal('parallel_claude'),
  parallel_tasks: z.array(z.looseObject({
    id: str('Task id.'),
    prompt: promptSchema,
    claude_options: claudeOptionsSchema.optional(),
    output_to_file: str('Write this task result to a file.').optional(),
  })).describe('Tasks run in parallel, each with its own prompt.'),
});
export const claudeSmartStepSchema = z.looseObject({
  ...claudeShape,
  type: z.literal('claude_smart'),
  preset: presetSchema.optional(),
  environment_aware: bool('Pick options from the environment mode.').optional(),
});
export const claudeSessionStepSchema = z.looseObject({
  ...claudeShape,
  type: z.literal('claude_session'),
  preset: presetSchema.optional(),
  session_config: z.looseObject({
    persist: bool('Keep the session across runs.').optional(),
    session_name: str('Name shared by steps of one session.').optional(),
    continue_on_restart: bool('Resume after a restart.').optional(),
    checkpoint_frequency: posInt('Checkpoint every N interactions.').optional(),
    description: str('Free text.').optional(),
  }).describe('Session settings.').optional(),
});
export const claudeExtractStepSchema = z.looseObject({
  ...claudeShape,
  type: z.literal('claude_extract'),
  preset: presetSchema.optional(),
  extraction_config: z.looseObject({
    use_content_extractor: bool('Use the content extractor.').optional(),
    format: z.enum(['text', 'json', 'structured', 'summary', 'markdown']).describe('Extraction format.').optional(),
    post_processing: z.array(z.string()).describe('Post-processing passes.').optional(),
    max_summary_length: posInt('Maximum summary length.').optional(),
    include_metadata: bool('Include metadata.').optional(),
  }).describe('Extraction settings.').optional(),
});
export const claudeBatchStepSchema = z.looseObject({
  ...claudeShape,
  type: z.literal('claude_batch'),
  prompt: promptSchema.optional(),
  preset: presetSchema.optional(),
  batch_config: z.looseObject({
    max_parallel: posInt('Tasks run at once.').optional(),
    timeout_per_task: posInt('Timeout per task in ms.').optional(),
    consolidate_results: bool('Combine all results.').optional(),
  }).describe('Batch settings.').optional(),
  tasks: z.array(z.looseObject({
    task_id: str('Task id.').optional(),
    prompt: promptSchema.optional(),
    file: str('File processed by this task.').optional(),
  })).describe('Tasks; each has a prompt or a file.').optional(),
});
export const claudeRobustStepSchema = z.looseObject({
  ...claudeShape,
  type: z.literal('claude_robust'),
  preset: presetSchema.optional(),
  retry_config: z.looseObject({
    max_retries: z.number().int().min(0).describe('Retries after the first attempt.').optional(),
    backoff_strategy: z.enum(['linear', 'exponential']).describe('Delay growth between retries.').optional(),
    retry_conditions: z.array(z.string()).describe('Errors that trigger a retry.').optional(),
    fallback_action: str('graceful_degradation, cached_response, simplified_prompt or emergency_response.').optional(),
  }).describe('Retry and fallback settings.').optional(),
});
export const forLoopStepSchema = z.looseObject({
  ...stepBaseShape,
  type: z.literal('for_loop'),
  iterator: str('Loop variable, read as {{loop.NAME}}.'),
  data_source: str('List to iterate, e.g. `previous_response:step:field`.'),
  steps: nestedSteps,
  parallel: bool('Run iterations in parallel.').optional(),
  max_parallel: posInt('Parallel iterations at once.').optional(),
  batch_size: posInt('Items per batch.').optional(),
});
export const whileLoopStepSchema = z.looseObject({
  ...stepBaseShape,
  type: z.literal('while_loop'),
  condition: conditionSchema,
  max_iterations: posInt('Upper bound on iterations.').optional(),
  steps: nestedSteps,
});
export const dataTransformStepSchema = z.looseObject({
  ...stepBaseShape,
  type: z.literal('data_transform'),
  input_source: str('Data to transform, e.g. `previous_response:step.field`.'),
  operations: z.array(z.looseObject({
    operation: z.enum(['filter', 'map', 'aggregate', 'join', 'group_by', 'sort']).describe('Operation.'),
    field: str('Field the operation reads.').optional(),
    condition: str('Filter expression.').optional(),
  })).describe('Operations applied in order.'),
  output_field: str('Variable receiving the result.').optional(),
});
export const fileOpsStepSchema = z.looseObject({
  ...stepBaseShape,
  type: z.literal('file_ops'),
  operation: str('copy, move, delete, validate, list, convert, stream_copy, stream_process...'),
  source: z.union([z.string(), z.array(z.string())]).describe('Source path(s).').optional(),
  destination: str('Destination path.').optional(),
  files: z.array(z.unknown()).describe('Files for validate.').optional(),
  format: str('Target format for convert.').optional(),
});
export const setVariableStepSchema = z.looseObject({
  ...stepBaseShape,
  type: z.literal('set_variable'),
  variable: str('Variable to set, read as {{state.NAME}}.').optional(),
  value: z.unknown().describe('Value to assign.').optional(),
  variables: z.record(z.string(), z.unknown()).describe('Several variables at once.').optional(),
  scope: z.enum(['global', 'session', 'loop']).describe('Variable scope.').optional(),
});
export const pipelineStepSchema = z.looseObject({
  ...stepBaseShape,
  type: z.literal('pipeline'),
  pipeline_file: str('Path of the nested pipeline file.').optional(),
  pipeline_ref: str('Registered pipeline name.').optional(),
  pipeline: z.looseObject({ name: z.string().optional(), steps: nestedSteps.optional() }).describe('Inline pipeline.').optional(),
  inputs: z.record(z.string(), z.unknown()).describe('Inputs passed to the nested pipeline, read there as {{inputs.NAME}}.').optional(),
  outputs: z.array(z.unknown()).describe('Results extracted from the nested pipeline.').optional(),
  config: z.record(z.string(), z.unknown()).describe('Nested execution settings.').optional(),
});

export const geminiFunctionSchema = z.looseObject({
  description: str('What the function does.'),
  parameters: z.record(z.string(), z.unknown()).describe('JSON Schema of the arguments.'),
});

/** Workflow keys pipeline_ex reads. DSPy adds dspy_config and dspy_signatures (see shared/dspy). */
export const workflowShape = {
  name: str('Workflow name.'),
  description: str('Free text.').optional(),
  steps: z.array(anyStepSchema).describe('Steps, run in order.'),
  workspace_dir: str('Working directory for Claude steps.').optional(),
  checkpoint_enabled: bool('Save checkpoints between steps.').optional(),
  checkpoint_dir: str('Where checkpoints go.').optional(),
  defaults: z.looseObject({
    gemini_model: str('Default Gemini model.').optional(),
    gemini_token_budget: tokenBudgetSchema.optional(),
    claude_options: claudeOptionsSchema.optional(),
    claude_output_format: z.enum(['text', 'json', 'stream_json']).describe('Default Claude output format.').optional(),
    claude_preset: presetSchema.optional(),
    output_dir: str('Where output_to_file writes.').optional(),
  }).describe('Defaults applied to every step.').optional(),
  gemini_functions: z.record(z.string(), geminiFunctionSchema).describe('Functions Gemini steps may call, by name.').optional(),
  global_vars: z.record(z.string(), z.unknown()).describe('Variables read as {{global_vars.NAME}}.').optional(),
  environment: z.looseObject({
    mode: z.enum(['development', 'production', 'test']).describe('Environment mode.').optional(),
    debug_level: z.enum(['basic', 'detailed', 'performance']).describe('Debug level.').optional(),
  }).describe('Environment settings.').optional(),
};
