import { chainSignatures } from '../../../shared/dspy/steps';
import { chainInputFields } from '../../../shared/run/inputs';
import { signatureHash, signatureSpecSchema, type SignatureSpec } from '../../../shared/dspy/signature';

/** What the Python runtime builds: a step program or a chain of them (docs/python-runtime.md). */
export type ProgramSpec =
  | { kind: 'step'; name: string; module: 'predict' | 'chain_of_thought'; signature: SignatureSpec }
  | { kind: 'chain'; name: string; steps: { kind: 'step'; name: string; module: 'predict' | 'chain_of_thought'; signature: SignatureSpec }[] };

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

/** The DSPy program of a dspy_claude / dspy_gemini / dspy_chain / dspy_evaluation step. */
export function programForStep(step: Record<string, unknown>, workflow: Record<string, unknown>): StepProgram {
  const name = identifier(String(step.name ?? 'step'));
  const module: 'predict' | 'chain_of_thought' = (step.dspy_config as Record<string, unknown> | undefined)?.module === 'chain_of_thought' ? 'chain_of_thought' : 'predict';
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
      program: { kind: 'chain', name, steps },
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
    program: { kind: 'step', name, module, signature },
    signature,
    signatureHash: signatureHash(signature),
    inputFields: (signature.input_fields ?? []).map((f) => f.name),
    outputFields: (signature.output_fields ?? []).map((f) => f.name),
  };
}
