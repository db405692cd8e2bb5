/** Auto-layout as a pure function (dagre, left to right). */
import dagre from '@dagrejs/dagre';
import type { StepView, EdgeView } from '../model/types';

export const NODE_WIDTH = 240;

export function nodeHeight(s: StepView): number {
  const fieldRows = Math.max(s.inputs.length + s.outputs.length, 0);
  const header = 50;
  const fields = fieldRows > 0 ? fieldRows * 20 + 10 : 0;
  const summary = fieldRows === 0 ? 30 : 0;
  const children = s.children.length ? s.children.length * 26 + 14 : 0;
  return header + fields + summary + children;
}

export function autoLayout(steps: StepView[], edges: EdgeView[], direction: 'LR' | 'TB' = 'LR'): Record<string, { x: number; y: number }> {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: direction, nodesep: 36, ranksep: 80, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const s of steps) g.setNode(s.id, { width: s.family === 'control' ? 260 : NODE_WIDTH, height: nodeHeight(s) });
  for (const e of edges) if (g.hasNode(e.source) && g.hasNode(e.target)) g.setEdge(e.source, e.target);
  // Keep workflow order readable: unconnected consecutive steps flow left to right.
  for (let i = 1; i < steps.length; i++) {
    const a = steps[i - 1].id;
    const b = steps[i].id;
    if (!g.hasEdge(a, b) && (g.inEdges(b)?.length ?? 0) === 0) g.setEdge(a, b, { weight: 0, minlen: 1 });
  }
  dagre.layout(g);
  const out: Record<string, { x: number; y: number }> = {};
  for (const s of steps) {
    const n = g.node(s.id);
    if (n) out[s.id] = { x: Math.round(n.x - n.width / 2), y: Math.round(n.y - n.height / 2) };
  }
  return out;
}

/** Positions for steps that have none: dagre for a fresh document, else right of the rightmost node. */
export function fillMissing(steps: StepView[], edges: EdgeView[], positions: Record<string, { x: number; y: number }>): Record<string, { x: number; y: number }> | null {
  const missing = steps.filter((s) => !positions[s.id]);
  if (missing.length === 0) return null;
  if (missing.length === steps.length) return autoLayout(steps, edges);
  const next = { ...positions };
  const placed = Object.values(positions);
  let x = placed.length ? Math.max(...placed.map((p) => p.x)) + NODE_WIDTH + 80 : 40;
  let y = placed.length ? Math.min(...placed.map((p) => p.y)) : 40;
  for (const s of missing) {
    next[s.id] = { x, y };
    y += nodeHeight(s) + 30;
    if (y > 1200) {
      y = 40;
      x += NODE_WIDTH + 80;
    }
  }
  return next;
}
