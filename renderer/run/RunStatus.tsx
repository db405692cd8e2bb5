/** A step's state in the run shown (pending, running, done, failed, skipped) and its duration, on its canvas node. */
import { useEffect } from 'react';
import type { TraceStep } from '../../shared/run/trace';
import { registerCommand } from '../app/commands';
import { useDocument } from '../stores/document';
import { useUi } from '../stores/ui';
import { openPanel, startRun, stopRun, useRun, workflowName } from './run-store';

export const STATUS_LABEL: Record<TraceStep['status'], string> = {
  pending: 'pending',
  running: 'running',
  ok: 'done',
  failed: 'failed',
  skipped: 'skipped',
  unsupported: 'not run here',
};

export function formatMs(ms: number | undefined | null): string {
  if (ms === undefined || ms === null) return '';
  return ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** The shown run's step at this top-level position, when the run is of the open workflow. */
export function useTraceStep(index: number, name: string, depth: number): TraceStep | undefined {
  return useRun((s) => {
    const t = s.trace;
    if (!t || depth !== 0 || t.path !== useDocument.getState().path || t.workflow !== workflowName()) return undefined;
    const step = t.steps[index];
    return step?.step === name ? step : undefined;
  });
}

export function RunLine({ index, name, depth }: { index: number; name: string; depth: number }) {
  const step = useTraceStep(index, name, depth);
  if (!step) return null;
  const detail = step.error ?? step.reason;
  return (
    <div className={`sn-run ${step.status}`} data-testid="node-run" data-status={step.status} title={detail}>
      <span className="sn-run-dot" aria-hidden="true" />
      {STATUS_LABEL[step.status]}
      {step.status !== 'pending' && step.status !== 'running' && step.latencyMs !== undefined && <span className="sn-run-ms">{formatMs(step.latencyMs)}</span>}
    </div>
  );
}

/** Ctrl/Cmd+Enter runs the open workflow (the designer's shortcut); the palette gets Run and Stop. */
export function RunShortcuts() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // Not under a dialog (the palette, open, save as): Enter there is the dialog's.
      if ((e.ctrlKey || e.metaKey) && e.key === 'Enter' && !e.shiftKey && !e.altKey && !useUi.getState().dialog) {
        e.preventDefault();
        e.stopPropagation();
        void startRun();
      }
    };
    // Capture: the YAML editor would otherwise take the keys.
    window.addEventListener('keydown', onKey, true);
    const offs = [
      registerCommand({ id: 'run.start', group: 'Run', title: 'Run workflow', shortcut: 'Ctrl+Enter', run: () => void startRun() }),
      registerCommand({ id: 'run.stop', group: 'Run', title: 'Stop the run', run: () => void stopRun() }),
      registerCommand({ id: 'run.history', group: 'Run', title: 'Run history', run: () => openPanel('history') }),
    ];
    return () => {
      window.removeEventListener('keydown', onKey, true);
      offs.forEach((o) => o());
    };
  }, []);
  return null;
}
