import type { Diagnostic, PathSegment } from '../workflow/diagnostic';
import { formatPath } from '../workflow/diagnostic';
import { pipelineExStepTypes, type StepFamily } from '../workflow/catalog';
import { dspyStepTypes, chainSignatures } from '../dspy/steps';
import { signatureHash, signatureSpecSchema, type SignatureField } from '../dspy/signature';
import { collectSteps, stepReferences } from '../yaml/validate';

type Obj = Record<string, unknown>;
const isMap = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const FAMILY = new Map<string, StepFamily>([...pipelineExStepTypes, ...dspyStepTypes].map((d) => [d.type, d.family]));

export interface GraphHandle {
  name: string;
  type: string;
}

export interface ChainLink {
  signature: string;
  source: 'declared' | 'convention';
  inputs: GraphHandle[];
  outputs: GraphHandle[];
  hash: string;
}

export interface GraphNode {
  /**
   * Stable id: the step name when it is a non-empty string used by no other step (survives reordering,
   * so layout sidecars keep their positions); otherwise the step path, e.g. `steps[3]` or `steps[3].steps[0]`.
   */
  id: string;
  /** Step path without the `workflow.` prefix, e.g. `steps[3].steps[0]`. */
  path: string;
  name: string;
  type: string;
  family: StepFamily | 'unknown';
  parentId?: string;
  /** Typed handles from the step's dspy_signature (for a dspy_chain: first link's inputs, last link's outputs). */
  inputs: GraphHandle[];
  outputs: GraphHandle[];
  signatureHash?: string;
  chain?: ChainLink[];
  diagnostics: Diagnostic[];
}

export type GraphEdgeKind = 'previous_response' | 'template' | 'chain' | 'data_source';

export interface GraphEdge {
  /** `${kind}:${source}->${target}` plus handles when present; unique within a graph. */
  id: string;
  source: string;
  target: string;
  kind: GraphEdgeKind;
  sourceHandle?: string;
  targetHandle?: string;
}

export interface WorkflowGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

const handles = (fields: readonly SignatureField[]): GraphHandle[] => fields.map((f) => ({ name: f.name, type: f.type }));

/** Canvas model of a workflow: a node per step (nested steps with parentId) and edges for data flow. Never throws on odd input. */
export function workflowToGraph(model: unknown, diagnostics: Diagnostic[] = []): WorkflowGraph {
  if (!isMap(model)) return { nodes: [], edges: [] };
  const located = collectSteps(model);
  const nameCount = new Map<string, number>();
  for (const { step } of located) if (isMap(step) && typeof step.name === 'string' && step.name) nameCount.set(step.name, (nameCount.get(step.name) ?? 0) + 1);
  const rel = (path: PathSegment[]) => formatPath(path.slice(1));
  const idOf = (step: unknown, path: PathSegment[]) =>
    isMap(step) && typeof step.name === 'string' && nameCount.get(step.name) === 1 ? step.name : rel(path);
  const declared = isMap(model.dspy_signatures) ? model.dspy_signatures : undefined;

  const nodes: GraphNode[] = located.map(({ step, path, parentPath }) => {
    const s = isMap(step) ? step : {};
    const type = typeof s.type === 'string' ? s.type : '';
    const full = formatPath(path);
    const node: GraphNode = {
      id: idOf(step, path),
      path: rel(path),
      name: typeof s.name === 'string' ? s.name : '',
      type,
      family: FAMILY.get(type) ?? 'unknown',
      inputs: [],
      outputs: [],
      diagnostics: diagnostics.filter((d) => d.path === full || ((d.path.startsWith(`${full}.`) || d.path.startsWith(`${full}[`)) && !isDeeperStep(d.path, full))),
    };
    if (parentPath) node.parentId = idOf(located.find((l) => l.path === parentPath)?.step, parentPath);
    const sig = signatureSpecSchema.safeParse(s.dspy_signature);
    if (sig.success) {
      node.inputs = handles(sig.data.input_fields);
      node.outputs = handles(sig.data.output_fields);
      node.signatureHash = signatureHash(sig.data);
    }
    if (type === 'dspy_chain') {
      const links = chainSignatures(s, declared);
      node.chain = links.map((l) => ({ signature: l.name, source: l.source, inputs: handles(l.spec.input_fields), outputs: handles(l.spec.output_fields), hash: signatureHash(l.spec) }));
      if (links.length > 0) {
        node.inputs = handles(links[0].spec.input_fields);
        node.outputs = handles(links[links.length - 1].spec.output_fields);
      }
    }
    return node;
  });

  const byName = new Map<string, GraphNode>();
  for (const n of nodes) if (n.name && !byName.has(n.name)) byName.set(n.name, n);
  const edges: GraphEdge[] = [];
  const seen = new Set<string>();
  const add = (e: Omit<GraphEdge, 'id'>) => {
    const id = `${e.kind}:${e.source}->${e.target}${e.sourceHandle ? `:${e.sourceHandle}` : ''}${e.targetHandle ? `:${e.targetHandle}` : ''}`;
    if (!seen.has(id)) { seen.add(id); edges.push({ id, ...e }); }
  };
  located.forEach(({ step }, i) => {
    for (const ref of stepReferences(step)) {
      const src = byName.get(ref.name);
      if (src) add({ source: src.id, target: nodes[i].id, kind: ref.kind });
    }
    const node = nodes[i];
    if (node.type !== 'dspy_chain') return;
    // The chain's first link reads fields that earlier steps produce; link each to its latest producer.
    const siblings = located.map((l, j) => ({ l, j })).filter(({ l, j }) => j < i && sameList(l.path, located[i].path));
    let linked = false;
    for (const input of node.inputs) {
      const producer = [...siblings].reverse().find(({ j }) => nodes[j].outputs.some((o) => o.name === input.name));
      if (producer) { add({ source: nodes[producer.j].id, target: node.id, kind: 'chain', sourceHandle: input.name, targetHandle: input.name }); linked = true; }
    }
    const prev = siblings[siblings.length - 1];
    if (!linked && prev) add({ source: nodes[prev.j].id, target: node.id, kind: 'chain' });
  });
  return { nodes, edges };
}

/** True when `path` lies inside a step nested below the step at `stepPath`. */
function isDeeperStep(path: string, stepPath: string): boolean {
  const rest = path.slice(stepPath.length);
  return /^(\.steps|\.pipeline\.steps)\[\d+\]/.test(rest);
}

function sameList(a: PathSegment[], b: PathSegment[]): boolean {
  return a.length === b.length && a.slice(0, -1).every((s, k) => s === b[k]);
}
