import type { Diagnostic, PathSegment, Severity } from '../workflow/diagnostic';
import { declaredKeys, type StepTypeDefinition, type StepValidationContext } from '../workflow/catalog';
import { promptProblems } from '../workflow/rules';
import { workflowSchema, type Workflow } from '../workflow/root';
import { dataSourceStepName, referencedStepNames } from '../workflow/templates';
import { dspyConfigSchema } from '../dspy/config';
import { signatureProblems } from '../dspy/steps';
import { dspyPluginBlockSchema } from '../plugin-config/schema';
import { diagnosticAt, parseWorkflowDocument, type ParsedWorkflowDocument } from './document';

export type Verdict = 'valid' | 'invalid' | 'not_a_workflow' | 'yaml_error';

export interface ValidationResult {
  verdict: Verdict;
  diagnostics: Diagnostic[];
  /** The `workflow:` map as found (unknown keys kept), whenever there is one. */
  model?: Workflow;
}

type Obj = Record<string, unknown>;
const isMap = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const WORKFLOW_KEYS = declaredKeys(workflowSchema);
const ROOT_KEYS = new Set(['workflow', 'plugins']);
const DSPY_CONFIG_KEYS = declaredKeys(dspyConfigSchema);
// Keys whose problems the hand-written rules report; zod would only repeat them.
const RULE_KEYS = new Set(['name', 'type', 'prompt', 'parallel_tasks', 'tasks', 'steps', 'dspy_signature', 'dspy_config']);

/** A step and where it sits; nested steps come from for_loop/while_loop `steps` and inline `pipeline.steps`. */
export interface LocatedStep {
  step: unknown;
  path: PathSegment[];
  nested: boolean;
  parentPath?: PathSegment[];
}

/** Every step of the workflow, depth first, parents before children. */
export function collectSteps(workflow: Obj): LocatedStep[] {
  const out: LocatedStep[] = [];
  const walk = (steps: unknown, at: PathSegment[], nested: boolean, parentPath?: PathSegment[]) => {
    if (!Array.isArray(steps)) return;
    steps.forEach((step, i) => {
      const path = [...at, i];
      out.push({ step, path, nested, parentPath });
      if (!isMap(step)) return;
      walk(step.steps, [...path, 'steps'], true, path);
      if (isMap(step.pipeline)) walk(step.pipeline.steps, [...path, 'pipeline', 'steps'], true, path);
    });
  };
  walk(workflow.steps, ['workflow', 'steps'], false);
  return out;
}

/** Every string inside a value, with its relative path. */
function strings(value: unknown, at: PathSegment[] = [], out: [PathSegment[], string][] = []): [PathSegment[], string][] {
  if (typeof value === 'string') out.push([at, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => strings(v, [...at, i], out));
  else if (isMap(value)) for (const [k, v] of Object.entries(value)) if (k !== 'steps') strings(v, [...at, k], out);
  return out;
}

/** Step names a step reads: previous_response parts, templates, `previous_response:` data sources. */
export function stepReferences(step: unknown): { name: string; path: PathSegment[]; kind: 'previous_response' | 'template' | 'data_source' }[] {
  if (!isMap(step)) return [];
  const refs: { name: string; path: PathSegment[]; kind: 'previous_response' | 'template' | 'data_source' }[] = [];
  if (Array.isArray(step.prompt)) {
    step.prompt.forEach((p, i) => {
      if (isMap(p) && p.type === 'previous_response' && typeof p.step === 'string') refs.push({ name: p.step, path: ['prompt', i, 'step'], kind: 'previous_response' });
    });
  }
  for (const [path, s] of strings(step)) {
    for (const name of referencedStepNames(s)) refs.push({ name, path, kind: 'template' });
    const key = path[path.length - 1];
    const src = (key === 'input_source' || key === 'data_source' || key === 'right_source') ? dataSourceStepName(s) : undefined;
    if (src) refs.push({ name: src, path, kind: 'data_source' });
  }
  return refs;
}

/** Validates workflow YAML the way pipeline_ex loads it, plus the DSPy plugin's rules and warnings of our own. Never throws. */
export function validateWorkflowText(text: string, catalog: StepTypeDefinition[]): ValidationResult {
  const parsed = parseWorkflowDocument(text);
  if (!parsed.ok) return { verdict: 'yaml_error', diagnostics: parsed.diagnostics };
  try {
    return validateParsed(parsed, catalog);
  } catch (e) {
    // A validator bug must not take the editor down; report it instead.
    return { verdict: 'invalid', diagnostics: [...parsed.diagnostics, { severity: 'error', message: `internal validator error: ${(e as Error).message}`, path: '', line: 1, column: 1 }] };
  }
}

function validateParsed(parsed: ParsedWorkflowDocument, catalog: StepTypeDefinition[]): ValidationResult {
  const out: Diagnostic[] = [...parsed.diagnostics];
  const at = (severity: Severity, message: string, path: PathSegment[], atKey = false) => out.push(diagnosticAt(parsed, severity, message, path, atKey));
  const root = parsed.value;
  if (!isMap(root) || root.workflow === undefined || root.workflow === null) {
    at('error', isMap(root) ? 'no `workflow:` root key: this is not a pipeline_ex workflow' : `the document is ${root === null ? 'empty' : `a ${Array.isArray(root) ? 'list' : typeof root}`}, not a map with a \`workflow:\` key`, []);
    return { verdict: 'not_a_workflow', diagnostics: out };
  }
  const wf = root.workflow;
  if (!isMap(wf)) {
    at('error', '`workflow:` must be a map with name and steps', ['workflow']);
    return { verdict: 'invalid', diagnostics: out };
  }
  for (const k of Object.keys(root)) if (!ROOT_KEYS.has(k)) at('warning', `root key '${k}' is not read by pipeline_ex; kept as is`, [k], true);
  for (const k of Object.keys(wf)) if (!WORKFLOW_KEYS.has(k)) at('warning', `workflow key '${k}' is not read by pipeline_ex or the DSPy plugin; kept as is`, ['workflow', k], true);

  if (wf.name === undefined || wf.name === null) at('error', 'workflow needs a name', ['workflow'], true);
  if (!Array.isArray(wf.steps)) at('error', 'workflow needs `steps:`, a list of steps', wf.steps === undefined ? ['workflow'] : ['workflow', 'steps'], wf.steps === undefined);
  else if (wf.steps.length === 0) at('error', 'workflow needs at least one step', ['workflow', 'steps'], true);

  checkGeminiFunctions(wf, at);
  checkDspyWorkflowKeys(wf, root, parsed, out);

  const located = collectSteps(wf);
  const topNames = new Set<string>();
  for (const s of located) if (!s.nested && isMap(s.step) && typeof s.step.name === 'string') topNames.add(s.step.name);
  const allNames = new Map<string, PathSegment[]>();
  const byType = new Map(catalog.map((d) => [d.type, d]));

  for (const { step, path, nested } of located) {
    const ctx = makeContext(parsed, path, nested, topNames, wf, step);
    out.push(...validateStep(step, ctx, byType, catalog));
    if (isMap(step) && typeof step.name === 'string') {
      const first = allNames.get(step.name);
      if (first) at('warning', `step name '${step.name}' is used more than once (first at line ${diagnosticAt(parsed, 'info', '', first).line}); references to it are ambiguous`, [...path, 'name']);
      else allNames.set(step.name, path);
    }
  }
  checkReferences(located, at);

  const verdict: Verdict = out.some((d) => d.severity === 'error') ? 'invalid' : 'valid';
  return { verdict, diagnostics: out, model: wf as Workflow };
}

type At = (severity: Severity, message: string, path: PathSegment[], atKey?: boolean) => void;

function checkGeminiFunctions(wf: Obj, at: At) {
  const fns = wf.gemini_functions;
  if (fns === undefined || fns === null) return;
  if (!isMap(fns)) return at('error', 'gemini_functions must be a map of function definitions', ['workflow', 'gemini_functions']);
  for (const [name, def] of Object.entries(fns)) {
    const p = ['workflow', 'gemini_functions', name];
    if (!isMap(def)) at('error', `function '${name}' definition must be a map`, p);
    else if (def.description == null) at('error', `function '${name}' needs a description`, p, true);
    else if (!isMap(def.parameters)) at('error', `function '${name}' needs parameters (a map)`, def.parameters == null ? p : [...p, 'parameters'], def.parameters == null);
  }
}

function checkDspyWorkflowKeys(wf: Obj, root: Obj, parsed: ParsedWorkflowDocument, out: Diagnostic[]) {
  if (wf.dspy_config !== undefined) {
    const res = dspyConfigSchema.safeParse(wf.dspy_config);
    if (!res.success) for (const i of res.error.issues) out.push(diagnosticAt(parsed, 'error', `dspy_config: ${i.message}`, ['workflow', 'dspy_config', ...(i.path as PathSegment[])]));
    if (isMap(wf.dspy_config)) {
      for (const k of Object.keys(wf.dspy_config)) if (!DSPY_CONFIG_KEYS.has(k)) out.push(diagnosticAt(parsed, 'warning', `dspy_config key '${k}' is not a DSPy setting; kept as is`, ['workflow', 'dspy_config', k], true));
    }
  }
  if (wf.dspy_signatures !== undefined) {
    if (!isMap(wf.dspy_signatures)) out.push(diagnosticAt(parsed, 'error', 'dspy_signatures must be a map of name to signature', ['workflow', 'dspy_signatures']));
    else {
      for (const name of Object.keys(wf.dspy_signatures)) {
        const ctx = makeContext(parsed, ['workflow', 'dspy_signatures'], false, new Set(), wf, undefined);
        out.push(...signatureProblems(wf.dspy_signatures[name], ctx, [name], true));
      }
    }
  }
  const plugins = root.plugins;
  if (isMap(plugins) && plugins.dspy_plugin !== undefined) {
    const res = dspyPluginBlockSchema.safeParse(plugins.dspy_plugin ?? {});
    if (!res.success) {
      for (const i of res.error.issues) {
        const rel = i.path as PathSegment[];
        const shown = rel[0] === 'config' ? rel.slice(1) : rel;
        out.push(diagnosticAt(parsed, 'error', `dspy_plugin ${shown.join('.')}: ${i.message}`, ['plugins', 'dspy_plugin', ...rel]));
      }
    }
  }
}

function makeContext(parsed: ParsedWorkflowDocument, path: PathSegment[], nested: boolean, stepNames: ReadonlySet<string>, wf: Obj, step: unknown): StepValidationContext {
  const label = isMap(step) && typeof step.name === 'string' ? `step '${step.name}': ` : '';
  return {
    path, nested, stepNames, workflow: wf,
    diag: (severity, message, rel = [], atKey = false) => {
      // pipeline_ex checks nested steps only when their parent runs, so it does not reject the file for them.
      const sev = nested && severity === 'error' ? 'warning' : severity;
      const suffix = nested && severity === 'error' ? ' (nested step: pipeline_ex reports this only at run time)' : '';
      return diagnosticAt(parsed, sev, `${label}${message}${suffix}`, [...path, ...rel], atKey);
    },
  };
}

function validateStep(step: unknown, ctx: StepValidationContext, byType: Map<string, StepTypeDefinition>, catalog: StepTypeDefinition[]): Diagnostic[] {
  if (!isMap(step)) return [ctx.diag('error', 'a step must be a map with name and type', [])];
  const out: Diagnostic[] = [];
  if (step.name === undefined || step.name === null) out.push(ctx.diag('error', 'step needs a name', []));
  if (step.type === undefined || step.type === null) {
    out.push(ctx.diag('error', `step needs a type (one of ${catalog.map((d) => d.type).join(', ')})`, []));
    return out;
  }
  const def = typeof step.type === 'string' ? byType.get(step.type) : undefined;
  if (!def) {
    out.push(ctx.diag('error', `unknown step type ${JSON.stringify(step.type)}; known types: ${catalog.map((d) => d.type).join(', ')}`, ['type']));
    return out;
  }
  if (def.requiresPrompt) out.push(...promptProblems(step.prompt, ctx));
  if (def.validate) out.push(...def.validate(step, ctx));

  const res = def.schema.safeParse(step);
  if (!res.success) {
    for (const issue of res.error.issues) {
      const p = issue.path as PathSegment[];
      if (p.length === 0 || RULE_KEYS.has(String(p[0]))) continue;
      out.push(ctx.diag('warning', `${p.join('.')}: ${issue.message} (pipeline_ex does not check this when loading)`, p));
    }
  }
  const known = declaredKeys(def.schema);
  for (const k of Object.keys(step)) if (!known.has(k)) out.push(ctx.diag('warning', `key '${k}' is not used by ${def.type} steps; kept as is`, [k], true));
  if (isMap(step.dspy_config)) {
    for (const k of Object.keys(step.dspy_config)) if (!DSPY_CONFIG_KEYS.has(k)) out.push(ctx.diag('warning', `dspy_config key '${k}' is not a DSPy setting; kept as is`, ['dspy_config', k], true));
  }
  return out;
}

function checkReferences(located: LocatedStep[], at: At) {
  const index = new Map<string, number>();
  located.forEach((s, i) => { if (isMap(s.step) && typeof s.step.name === 'string' && !index.has(s.step.name)) index.set(s.step.name, i); });
  const deps = new Map<number, Set<number>>();
  located.forEach((s, i) => {
    const own = new Set<number>();
    for (const ref of stepReferences(s.step)) {
      const target = index.get(ref.name);
      if (target === undefined) {
        // previous_response parts naming no step are pipeline_ex errors, reported by the prompt rules.
        if (ref.kind !== 'previous_response') at('warning', `'${ref.name}' names no step`, [...s.path, ...ref.path]);
        continue;
      }
      own.add(target);
      if (!s.nested && !located[target].nested && target > i) {
        at('warning', `reads the result of '${ref.name}', which runs later`, [...s.path, ...ref.path]);
      }
    }
    deps.set(i, own);
  });
  for (const cycle of findCycles(deps)) {
    const label = (i: number) => String((located[i].step as Obj).name);
    at('warning', `reference cycle: ${[...cycle, cycle[0]].map(label).join(' -> ')}`, [...located[cycle[0]].path, 'name']);
  }
}

/** Cycles of a dependency graph (strongly connected components with more than one node, or a self-loop). */
export function findCycles(deps: Map<number, Set<number>>): number[][] {
  let counter = 0;
  const idx = new Map<number, number>(), low = new Map<number, number>(), onStack = new Set<number>(), stack: number[] = [];
  const cycles: number[][] = [];
  // Tarjan's algorithm with an explicit call stack: a chain of 10^5 references must not exhaust the real one.
  const frames: [number, Iterator<number>][] = [];
  const enter = (v: number) => {
    idx.set(v, counter); low.set(v, counter); counter++;
    stack.push(v); onStack.add(v);
    frames.push([v, (deps.get(v) ?? new Set<number>()).values()]);
  };
  for (const root of deps.keys()) {
    if (idx.has(root)) continue;
    enter(root);
    while (frames.length > 0) {
      const [v, edges] = frames[frames.length - 1];
      const next = edges.next();
      if (!next.done) {
        const w = next.value;
        if (!idx.has(w)) enter(w);
        else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
        continue;
      }
      frames.pop();
      if (frames.length > 0) {
        const parent = frames[frames.length - 1][0];
        low.set(parent, Math.min(low.get(parent)!, low.get(v)!));
      }
      if (low.get(v) === idx.get(v)) {
        const comp: number[] = [];
        let w: number;
        do { w = stack.pop()!; onStack.delete(w); comp.push(w); } while (w !== v);
        if (comp.length > 1 || deps.get(v)?.has(v)) cycles.push(comp.sort((a, b) => a - b));
      }
    }
  }
  return cycles;
}
