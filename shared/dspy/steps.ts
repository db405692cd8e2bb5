import { z } from 'zod';
import { formatPath, type Diagnostic, type PathSegment } from '../workflow/diagnostic';
import type { StepTypeDefinition, StepValidationContext } from '../workflow/catalog';
import { promptSchema, stepBaseShape } from '../workflow/schema';
import { promptProblems } from '../workflow/rules';
import { dspyConfigSchema } from './config';
import { IDENTIFIER_RE, jsonSchemaProblems, resolveSignature, signatureSpecSchema, type SignatureSpec } from './signature';

const dspyShape = {
  ...stepBaseShape,
  prompt: promptSchema.describe('Prompt for traditional execution (the fallback), or instead of a signature.').optional(),
  dspy_signature: signatureSpecSchema.optional(),
  dspy_config: dspyConfigSchema.optional(),
  model: z.string().describe('Model override.').optional(),
};

export const dspyClaudeStepSchema = z.looseObject({ ...dspyShape, type: z.literal('dspy_claude'), claude_options: z.record(z.string(), z.unknown()).describe('Options for the Claude provider.').optional() });
export const dspyGeminiStepSchema = z.looseObject({ ...dspyShape, type: z.literal('dspy_gemini'), token_budget: z.record(z.string(), z.unknown()).describe('Gemini generation limits.').optional() });
export const dspyChainStepSchema = z.looseObject({ ...dspyShape, type: z.literal('dspy_chain') });
export const dspyEvaluationStepSchema = z.looseObject({
  ...dspyShape,
  type: z.literal('dspy_evaluation'),
  target_step: z.string().describe('Step whose outputs are evaluated and collected as training data.').optional(),
  metric: z.string().describe('Metric name, e.g. exact_match.').optional(),
  dataset: z.string().describe('Dataset (training data version) to evaluate on.').optional(),
});

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Errors in a signature spec beyond its shape: identifiers, uniqueness, array items, JSON schemas. */
export function signatureProblems(sig: unknown, ctx: StepValidationContext, at: PathSegment[], requireBoth: boolean): Diagnostic[] {
  if (!isMap(sig)) return [ctx.diag('error', 'dspy_signature must be a map with input_fields and output_fields', at)];
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const side of ['input_fields', 'output_fields'] as const) {
    const fields = sig[side];
    if (fields === undefined) {
      if (requireBoth) out.push(ctx.diag('error', `signature needs at least one field in ${side}`, at));
      continue;
    }
    if (!Array.isArray(fields)) {
      out.push(ctx.diag('error', `${side} must be a list of fields`, [...at, side]));
      continue;
    }
    if (requireBoth && fields.length === 0) out.push(ctx.diag('error', `signature needs at least one field in ${side}`, [...at, side]));
    fields.forEach((f, i) => {
      const fp = [...at, side, i];
      if (!isMap(f)) return void out.push(ctx.diag('error', 'a field must be a map with name and type', fp));
      if (typeof f.name !== 'string' || !IDENTIFIER_RE.test(f.name)) {
        out.push(ctx.diag('error', `field name must be an identifier (letters, digits, _; got ${JSON.stringify(f.name ?? null)})`, [...fp, 'name']));
      } else if (seen.has(f.name)) {
        out.push(ctx.diag('error', `field name '${f.name}' is used twice in this signature`, [...fp, 'name']));
      } else seen.add(f.name);
      if (f.schema !== undefined) {
        for (const [rel, msg] of jsonSchemaProblems(f.schema)) out.push(ctx.diag('error', `schema: ${msg}`, [...fp, 'schema', ...rel]));
      }
    });
  }
  return out;
}

/** zod issues of the DSPy keys as errors: these are the plugin's own rules. */
function shapeProblems(step: Record<string, unknown>, ctx: StepValidationContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const key of ['dspy_signature', 'dspy_config'] as const) {
    if (step[key] === undefined) continue;
    const schema = key === 'dspy_config' ? dspyConfigSchema : signatureSpecSchema;
    const res = schema.safeParse(step[key]);
    if (!res.success) {
      for (const issue of res.error.issues) {
        // signatureProblems reports names, field lists and JSON schemas with clearer messages.
        const p = issue.path;
        if (key === 'dspy_signature' && (p.length <= 2 || p.at(-1) === 'name' || p.includes('schema'))) continue;
        out.push(ctx.diag('error', `${key}.${formatPath(p as PathSegment[])}: ${issue.message}`, [key, ...(p as PathSegment[])]));
      }
    }
  }
  return out;
}

const predictStep: StepTypeDefinition['validate'] = (step, ctx) => {
  const out = shapeProblems(step, ctx);
  if (step.prompt !== undefined) out.push(...promptProblems(step.prompt, ctx));
  if (step.dspy_signature !== undefined) out.push(...signatureProblems(step.dspy_signature, ctx, ['dspy_signature'], step.prompt === undefined));
  else if (step.prompt === undefined) out.push(ctx.diag('error', `${String(step.type)} step needs a dspy_signature (at least one input and one output field) or a prompt`, []));
  return out;
};

/** The chain's links resolved in order; unresolvable links are left out. */
export function chainSignatures(step: Record<string, unknown>, declared: Record<string, unknown> | undefined): { name: string; spec: SignatureSpec; source: 'declared' | 'convention' }[] {
  const cfg = step.dspy_config;
  const links = isMap(cfg) && Array.isArray(cfg.chain_steps) ? cfg.chain_steps : [];
  const out: { name: string; spec: SignatureSpec; source: 'declared' | 'convention' }[] = [];
  for (const link of links) {
    if (!isMap(link) || typeof link.signature !== 'string') continue;
    const r = resolveSignature(link.signature, declared);
    if (r.source !== 'unresolved') out.push({ name: link.signature, spec: r.spec, source: r.source });
  }
  return out;
}

const chainStep: StepTypeDefinition['validate'] = (step, ctx) => {
  const out = shapeProblems(step, ctx);
  const cfg = step.dspy_config;
  const links = isMap(cfg) ? cfg.chain_steps : undefined;
  if (!Array.isArray(links) || links.length === 0) {
    out.push(ctx.diag('error', 'dspy_chain step needs dspy_config.chain_steps: a non-empty list of {signature: NAME}', isMap(cfg) ? ['dspy_config'] : []));
    return out;
  }
  const declared = isMap(ctx.workflow.dspy_signatures) ? ctx.workflow.dspy_signatures : undefined;
  let previous: SignatureSpec | undefined;
  links.forEach((link, i) => {
    const lp: PathSegment[] = ['dspy_config', 'chain_steps', i, 'signature'];
    if (!isMap(link) || typeof link.signature !== 'string') return;
    const r = resolveSignature(link.signature, declared);
    if (r.source === 'unresolved') {
      const why = declared?.[link.signature] !== undefined ? 'its declaration under dspy_signatures is not a valid signature' : 'it is not declared under dspy_signatures and does not follow <inputs>_to_<outputs>';
      out.push(ctx.diag('error', `chain signature '${link.signature}' cannot be resolved: ${why}`, lp));
      previous = undefined;
      return;
    }
    if (r.source === 'convention') {
      const ins = r.spec.input_fields.map((f) => f.name).join(', ');
      const outs = r.spec.output_fields.map((f) => f.name).join(', ');
      out.push(ctx.diag('warning', `signature '${link.signature}' is read from its name (inputs: ${ins}; outputs: ${outs}; all strings); declare it under workflow dspy_signatures to give types and descriptions`, lp));
    }
    if (previous) {
      const produced = new Set(previous.output_fields.map((f) => f.name));
      const missing = r.spec.input_fields.filter((f) => !produced.has(f.name)).map((f) => f.name);
      if (missing.length > 0) out.push(ctx.diag('warning', `chain link '${link.signature}' reads ${missing.join(', ')}, which the previous link does not produce`, lp));
    }
    previous = r.spec;
  });
  return out;
};

const evaluationStep: StepTypeDefinition['validate'] = (step, ctx) => {
  const out = shapeProblems(step, ctx);
  if (typeof step.target_step === 'string' && !ctx.stepNames.has(step.target_step)) {
    out.push(ctx.diag('error', `target_step '${step.target_step}' names no step`, ['target_step']));
  }
  if (step.dspy_signature !== undefined) out.push(...signatureProblems(step.dspy_signature, ctx, ['dspy_signature'], true));
  return out;
};

export const dspyStepTypes: StepTypeDefinition[] = [
  { type: 'dspy_claude', family: 'dspy', label: 'DSPy Claude', description: 'Claude through an optimizable DSPy program; falls back to the plain prompt.', schema: dspyClaudeStepSchema, requiresPrompt: false, validate: predictStep },
  { type: 'dspy_gemini', family: 'dspy', label: 'DSPy Gemini', description: 'Gemini through an optimizable DSPy program; falls back to the plain prompt.', schema: dspyGeminiStepSchema, requiresPrompt: false, validate: predictStep },
  { type: 'dspy_chain', family: 'dspy', label: 'DSPy Chain', description: 'Several signatures run in order as one DSPy module.', schema: dspyChainStepSchema, requiresPrompt: false, validate: chainStep },
  { type: 'dspy_evaluation', family: 'dspy', label: 'DSPy Evaluation', description: "Evaluates a step's outputs and collects training data.", schema: dspyEvaluationStepSchema, requiresPrompt: false, validate: evaluationStep },
];

/** Workflow-level keys the DSPy plugin adds. */
export const dspyWorkflowShape = {
  dspy_config: dspyConfigSchema.optional(),
  dspy_signatures: z.record(z.string(), signatureSpecSchema).describe('Named signatures, referenced by dspy_chain chain_steps.').optional(),
};
