/**
 * Text -> view for the canvas: shared's validator (one parse, with diagnostics) and shared/graph's
 * workflowToGraph. Nested steps (loops, inline pipelines) are shown inside their container's card.
 */
import { validateWorkflowText } from '../../shared/yaml/validate';
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

/** `steps[3]` -> 3 (top-level only). */
function topIndex(path: string): number | null {
  const m = /^steps\[(\d+)\]$/.exec(path);
  return m ? Number(m[1]) : null;
}

export function stepOfPath(path: string, steps: { path: string; id: string }[]): string | undefined {
  const m = /^workflow\.(steps\[\d+\])/.exec(path);
  return m ? steps.find((s) => s.path === m[1])?.id : undefined;
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
  const rawSteps = Array.isArray(model.steps) ? model.steps : [];
  const top = new Map<string, GraphNode>();
  const parentOf = new Map<string, string | undefined>();
  for (const n of graph.nodes) parentOf.set(n.id, n.parentId);
  const rootOf = (id: string): string => {
    let cur = id;
    for (let guard = 0; parentOf.get(cur) && guard < 50; guard++) cur = parentOf.get(cur)!;
    return cur;
  };
  const children = new Map<string, { name: string; type: string }[]>();
  for (const n of graph.nodes) {
    if (!n.parentId) top.set(n.id, n);
    else {
      const list = children.get(n.parentId) ?? [];
      list.push({ name: n.name || n.path, type: n.type });
      children.set(n.parentId, list);
    }
  }
  const steps: StepView[] = [];
  for (const n of top.values()) {
    const index = topIndex(n.path) ?? steps.length;
    const raw = isMap(rawSteps[index]) ? (rawSteps[index] as Obj) : {};
    steps.push({
      id: n.id,
      name: n.name || n.path,
      path: n.path,
      type: n.type || 'unknown',
      family: n.family === 'unknown' ? familyOf(n.type) : n.family,
      label: stepDef(n.type)?.label ?? (n.type || 'Unknown'),
      index,
      inputs: n.inputs,
      outputs: n.outputs,
      summary: summarize(raw),
      children: children.get(n.id) ?? [],
      raw,
      chain: n.chain?.map((c) => c.signature) ?? [],
    });
  }
  const stepIds = new Set(steps.map((s) => s.id));
  const edges: EdgeView[] = [];
  const seen = new Set<string>();
  for (const e of graph.edges) {
    const source = rootOf(e.source);
    const target = rootOf(e.target);
    if (source === target || !stepIds.has(source) || !stepIds.has(target)) continue;
    const id = source === e.source && target === e.target ? e.id : `${e.kind}:${source}->${target}`;
    if (seen.has(id)) continue;
    seen.add(id);
    edges.push({
      id,
      source,
      target,
      kind: e.kind,
      sourceHandle: e.sourceHandle ? `out:${e.sourceHandle}` : null,
      targetHandle: e.targetHandle ? `in:${e.targetHandle}` : null,
      label: e.kind === 'chain' && e.sourceHandle ? e.sourceHandle : undefined,
    });
  }
  const diagnostics: DiagnosticView[] = diagnosticsRaw.map((d) => ({ ...d, step: stepOfPath(d.path, steps) }));
  return { ok: true, view: { name: typeof model.name === "string" ? model.name : "workflow", steps, edges }, diagnostics };
}
