import { chainSignatures } from '../../../shared/dspy/steps';
import { chainInputFields } from '../../../shared/run/inputs';
import { signatureHash, signatureSpecSchema, type SignatureSpec } from '../../../shared/dspy/signature';

export type ProgramModule = 'predict' | 'chain_of_thought';

/** What the Python runtime builds: a step program or a chain of them (docs/python-runtime.md). */
export type ProgramSpec =
  | { kind: 'step'; name: string; module: ProgramModule; signature: SignatureSpec }
  | { kind: 'chain'; name: string; steps: { kind: 'step'; name: string; module: ProgramModule; signature: SignatureSpec }[] };

export interface StepProgram {
  program: ProgramSpec;
  /** End to end: a chain's first inputs to its last outputs, with its links (so they count in the hash). */
  signature: SignatureSpec;
  /** The version of what the program computes: every change of a signature is a new hash. */
  signatureHash: string;
  inputFields: string[];
  outputFields: string[];
}

export class ProgramSpecError extends Error {}

/** A program apart from its signatures (module kinds, chain links): part of the cache and promotion keys. */
export function programShape(p: ProgramSpec): string {
  return p.kind === 'chain' ? `chain(${p.steps.map((s) => `${s.name}:${s.module}`).join(',')})` : `${p.kind}:${p.module}`;
}

/** A step with a prompt and no signature is read as prompt -> response. */
const PROMPT_SIGNATURE: SignatureSpec = signatureSpecSchema.parse({
  input_fields: [{ name: 'prompt', type: 'string', description: 'the rendered prompt' }],
  output_fields: [{ name: 'response', type: 'string', description: 'the answer' }],
});

const identifier = (name: string) => name.replace(/[^A-Za-z0-9_]+/g, '_');

/**
 * The one program builder: a signature's program as predictors of `module`, a chain of them when the
 * spec keeps its links (a dspy_chain's end-to-end signature). Steps, the engine, Compare and the CLI
 * all build programs here.
 */
export function programFromSignature(name: string, spec: unknown, module: ProgramModule = 'predict'): ProgramSpec {
  const parsed = signatureSpecSchema.parse(spec);
  const links = (parsed as Record<string, unknown>).chain;
  if (Array.isArray(links)) {
    return {
      kind: 'chain',
      name: identifier(name),
      steps: links.map((l) => {
        const { name: link, ...fields } = l as Record<string, unknown>;
        return { kind: 'step' as const, name: identifier(String(link)), module, signature: signatureSpecSchema.parse(fields) };
      }),
    };
  }
  return { kind: 'step', name: identifier(name), module, signature: parsed };
}

/** The module a program's predictors use. */
export function moduleOf(p: ProgramSpec): ProgramModule {
  return p.kind === 'chain' ? (p.steps[0]?.module ?? 'predict') : p.module;
}

/** The DSPy program of a dspy_claude / dspy_gemini / dspy_chain / dspy_evaluation step. */
export function programForStep(step: Record<string, unknown>, workflow: Record<string, unknown>): StepProgram {
  const name = identifier(String(step.name ?? 'step'));
  const module: ProgramModule = (step.dspy_config as Record<string, unknown> | undefined)?.module === 'chain_of_thought' ? 'chain_of_thought' : 'predict';
  if (step.type === 'dspy_chain') {
    const links = chainSignatures(step, workflow.dspy_signatures as Record<string, unknown> | undefined);
    if (links.length === 0) throw new ProgramSpecError(`dspy_chain step '${String(step.name)}' has no resolvable chain_steps`);
    const steps = links.map((l) => ({ kind: 'step' as const, name: identifier(l.name), module, signature: l.spec }));
    const inputs = chainInputFields(steps.map((s) => s.signature)).map((f) => f.name);
    const first = steps[0].signature;
    const last = steps[steps.length - 1].signature;
    const fieldsNamed = (names: string[], from: SignatureSpec[]) => names.map((n) => from.flatMap((s) => [...(s.input_fields ?? []), ...(s.output_fields ?? [])]).find((f) => f.name === n)!);
    const signature = signatureSpecSchema.parse({
      input_fields: fieldsNamed(inputs, [first, ...steps.map((s) => s.signature)]),
      output_fields: last.output_fields,
      instructions: `Chain: ${links.map((l) => l.name).join(' -> ')}`,
      chain: steps.map((s) => ({ name: s.name, ...s.signature })),
    });
    return {
      program: programFromSignature(name, signature, module),
      signature,
      signatureHash: signatureHash(signature),
      inputFields: inputs,
      outputFields: (last.output_fields ?? []).map((f) => f.name),
    };
  }
  const parsed = step.dspy_signature === undefined ? { success: true as const, data: PROMPT_SIGNATURE } : signatureSpecSchema.safeParse(step.dspy_signature);
  if (!parsed.success) throw new ProgramSpecError(`step '${String(step.name)}': dspy_signature is invalid: ${parsed.error.issues[0].message}`);
  const signature = parsed.data;
  return {
    program: programFromSignature(name, signature, module),
    signature,
    signatureHash: signatureHash(signature),
    inputFields: (signature.input_fields ?? []).map((f) => f.name),
    outputFields: (signature.output_fields ?? []).map((f) => f.name),
  };
}
