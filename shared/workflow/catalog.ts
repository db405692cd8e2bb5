import { z } from 'zod';
import type { Diagnostic, PathSegment, Severity } from './diagnostic';
import {
  claudeBatchStepSchema, claudeExtractStepSchema, claudeRobustStepSchema, claudeSessionStepSchema,
  claudeSmartStepSchema, claudeStepSchema, dataTransformStepSchema, fileOpsStepSchema, forLoopStepSchema,
  geminiInstructorStepSchema, geminiStepSchema, parallelClaudeStepSchema, pipelineStepSchema,
  setVariableStepSchema, whileLoopStepSchema,
} from './schema';

export type StepFamily = 'dspy' | 'claude' | 'gemini' | 'control' | 'data';

/** What a step validator sees besides the step itself. */
export interface StepValidationContext {
  /** Path of the step, e.g. `['workflow', 'steps', 2]`. */
  path: PathSegment[];
  /** Names of the top-level steps (pipeline_ex resolves references against these). */
  stepNames: ReadonlySet<string>;
  /** The raw `workflow:` map. */
  workflow: Record<string, unknown>;
  /** True for steps inside loops or inline pipelines, which pipeline_ex only checks at run time. */
  nested: boolean;
  /** Builds a diagnostic positioned at `path + rel` (at the key itself when `atKey`). */
  diag(severity: Severity, message: string, rel?: PathSegment[], atKey?: boolean): Diagnostic;
}

export interface StepTypeDefinition {
  type: string;
  family: 'dspy' | 'claude' | 'gemini' | 'control' | 'data';
  label: string;
  description: string;
  schema: z.ZodType;
  /** pipeline_ex refuses a step of this type without a `prompt` list. */
  requiresPrompt: boolean;
  validate?: (step: Record<string, unknown>, ctx: StepValidationContext) => Diagnostic[];
}

const parallelClaude: StepTypeDefinition['validate'] = (step, ctx) =>
  step.parallel_tasks == null
    ? [ctx.diag('error', "parallel_claude step needs 'parallel_tasks'", [])]
    : [];

const claudeBatch: StepTypeDefinition['validate'] = (step, ctx) =>
  step.prompt == null && step.tasks == null
    ? [ctx.diag('error', "claude_batch step needs 'prompt' or 'tasks'", [])]
    : [];

export const pipelineExStepTypes: StepTypeDefinition[] = [
  { type: 'claude', family: 'claude', label: 'Claude', description: 'Claude Code agent with tools.', schema: claudeStepSchema, requiresPrompt: true },
  { type: 'gemini', family: 'gemini', label: 'Gemini', description: 'Gemini call, optionally with function calling.', schema: geminiStepSchema, requiresPrompt: true },
  { type: 'parallel_claude', family: 'claude', label: 'Parallel Claude', description: 'Several Claude tasks run in parallel.', schema: parallelClaudeStepSchema, requiresPrompt: false, validate: parallelClaude },
  { type: 'gemini_instructor', family: 'gemini', label: 'Gemini Instructor', description: 'Gemini with structured output.', schema: geminiInstructorStepSchema, requiresPrompt: true },
  { type: 'claude_smart', family: 'claude', label: 'Claude Smart', description: 'Claude with OptionBuilder presets.', schema: claudeSmartStepSchema, requiresPrompt: true },
  { type: 'claude_session', family: 'claude', label: 'Claude Session', description: 'Claude with a persistent session.', schema: claudeSessionStepSchema, requiresPrompt: true },
  { type: 'claude_extract', family: 'claude', label: 'Claude Extract', description: 'Claude with content extraction and post-processing.', schema: claudeExtractStepSchema, requiresPrompt: true },
  { type: 'claude_batch', family: 'claude', label: 'Claude Batch', description: 'A batch of Claude tasks.', schema: claudeBatchStepSchema, requiresPrompt: false, validate: claudeBatch },
  { type: 'claude_robust', family: 'claude', label: 'Claude Robust', description: 'Claude with retries and fallbacks.', schema: claudeRobustStepSchema, requiresPrompt: true },
  { type: 'for_loop', family: 'control', label: 'For loop', description: 'Runs nested steps for each item of a list.', schema: forLoopStepSchema, requiresPrompt: false },
  { type: 'while_loop', family: 'control', label: 'While loop', description: 'Runs nested steps while a condition holds.', schema: whileLoopStepSchema, requiresPrompt: false },
  { type: 'data_transform', family: 'data', label: 'Data transform', description: 'Filter, map, join, group, aggregate or sort data.', schema: dataTransformStepSchema, requiresPrompt: false },
  { type: 'file_ops', family: 'data', label: 'File operation', description: 'Copy, move, validate or convert files.', schema: fileOpsStepSchema, requiresPrompt: false },
  { type: 'set_variable', family: 'data', label: 'Set variable', description: 'Assigns state variables.', schema: setVariableStepSchema, requiresPrompt: false },
  { type: 'pipeline', family: 'control', label: 'Pipeline', description: 'Runs a nested pipeline (file, reference or inline).', schema: pipelineStepSchema, requiresPrompt: false },
];

/** Keys a step schema declares; everything else on a step is reported as ignored. */
export function declaredKeys(schema: z.ZodType): Set<string> {
  return schema instanceof z.ZodObject ? new Set(Object.keys(schema.shape)) : new Set();
}
