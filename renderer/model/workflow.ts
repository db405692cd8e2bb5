/**
 * Text -> view for the canvas: shared's validator (one parse, with diagnostics) and shared/graph's
 * workflowToGraph. Every step is a view step; nested steps (loops, inline pipelines) carry their container's
 * id as parentId and the canvas draws them inside it.
 */
import { collectSteps, validateWorkflowText } from '../../shared/yaml/validate';
import { workflowToGraph, type GraphNode } from '../../shared/graph/graph';
import { familyOf, stepCatalog, stepDef } from './catalog';
import type { DiagnosticView, EdgeView, StepView, WorkflowView } from './types';

export interface ParseOk {
  ok: true;
  view: WorkflowView;
  diagnostics: DiagnosticView[];
}
export interface ParseFail {
  ok: false;
  error: DiagnosticView;
  diagnostics: DiagnosticView[];
}

type Obj = Record<string, unknown>;
const isMap = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function summarize(step: Obj): string {
  const prompt = Array.isArray(step.prompt) ? step.prompt : [];
  const st = prompt.find((p) => isMap(p) && p.type === 'static' && typeof p.content === 'string') as Obj | undefined;
  if (st) return String(st.content).split('\n')[0];
  if (typeof step.description === 'string') return step.description;
  if (isMap(step.dspy_signature) && typeof step.dspy_signature.instructions === 'string') return step.dspy_signature.instructions;
  if (step.type === 'set_variable' && isMap(step.variables)) return `sets ${Object.keys(step.variables).join(', ')}`;
  if (typeof step.operation === 'string') return `operation: ${step.operation}`;
  if (Array.isArray(step.parallel_tasks)) return `${step.parallel_tasks.length} parallel tasks`;
  if (Array.isArray(step.tasks)) return `${step.tasks.length} tasks`;
  if (isMap(step.dspy_config) && Array.isArray(step.dspy_config.chain_steps)) return `${step.dspy_config.chain_steps.length} chain links`;
  return stepDef(String(step.type))?.description ?? '';
}

const CONTAINER_TYPES = new Set(['for_loop', 'while_loop']);

/** The innermost step a diagnostic path (`workflow.steps[1].steps[0].prompt`) belongs to. */
export function stepOfPath(path: string, steps: { path: string; id: string }[]): string | undefined {
  if (!path.startsWith('workflow.steps[')) return undefined;
  const rel = path.slice('workflow.'.length);
  let best: { path: string; id: string } | undefined;
  for (const s of steps) {
    if (rel === s.path || rel.startsWith(`${s.path}.`) || rel.startsWith(`${s.path}[`)) {
      if (!best || s.path.length > best.path.length) best = s;
    }
  }
  return best?.id;
}

export function buildView(text: string): ParseOk | ParseFail {
  const result = validateWorkflowText(text, stepCatalog);
  const diagnosticsRaw = result.diagnostics;
  if (result.verdict === 'yaml_error' || !result.model) {
    const diagnostics: DiagnosticView[] = diagnosticsRaw.map((d) => ({ ...d }));
    const first = diagnostics.find((d) => d.severity === 'error') ?? { severity: 'error' as const, message: 'YAML does not parse', path: '', line: 1, column: 1 };
    if (result.verdict === 'yaml_error' || result.verdict === 'not_a_workflow') return { ok: false, error: first, diagnostics };
  }
  const model = (result.model ?? {}) as Obj;
  const graph = workflowToGraph(model, diagnosticsRaw);
  // workflowToGraph makes one node per collectSteps entry, in the same (pre-)order: parents before children.
  const located = collectSteps(model);
  const depthOf = new Map<string, number>();
  const children = new Map<string, string[]>();
  for (const n of graph.nodes) {
    depthOf.set(n.id, n.parentId ? (depthOf.get(n.parentId) ?? 0) + 1 : 0);
    if (n.parentId) children.set(n.parentId, [...(children.get(n.parentId) ?? []), n.id]);
  }
  const steps: StepView[] = graph.nodes.map((n: GraphNode, i) => {
    const raw = isMap(located[i]?.step) ? (located[i].step as Obj) : {};
    const last = located[i]?.path[located[i].path.length - 1];
    const kids = children.get(n.id) ?? [];
    return {
      id: n.id,
      name: n.name || n.path,
      path: n.path,
      type: n.type || 'unknown',
      family: n.family === 'unknown' ? familyOf(n.type) : n.family,
      label: stepDef(n.type)?.label ?? (n.type || 'Unknown'),
      index: typeof last === 'number' ? last : i,
      ...(n.parentId ? { parentId: n.parentId } : {}),
      depth: depthOf.get(n.id) ?? 0,
      container: kids.length > 0 || CONTAINER_TYPES.has(n.type),
      inputs: n.inputs,
      outputs: n.outputs,
      summary: summarize(raw),
      children: kids,
      raw,
      chain: n.chain?.map((c) => c.signature) ?? [],
    };
  });
  const edges: EdgeView[] = graph.edges
    .filter((e) => e.source !== e.target)
    .map((e) => ({
      id: e.id,
      source: e.source,
      target: e.target,
      kind: e.kind,
      sourceHandle: e.sourceHandle ? `out:${e.sourceHandle}` : null,
      targetHandle: e.targetHandle ? `in:${e.targetHandle}` : null,
      label: e.kind === 'chain' && e.sourceHandle ? e.sourceHandle : undefined,
    }));
  const diagnostics: DiagnosticView[] = diagnosticsRaw.map((d) => ({ ...d, step: stepOfPath(d.path, steps) }));
  return { ok: true, view: { name: typeof model.name === 'string' ? model.name : 'workflow', steps, edges }, diagnostics };
}
