/**
 * The designer workbench: palette | canvas and YAML editor | inspector. Canvas and editor sit side by side
 * when the middle column is wide enough, one over the other otherwise; the split is dragged and remembered.
 */
import { useEffect, useRef, useState } from 'react';
import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { Palette } from '../canvas/Palette';
import { Canvas, FIT_VIEW } from '../canvas/Canvas';
import { Inspector } from '../canvas/Inspector';
import { YamlEditor } from '../yaml-editor/YamlEditor';
import { useUi } from '../stores/ui';
import { useDocument } from '../stores/document';
import { registerCommand } from './commands';
import { autoLayout } from '../canvas/layout';
import { persistLayoutSoon } from '../workspace/actions';
import { exportGraph } from '../export/export';
import { Icon } from './icons';
import { revealPosition } from '../yaml-editor/editor-ref';
import { RunPanel } from '../run/RunPanel';
import { RunShortcuts } from '../run/RunStatus';
import { useRun } from '../run/run-store';

function CanvasCommands() {
  const flow = useReactFlow();
  useEffect(() => {
    const offs = [
      registerCommand({ id: 'canvas.fit', group: 'View', title: 'Fit view', run: () => flow.fitView({ ...FIT_VIEW, duration: 200 }) }),
      registerCommand({
        id: 'canvas.layout',
        group: 'View',
        title: 'Auto-layout',
        run: () => {
          const view = useDocument.getState().view;
          if (!view) return;
          useDocument.getState().setPositions(autoLayout(view.steps, view.edges), 'Auto-layout');
          persistLayoutSoon();
          requestAnimationFrame(() => flow.fitView({ ...FIT_VIEW, duration: 200 }));
        },
      }),
      registerCommand({ id: 'export.png', group: 'Export', title: 'Export graph as PNG', run: () => void exportGraph('png', flow.getNodes()) }),
      registerCommand({ id: 'export.svg', group: 'Export', title: 'Export graph as SVG', run: () => void exportGraph('svg', flow.getNodes()) }),
    ];
    return () => offs.forEach((o) => o());
  }, [flow]);
  return null;
}

function EditorHeader() {
  const parseError = useDocument((s) => s.parseError);
  const fileName = useDocument((s) => s.fileName);
  const setVisible = useUi((s) => s.setEditorVisible);
  return (
    <div className="panel-header">
      <Icon name="code" width={14} height={14} /> YAML <span className="mono" style={{ textTransform: 'none', letterSpacing: 0, fontWeight: 400 }}>{fileName}</span>
      <span className="spacer" />
      {parseError && (
        <button type="button" className="btn sev-error" style={{ textTransform: 'none', letterSpacing: 0, height: 22 }} onClick={() => revealPosition(parseError.line, parseError.column)}>
          Line {parseError.line}: {parseError.message.replace(/^YAML: /, '').slice(0, 80)}
        </button>
      )}
      <button type="button" className="btn icon" aria-label="Hide YAML editor" title="Hide (Ctrl+J)" onClick={() => setVisible(false)}>
        <Icon name="close" />
      </button>
    </div>
  );
}

/** Middle-column width from which canvas and YAML sit side by side (about 1600 px windows: each half keeps ~500 px). */
const SIDE_BY_SIDE_MIN = 1000;
const MIN_PANE = 240;

/** Follows the middle column's width: side by side when it is wide enough. */
function useSideBySide(el: React.RefObject<HTMLDivElement | null>): boolean {
  const [side, setSide] = useState(false);
  useEffect(() => {
    if (!el.current) return;
    const ro = new ResizeObserver(([e]) => setSide(e.contentRect.width >= SIDE_BY_SIDE_MIN));
    ro.observe(el.current);
    return () => ro.disconnect();
  }, [el]);
  return side;
}

export function Designer() {
  const visible = useUi((s) => s.editorVisible);
  const height = useUi((s) => s.editorHeight);
  const width = useUi((s) => s.editorWidth);
  const runOpen = useRun((s) => s.panelOpen);
  const center = useRef<HTMLDivElement>(null);
  const side = useSideBySide(center);
  const onSplitDown = (e: React.PointerEvent) => {
    const el = center.current;
    if (!el) return;
    const rect = el.getBoundingClientRect();
    const target = e.currentTarget as HTMLElement;
    target.setPointerCapture(e.pointerId);
    target.classList.add('dragging');
    const ui = useUi.getState();
    const move = side
      ? (ev: PointerEvent) => ui.setEditorWidth(Math.min(rect.width - MIN_PANE, Math.max(MIN_PANE, rect.right - ev.clientX)))
      : (ev: PointerEvent) => ui.setEditorHeight(Math.min(rect.height - 140, Math.max(120, rect.bottom - ev.clientY)));
    const up = () => {
      target.classList.remove('dragging');
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  };
  return (
    <ReactFlowProvider>
      <CanvasCommands />
      <RunShortcuts />
      <div className="workbench">
        <Palette />
        <div
          ref={center}
          className={`center ${side ? 'side' : 'stacked'} ${visible || runOpen ? '' : 'editor-hidden'}`}
          data-testid="designer-center"
          style={{ ...(height ? { ['--editor-h' as string]: `${height}px` } : {}), ...(width ? { ['--editor-w' as string]: `${width}px` } : {}) } as React.CSSProperties}
        >
          <Canvas />
          <div className="splitter" role="separator" aria-orientation={side ? 'vertical' : 'horizontal'} aria-label="Resize YAML editor" onPointerDown={onSplitDown} />
          {runOpen && <RunPanel />}
          <section className="editor-pane" aria-label="YAML editor" style={visible && !runOpen ? undefined : { display: 'none' }}>
            <EditorHeader />
            <YamlEditor />
          </section>
        </div>
        <Inspector />
      </div>
    </ReactFlowProvider>
  );
}
