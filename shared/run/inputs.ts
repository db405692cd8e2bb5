/**
 * The Run form's fields, inferred from a workflow: every `{{inputs.x}}` template, and the input
 * fields of the first DSPy step's signature that the step's own `inputs:` map does not set.
 */
import { chainSignatures } from '../dspy/steps';
import { signatureSpecSchema, type SignatureField, type SignatureSpec } from '../dspy/signature';
import { extractTemplateRefs } from '../workflow/templates';

export interface RunInputField {
  name: string;
  /** The signature field's type, else `string` (templates render text). */
  type: string;
  description?: string;
  /** Where the field is read: `template in <step>` or `signature of <step>`. */
  usedBy: string[];
  /** Left empty, the run still has a value: see `whenEmpty`. */
  optional: boolean;
  /** What gives an optional field its value: the step's rendered prompt, or an earlier step's output field of that name. */
  whenEmpty?: 'prompt' | 'earlier step';
}

export const DSPY_STEP_TYPES: ReadonlySet<string> = new Set(['dspy_claude', 'dspy_gemini', 'dspy_chain', 'dspy_evaluation']);

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A chain's inputs: each link's input fields that no earlier link produces, in order. */
export function chainInputFields(specs: readonly SignatureSpec[]): SignatureField[] {
  const produced = new Set<string>();
  const inputs: SignatureField[] = [];
  for (const s of specs) {
    for (const f of s.input_fields ?? []) if (!produced.has(f.name) && !inputs.some((i) => i.name === f.name)) inputs.push(f);
    for (const f of s.output_fields ?? []) produced.add(f.name);
  }
  return inputs;
}

/** The signature input fields of a DSPy step (a step with a prompt and no signature reads `prompt`). */
function stepInputFields(step: Record<string, unknown>, workflow: Record<string, unknown>): SignatureField[] {
  if (step.type === 'dspy_chain') {
    return chainInputFields(chainSignatures(step, isMap(workflow.dspy_signatures) ? workflow.dspy_signatures : undefined).map((l) => l.spec));
  }
  if (step.dspy_signature === undefined) return step.prompt === undefined ? [] : [{ name: 'prompt', type: 'string' }];
  const parsed = signatureSpecSchema.safeParse(step.dspy_signature);
  return parsed.success ? parsed.data.input_fields : [];
}

function collectTemplateInputs(value: unknown, stepName: string, add: (name: string, usedBy: string) => void): void {
  if (typeof value === 'string') {
    for (const ref of extractTemplateRefs(value)) if (ref.root === 'inputs' && ref.name) add(ref.name, `template in ${stepName}`);
  } else if (Array.isArray(value)) {
    for (const v of value) collectTemplateInputs(v, stepName, add);
  } else if (isMap(value)) {
    for (const v of Object.values(value)) collectTemplateInputs(v, stepName, add);
  }
}

function stepsOf(workflow: Record<string, unknown>): Record<string, unknown>[] {
  return Array.isArray(workflow.steps) ? workflow.steps.filter(isMap) : [];
}

/** `workflow` is the `workflow:` map of a parsed file (a root with a `workflow:` key is accepted too). */
export function inferRunInputs(root: unknown): RunInputField[] {
  const workflow = isMap(root) && isMap(root.workflow) ? root.workflow : isMap(root) ? root : {};
  const fields = new Map<string, RunInputField>();
  const add = (name: string, usedBy: string, field?: Partial<RunInputField>) => {
    const f = fields.get(name) ?? { name, type: 'string', usedBy: [], optional: false };
    if (!f.usedBy.includes(usedBy)) f.usedBy.push(usedBy);
    fields.set(name, { ...f, ...field, usedBy: f.usedBy });
  };
  const steps = stepsOf(workflow);
  for (const step of steps) collectTemplateInputs(step, String(step.name ?? 'a step'), (n, u) => add(n, u));

  const first = steps.find((s) => DSPY_STEP_TYPES.has(String(s.type)));
  if (first) {
    const explicit = isMap(first.inputs) ? first.inputs : {};
    const open = stepInputFields(first, workflow).filter((f) => !(f.name in explicit));
    // The runtime gives the rendered prompt to the one field nothing else fills, and a field an
    // earlier step's output may hold is not known to be missing until the run.
    const promptFills = open.length === 1 && first.prompt !== undefined && !fields.has(open[0].name);
    const earlier = steps.indexOf(first) > 0;
    for (const f of open) {
      const whenEmpty = fields.has(f.name) ? undefined : promptFills ? ('prompt' as const) : earlier ? ('earlier step' as const) : undefined;
      add(f.name, `signature of ${String(first.name ?? 'the first DSPy step')}`, { type: f.type, description: f.description, optional: whenEmpty !== undefined, ...(whenEmpty && { whenEmpty }) });
    }
  }
  return [...fields.values()];
}

/** A form value typed by its field: numbers, booleans and JSON for array/object fields; text otherwise. */
function typedValue(type: string, raw: string): unknown {
  if ((type === 'number' || type === 'integer') && raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
  if (type === 'boolean' && (raw === 'true' || raw === 'false')) return raw === 'true';
  if (type === 'array' || type === 'object') {
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  return raw;
}

/** The form's values as run inputs; empty optional fields are left out, empty required ones listed. */
export function runInputValues(fields: readonly RunInputField[], values: Record<string, string>): { inputs: Record<string, unknown>; missing: string[] } {
  const inputs: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const f of fields) {
    const raw = values[f.name] ?? '';
    if (raw === '') {
      if (!f.optional) missing.push(f.name);
    } else inputs[f.name] = typedValue(f.type, raw);
  }
  return { inputs, missing };
}
