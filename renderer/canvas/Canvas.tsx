/** The graph canvas: nodes from the last good view, positions from the layout sidecar. */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type Connection,
  type Edge,
  type EdgeChange,
  type NodeChange,
} from '@xyflow/react';
import { SmartEdgeProvider, SmartSmoothStepEdge } from '@tisoap/react-flow-smart-edge';
import { useDocument } from '../stores/document';
import { ContainerNode, StepNode, type StepFlowNode } from './StepNode';
import { dragTarget, fillMissing, insideEdge, NEW_CARD, NODE_WIDTH, nodeSizes, placeNewCard, type Point, type Rect } from './layout';
import { toFlowEdges, type FlowEdgeData } from './edges';
import { addStepOfType, connectSteps, disconnect, moveStepTo } from './operations';
import { persistLayoutSoon } from '../workspace/actions';
import { familyHex } from '../model/catalog';
import { useUi } from '../stores/ui';
import type { DiagnosticView } from '../model/types';

const nodeTypes = { step: StepNode, container: ContainerNode };
// Edges route around the cards between their ends (drawn as plain smooth steps while the way is clear).
const edgeTypes = { routed: SmartSmoothStepEdge };
const ROUTING = { preset: 'smoothstep' as const, routeOnlyWhenBlocked: true, borderRadius: 6, nodePadding: 12 };
export const STEP_MIME = 'application/x-pipeline-step';
/** Fit view never zooms past 110 %: one or two cards stay card-sized. */
export const FIT_VIEW = { padding: 0.15, maxZoom: 1.1 };
const EMPTY: DiagnosticView[] = [];

/** Set while the canvas is mounted: puts a new card of a type at the centre of the visible canvas. */
let placeAtCentre: ((type: string) => boolean) | null = null;

/**
 * Adds a step from the keyboard: at the centre of the visible canvas, placed as a card dropped there would be;
 * without a visible canvas, where new steps go by default.
 */
export function addStepAtViewCentre(type: string): void {
  if (!placeAtCentre?.(type)) addStepOfType(type);
}

/** The minimap and the zoom controls, as canvas rectangles: a dropped card does not land under them. */
function overlayRects(wrap: HTMLElement, toFlow: (p: { x: number; y: number }) => { x: number; y: number }): Rect[] {
  return [...wrap.querySelectorAll('.react-flow__minimap, .react-flow__controls')].map((el) => {
    const r = el.getBoundingClientRect();
    const a = toFlow({ x: r.left, y: r.top });
    const b = toFlow({ x: r.right, y: r.bottom });
    return { x: a.x, y: a.y, width: b.x - a.x, height: b.y - a.y };
  });
}

export function Canvas() {
  const view = useDocument((s) => s.view);
  const positions = useDocument((s) => s.positions);
  const selection = useDocument((s) => s.selection);
  const diagnostics = useDocument((s) => s.diagnostics);
  const parseError = useDocument((s) => s.parseError);
  const theme = useUi((s) => s.theme);
  const flow = useReactFlow();
  const dragStart = useRef<Record<string, { x: number; y: number }> | null>(null);
  // Measured sizes (React Flow reports them as 'dimensions' changes; the minimap and fit view need them).
  const [dims, setDims] = useState<Record<string, { width: number; height: number }>>({});
  // While a card is dragged, containers keep their size: a nested card can be seen leaving its container.
  const [dragBase, setDragBase] = useState<Record<string, { x: number; y: number }> | null>(null);
  const wrap = useRef<HTMLDivElement>(null);

  // Steps without a position get one (dagre on first open); this is layout, not YAML.
  useEffect(() => {
    if (!view) return;
    const filled = fillMissing(view.steps, view.edges, useDocument.getState().positions);
    if (filled) useDocument.getState().setPositions(filled);
  }, [view]);

  const byStep = useMemo(() => {
    const m = new Map<string, DiagnosticView[]>();
    for (const d of diagnostics) {
      if (!d.step) continue;
      const list = m.get(d.step) ?? [];
      list.push(d);
      m.set(d.step, list);
    }
    return m;
  }, [diagnostics]);

  const selected = useMemo(() => new Set(selection), [selection]);
  // Containers wrap their children: their size follows the children's (relative) positions and sizes.
  const sizes = useMemo(() => nodeSizes(view?.steps ?? [], dragBase ?? positions, dims), [view, positions, dims, dragBase]);
  const sizesRef = useRef(sizes);
  sizesRef.current = sizes;
  const nodes: StepFlowNode[] = useMemo(
    () =>
      (view?.steps ?? []).map((step) => ({
        id: step.id,
        type: step.container ? ('container' as const) : ('step' as const),
        position: positions[step.id] ?? { x: step.index * 280, y: step.parentId ? 72 : 0 },
        data: { step, diagnostics: byStep.get(step.id) ?? EMPTY },
        selected: selected.has(step.id),
        ...(step.parentId ? { parentId: step.parentId } : {}),
        ...(step.container
          ? { style: { width: sizes[step.id]?.width, height: sizes[step.id]?.height }, width: sizes[step.id]?.width, height: sizes[step.id]?.height }
          : { measured: dims[step.id] }),
        ariaLabel: `${step.name} (${step.type}${step.container ? `, ${step.children.length} nested` : ''}${step.parentId ? `, inside ${step.parentId}` : ''})`,
      })),
    [view, positions, byStep, selected, dims, sizes],
  );
  const edges: Edge<FlowEdgeData>[] = useMemo(() => toFlowEdges(view?.edges ?? []).map((e) => ({ ...e, type: 'routed' })), [view]);
  // The router needs every card's size: containers' come from their children.
  const obstacles = useMemo(() => nodes.map((n) => (n.measured ? n : { ...n, measured: sizes[n.id] })), [nodes, sizes]);

  const onNodesChange = useCallback((changes: NodeChange<StepFlowNode>[]) => {
    const doc = useDocument.getState();
    let next: Record<string, { x: number; y: number }> | null = null;
    let ended = false;
    let sel: Set<string> | null = null;
    const measured: Record<string, { width: number; height: number }> = {};
    for (const c of changes) {
      if (c.type === 'dimensions' && c.dimensions && !doc.view?.steps.find((st) => st.id === c.id)?.container) measured[c.id] = { width: c.dimensions.width, height: c.dimensions.height };
      if (c.type === 'select') {
        sel = sel ?? new Set(doc.selection);
        if (c.selected) sel.add(c.id);
        else sel.delete(c.id);
      }
      if (c.type === 'position' && c.position) {
        if (!dragStart.current) {
          dragStart.current = doc.positions;
          setDragBase(doc.positions);
        }
        next = next ?? { ...doc.positions };
        next[c.id] = { x: Math.round(c.position.x), y: Math.round(c.position.y) };
      }
      if (c.type === 'position' && c.dragging === false) ended = true;
    }
    if (Object.keys(measured).length) setDims((d) => ({ ...d, ...measured }));
    if (sel) doc.select([...sel]);
    if (next) doc.setPositions(next);
    if (ended && dragStart.current) {
      const before = dragStart.current;
      dragStart.current = null;
      setDragBase(null);
      const after = useDocument.getState().positions;
      // Record one history entry for the whole drag.
      useDocument.setState({ positions: before });
      // One card dropped on a container joins its nested steps; a nested card dropped outside its container leaves it.
      const moved = Object.keys(after).filter((id) => after[id].x !== before[id]?.x || after[id].y !== before[id]?.y);
      const steps = doc.view?.steps ?? [];
      const to = moved.length === 1 ? dragTarget(moved[0], steps, after, sizesRef.current) : undefined;
      if (!to || !moveStepTo(moved[0], to.container?.id, to.position)) {
        // A nested card that stays in its container stays right of and below its inner edge.
        const nested = moved.filter((id) => steps.find((s) => s.id === id)?.parentId);
        useDocument.getState().setPositions({ ...after, ...Object.fromEntries(nested.map((id) => [id, insideEdge(after[id])])) }, 'Move nodes');
      }
      persistLayoutSoon();
    }
  }, []);

  const onEdgesChange = useCallback((changes: EdgeChange<Edge<FlowEdgeData>>[]) => {
    for (const c of changes) {
      if (c.type === 'remove') {
        // A merged edge stands for several references; removing it removes its previous_response part.
        const ids = c.id.split('|');
        const e = useDocument.getState().view?.edges.find((x) => ids.includes(x.id) && x.kind === 'previous_response');
        if (e) disconnect(e.source, e.target);
      }
    }
  }, []);


  const onConnect = useCallback((c: Connection) => {
    if (c.source && c.target) connectSteps(c.source, c.target, c.sourceHandle, c.targetHandle);
  }, []);

  const onDragOver = useCallback((e: React.DragEvent) => {
    if (e.dataTransfer.types.includes(STEP_MIME)) {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    }
  }, []);
  const place = useCallback(
    (type: string, screen: Point, grab: Point) => {
      const doc = useDocument.getState();
      const overlays = wrap.current ? overlayRects(wrap.current, flow.screenToFlowPosition) : [];
      addStepOfType(type, placeNewCard(flow.screenToFlowPosition(screen), grab, doc.view?.steps ?? [], doc.positions, sizesRef.current, overlays));
    },
    [flow],
  );
  useEffect(() => {
    placeAtCentre = (type) => {
      const r = wrap.current?.getBoundingClientRect();
      if (!r || r.width === 0 || r.height === 0) return false;
      place(type, { x: r.left + r.width / 2, y: r.top + r.height / 2 }, { x: NEW_CARD.width / 2, y: NEW_CARD.height / 2 });
      return true;
    };
    return () => {
      placeAtCentre = null;
    };
  }, [place]);
  const onDrop = useCallback(
    (e: React.DragEvent) => {
      const type = e.dataTransfer.getData(STEP_MIME);
      if (!type) return;
      e.preventDefault();
      // The card's header goes under the pointer.
      place(type, { x: e.clientX, y: e.clientY }, { x: NODE_WIDTH / 2, y: 24 });
    },
    [place],
  );

  const fitted = useRef<number>(-1);
  const viewVersion = useDocument((s) => s.viewVersion);
  const textSource = useDocument((s) => s.textSource);
  useEffect(() => {
    // Fit on first render of a freshly loaded document.
    if (textSource === 'load' && fitted.current !== viewVersion && nodes.length) {
      fitted.current = viewVersion;
      requestAnimationFrame(() => flow.fitView({ ...FIT_VIEW, duration: 0 }));
    }
  }, [viewVersion, textSource, nodes.length, flow]);

  return (
    <div className="canvas-wrap" data-testid="canvas" ref={wrap} onDragOver={onDragOver} onDrop={onDrop}>
      {parseError && (
        <div className="canvas-banner" role="status" data-testid="parse-error-banner">
          <span className="sev-error">YAML error</span>
          <span>
            line {parseError.line}: {parseError.message.replace(/^YAML: /, '')} — {view ? 'showing the last valid graph' : 'the graph appears once the YAML parses'}
          </span>
        </div>
      )}
      <SmartEdgeProvider nodes={obstacles} options={ROUTING}>
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onConnect={onConnect}
          deleteKeyCode={null}
          multiSelectionKeyCode={['Meta', 'Control', 'Shift']}
          colorMode={theme}
          minZoom={0.1}
          maxZoom={2}
          onlyRenderVisibleElements={nodes.length > 80}
          elevateNodesOnSelect={false}
          proOptions={{ hideAttribution: true }}
          defaultEdgeOptions={{ type: 'smoothstep' }}
          aria-label="Workflow canvas"
        >
          <Background variant={BackgroundVariant.Dots} gap={18} size={1.2} color="var(--canvas-dot)" />
          <MiniMap pannable zoomable style={{ width: 168, height: 110 }} nodeColor={(n) => ((n as StepFlowNode).data.step.container ? 'transparent' : familyHex[(n as StepFlowNode).data.step.family])} nodeStrokeColor={(n) => familyHex[(n as StepFlowNode).data.step.family]} nodeStrokeWidth={2} maskColor={theme === 'dark' ? 'rgba(10,12,16,0.6)' : 'rgba(240,242,246,0.6)'} bgColor={theme === 'dark' ? '#16191f' : '#ffffff'} ariaLabel="Minimap" />
          <Controls showInteractive={false} aria-label="Canvas controls" />
        </ReactFlow>
      </SmartEdgeProvider>
      {view && view.steps.length === 0 && (
        <div className="canvas-empty">
          <div>Drag a step from the palette to start</div>
        </div>
      )}
    </div>
  );
}
