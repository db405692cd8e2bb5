/**
 * Auto-layout and node sizes as pure functions. Containers (loops, inline pipelines) are laid out bottom-up:
 * dagre runs once per container over its direct children (positions relative to the container), and the
 * container is sized to wrap them; then dagre runs over the top-level steps.
 */
import dagre from '@dagrejs/dagre';
import type { StepView, EdgeView } from '../model/types';

export const NODE_WIDTH = 240;
/** Space inside a container around its children (top leaves room for the container's header). */
export const CONTAINER_PAD = { x: 24, top: 72, bottom: 24 };
const CONTAINER_MIN = { width: 280, height: 150 };

export type Point = { x: number; y: number };
export type Size = { width: number; height: number };

export function nodeHeight(s: StepView): number {
  const fieldRows = Math.max(s.inputs.length + s.outputs.length, 0);
  const header = 50;
  const fields = fieldRows > 0 ? fieldRows * 20 + 10 : 0;
  const summary = fieldRows === 0 ? 30 : 0;
  return header + fields + summary;
}

/**
 * Every node's size: leaves from their measured size (or an estimate), containers wrapping their children at
 * their (relative) positions plus padding, innermost first.
 */
export function nodeSizes(steps: StepView[], positions: Record<string, Point>, measured: Record<string, Size> = {}): Record<string, Size> {
  const sizes: Record<string, Size> = {};
  // Pre-order lists parents before children, so the reverse visits children first.
  for (let i = steps.length - 1; i >= 0; i--) {
    const s = steps[i];
    if (!s.container) {
      sizes[s.id] = measured[s.id] ?? { width: NODE_WIDTH, height: nodeHeight(s) };
      continue;
    }
    let width = CONTAINER_MIN.width;
    let height = CONTAINER_MIN.height;
    for (const c of s.children) {
      const p = positions[c];
      const z = sizes[c];
      if (!p || !z) continue;
      width = Math.max(width, p.x + z.width + CONTAINER_PAD.x);
      height = Math.max(height, p.y + z.height + CONTAINER_PAD.bottom);
    }
    sizes[s.id] = { width: Math.round(width), height: Math.round(height) };
  }
  return sizes;
}

/** Dagre over one list of sibling steps; edges between their descendants count as edges between them. */
function layoutSiblings(
  siblings: StepView[],
  edges: EdgeView[],
  sizes: Record<string, Size>,
  ancestorIn: (id: string) => string | undefined,
  direction: 'LR' | 'TB',
  origin: Point,
): Record<string, Point> {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: direction, nodesep: 36, ranksep: 80, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const s of siblings) g.setNode(s.id, { ...sizes[s.id] });
  for (const e of edges) {
    const a = ancestorIn(e.source);
    const b = ancestorIn(e.target);
    if (a && b && a !== b && !g.hasEdge(a, b)) g.setEdge(a, b);
  }
  // Keep workflow order readable: unconnected consecutive steps flow left to right.
  for (let i = 1; i < siblings.length; i++) {
    const a = siblings[i - 1].id;
    const b = siblings[i].id;
    if (!g.hasEdge(a, b) && (g.inEdges(b)?.length ?? 0) === 0) g.setEdge(a, b, { weight: 0, minlen: 1 });
  }
  dagre.layout(g);
  const out: Record<string, Point> = {};
  for (const s of siblings) {
    const n = g.node(s.id);
    if (n) out[s.id] = { x: Math.round(origin.x + n.x - n.width / 2), y: Math.round(origin.y + n.y - n.height / 2) };
  }
  return out;
}

/** Positions for every step: top-level ones absolute, nested ones relative to their container (React Flow's sub-flow convention). */
export function autoLayout(steps: StepView[], edges: EdgeView[], direction: 'LR' | 'TB' = 'LR'): Record<string, Point> {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const positions: Record<string, Point> = {};
  const sizes: Record<string, Size> = {};
  /** The ancestor of `id` (or itself) whose parent is `parent`. */
  const ancestorUnder = (parent: string | undefined) => (id: string): string | undefined => {
    let cur = byId.get(id);
    for (let guard = 0; cur && guard < 64; guard++) {
      if (cur.parentId === parent) return cur.id;
      cur = cur.parentId ? byId.get(cur.parentId) : undefined;
    }
    return undefined;
  };
  for (let i = steps.length - 1; i >= 0; i--) {
    const s = steps[i];
    if (!s.container) {
      sizes[s.id] = { width: NODE_WIDTH, height: nodeHeight(s) };
      continue;
    }
    const kids = s.children.map((c) => byId.get(c)).filter((c): c is StepView => !!c);
    Object.assign(positions, layoutSiblings(kids, edges, sizes, ancestorUnder(s.id), direction, { x: CONTAINER_PAD.x, y: CONTAINER_PAD.top }));
    sizes[s.id] = nodeSizes([s, ...kids], positions, sizes)[s.id];
  }
  const top = steps.filter((s) => !s.parentId);
  Object.assign(positions, layoutSiblings(top, edges, sizes, ancestorUnder(undefined), direction, { x: 20, y: 20 }));
  return positions;
}

/**
 * Positions for steps that have none. A fresh document gets the auto-layout; a nested step goes where the
 * auto-layout puts it when none of its siblings is placed, else below its lowest sibling; a top-level step
 * goes right of the rightmost node.
 */
export function fillMissing(steps: StepView[], edges: EdgeView[], positions: Record<string, Point>): Record<string, Point> | null {
  const missing = steps.filter((s) => !positions[s.id]);
  if (missing.length === 0) return null;
  if (missing.length === steps.length) return autoLayout(steps, edges);
  const next = { ...positions };
  const byId = new Map(steps.map((s) => [s.id, s]));
  let auto: Record<string, Point> | null = null;
  const topPlaced = steps.filter((s) => !s.parentId && positions[s.id]).map((s) => positions[s.id]);
  let x = topPlaced.length ? Math.max(...topPlaced.map((p) => p.x)) + NODE_WIDTH + 80 : 40;
  let y = topPlaced.length ? Math.min(...topPlaced.map((p) => p.y)) : 40;
  for (const s of missing) {
    if (s.parentId) {
      const siblings = (byId.get(s.parentId)?.children ?? []).filter((c) => c !== s.id && next[c]);
      if (siblings.length === 0) {
        auto = auto ?? autoLayout(steps, edges);
        next[s.id] = auto[s.id] ?? { x: CONTAINER_PAD.x, y: CONTAINER_PAD.top };
      } else {
        const sizes = nodeSizes(steps, next);
        const lowest = Math.max(...siblings.map((c) => next[c].y + (sizes[c]?.height ?? 80)));
        next[s.id] = { x: CONTAINER_PAD.x, y: lowest + 30 };
      }
      continue;
    }
    next[s.id] = { x, y };
    y += nodeHeight(s) + 30;
    if (y > 1200) {
      y = 40;
      x += NODE_WIDTH + 80;
    }
  }
  return next;
}

export interface Rect { x: number; y: number; width: number; height: number }

const overlaps = (a: Rect, b: Rect, gap: number) =>
  a.x < b.x + b.width + gap && b.x < a.x + a.width + gap && a.y < b.y + b.height + gap && b.y < a.y + a.height + gap;

/**
 * The free spot for a card of `size` nearest to `want` (its wanted top-left): candidates on rings of growing
 * radius around `want`, nearest first, the first that keeps `gap` from every rectangle in `taken` (and stays
 * right of and below `min`, a container's inner edge).
 */
export function freeSpot(want: Point, size: Size, taken: Rect[], min?: Point, gap = 20, step = 20): Point {
  const fits = (p: Point) => (!min || (p.x >= min.x && p.y >= min.y)) && !taken.some((r) => overlaps({ ...p, ...size }, r, gap));
  if (fits(want)) return want;
  for (let ring = 1; ring <= 200; ring++) {
    const candidates: Point[] = [];
    for (let i = -ring; i <= ring; i++) {
      candidates.push({ x: i, y: -ring }, { x: i, y: ring });
      if (Math.abs(i) !== ring) candidates.push({ x: -ring, y: i }, { x: ring, y: i });
    }
    candidates.sort((a, b) => a.x * a.x + a.y * a.y - (b.x * b.x + b.y * b.y));
    for (const c of candidates) {
      const p = { x: want.x + c.x * step, y: want.y + c.y * step };
      if (fits(p)) return p;
    }
  }
  return want;
}

/** A step's top-left in canvas coordinates (nested positions are relative to their container). */
export function absolutePosition(id: string, steps: StepView[], positions: Record<string, Point>): Point | undefined {
  const byId = new Map(steps.map((s) => [s.id, s]));
  let x = 0;
  let y = 0;
  for (let cur = byId.get(id); cur; cur = cur.parentId ? byId.get(cur.parentId) : undefined) {
    const p = positions[cur.id];
    if (!p) return undefined;
    x += p.x;
    y += p.y;
  }
  return { x, y };
}

/** The innermost container whose card contains `point` (canvas coordinates), if any. */
export function containerAt(point: Point, steps: StepView[], positions: Record<string, Point>, sizes: Record<string, Size>): StepView | undefined {
  let best: StepView | undefined;
  for (const s of steps) {
    if (!s.container || !sizes[s.id]) continue;
    const p = absolutePosition(s.id, steps, positions);
    if (!p) continue;
    const inside = point.x >= p.x && point.x <= p.x + sizes[s.id].width && point.y >= p.y && point.y <= p.y + sizes[s.id].height;
    if (inside && (!best || s.depth > best.depth)) best = s;
  }
  return best;
}

/** The cards directly inside `parent` (top level when undefined), as rectangles in that parent's coordinates. */
export function siblingRects(parent: string | undefined, steps: StepView[], positions: Record<string, Point>, sizes: Record<string, Size>): Rect[] {
  return steps.filter((s) => s.parentId === parent && positions[s.id] && sizes[s.id]).map((s) => ({ ...positions[s.id], ...sizes[s.id] }));
}

/** A nested card's position kept right of and below its container's inner edge (a card may be dragged past it). */
export function insideEdge(p: Point): Point {
  return { x: Math.max(CONTAINER_PAD.x, Math.round(p.x)), y: Math.max(CONTAINER_PAD.top, Math.round(p.y)) };
}

/**
 * Where a card dragged to `positions[id]` goes when its centre lands elsewhere: into the innermost container
 * under its centre (not itself nor one of its own nested steps), or out to the top level when it is nested and
 * its centre left its container. Undefined when it stays among its siblings. `sizes` are the ones from before
 * the drag (a container wraps a child being dragged across its edge).
 */
export function dragTarget(id: string, steps: StepView[], positions: Record<string, Point>, sizes: Record<string, Size>): { container?: StepView; position: Point } | undefined {
  const step = steps.find((s) => s.id === id);
  const at = absolutePosition(id, steps, positions);
  if (!step || !at || !sizes[id]) return undefined;
  const own = new Set<string>();
  const collect = (s: string) => { own.add(s); for (const c of steps.find((x) => x.id === s)?.children ?? []) collect(c); };
  collect(id);
  const centre = { x: at.x + sizes[id].width / 2, y: at.y + sizes[id].height / 2 };
  const container = containerAt(centre, steps.filter((s) => !own.has(s.id)), positions, sizes);
  if (container?.id === step.parentId) return undefined;
  if (!container) return { position: { x: Math.round(at.x), y: Math.round(at.y) } };
  const origin = absolutePosition(container.id, steps, positions)!;
  return { container, position: insideEdge({ x: at.x - origin.x, y: at.y - origin.y }) };
}

/** Size assumed for a new card until it is measured. */
export const NEW_CARD: Size = { width: NODE_WIDTH, height: 110 };

/**
 * Where a new card put at `p` (canvas coordinates) goes, `grab` being the point of the card held at `p`: into
 * the innermost container under `p` (inside its inner edge), else at top level clear of `overlays` (minimap,
 * controls); in both cases on the free spot nearest to it.
 */
export function placeNewCard(p: Point, grab: Point, steps: StepView[], positions: Record<string, Point>, sizes: Record<string, Size>, overlays: Rect[]): { position: Point; container?: string } {
  const container = containerAt(p, steps, positions, sizes);
  const origin = container ? absolutePosition(container.id, steps, positions) ?? { x: 0, y: 0 } : { x: 0, y: 0 };
  const want = { x: Math.round(p.x - origin.x - grab.x), y: Math.round(p.y - origin.y - grab.y) };
  const taken = siblingRects(container?.id, steps, positions, sizes);
  const min = container ? { x: CONTAINER_PAD.x, y: CONTAINER_PAD.top } : undefined;
  if (!container) taken.push(...overlays);
  const position = freeSpot(container ? insideEdge(want) : want, NEW_CARD, taken, min);
  return container ? { position, container: container.id } : { position };
}
