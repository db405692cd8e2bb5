/**
 * What each DSPy step of the open workflow runs next (its dataset's promoted program, stale or not,
 * or the baseline and why): one store for the canvas nodes and the Optimize screen.
 */
import { useEffect, useMemo } from 'react';
import { create } from 'zustand';
import type { StepProgramStatus } from '../../shared/api/index';
import { parseWorkflowDocument } from '../../shared/yaml/document';
import { studio } from '../api/client';
import { useDocument } from '../stores/document';
import { useUi } from '../stores/ui';

interface StepProgramsState {
  byStep: Record<string, StepProgramStatus>;
  /** Why the statuses could not be loaded (the canvas then shows none). */
  error: string | null;
}

export const useStepPrograms = create<StepProgramsState>(() => ({ byStep: {}, error: null }));

let timer: ReturnType<typeof setTimeout> | undefined;

function openRoot(): Record<string, unknown> | undefined {
  const { open, text } = useDocument.getState();
  const root = open ? parseWorkflowDocument(text).value : undefined;
  return root && typeof root === 'object' && !Array.isArray(root) ? (root as Record<string, unknown>) : undefined;
}

async function loadStepPrograms(): Promise<Record<string, StepProgramStatus>> {
  const root = openRoot();
  try {
    const byStep = root ? Object.fromEntries((await studio.call('optimize.stepPrograms', { workflow: root })).steps.map((s) => [s.step, s])) : {};
    useStepPrograms.setState({ byStep, error: null });
    return byStep;
  } catch (e) {
    useStepPrograms.setState({ byStep: {}, error: e instanceof Error ? e.message : String(e) });
    return {};
  }
}

/** Reloads the statuses of the open workflow's DSPy steps (debounced: edits come in bursts). */
export function refreshStepPrograms(delayMs = 250): void {
  clearTimeout(timer);
  timer = setTimeout(() => void loadStepPrograms(), delayMs);
}

/** Promotes a version, then says what really runs it: the open workflow's step may not use it. */
export async function promote(versionId: string, task: string): Promise<boolean> {
  try {
    await studio.call('optimize.promote', { versionId });
  } catch (e) {
    useUi.getState().toast('error', `Promote: ${e instanceof Error ? e.message : String(e)}`);
    return false;
  }
  const step = (await loadStepPrograms())[task];
  if (!step) useUi.getState().toast('success', `Promoted for ${task}: DSPy steps named ${task} run it where their optimization_enabled is on`);
  else if (step.runs === 'optimized') useUi.getState().toast('success', `Promoted: step ${task} of the open workflow now runs this program`);
  else useUi.getState().toast('info', `Promoted, but step ${task} of the open workflow still runs the baseline: ${step.why}`);
  return true;
}

/** Keeps the statuses current: when the workflow changes and when an optimization finishes. */
export function useStepProgramsSync(): void {
  const viewVersion = useDocument((s) => s.viewVersion);
  const open = useDocument((s) => s.open);
  useEffect(() => refreshStepPrograms(), [viewVersion, open]);
  useEffect(() => studio.on('optimize.job', () => refreshStepPrograms()), []);
}

/** The node's one-line program state, or null for a step without a promoted program. */
export function programBadge(s: StepProgramStatus | undefined): { text: string; tone: 'ok' | 'warn' | 'muted'; title: string } | null {
  if (!s?.promoted) return null;
  const score = `${Math.round(s.promoted.optimizedScore * 100)}% ${s.promoted.scoredOn === 'dev' ? 'dev' : 'train'}`;
  if (s.stale) return { text: s.runs === 'optimized' ? `stale program · ${score}` : 'stale · runs baseline', tone: 'warn', title: s.stale };
  if (s.runs === 'optimized') return { text: `optimized · ${score}`, tone: 'ok', title: s.why };
  return { text: 'baseline (program not used)', tone: 'muted', title: s.why };
}

/** The open workflow's parsed root when it has a DSPy step for `task` (so the host builds that step's program). */
export function useWorkflowFor(task: string): Record<string, unknown> | undefined {
  const has = useStepPrograms((s) => Boolean(s.byStep[task]));
  const text = useDocument((s) => s.text);
  // text is a dependency because openRoot reads the current text
  return useMemo(() => (has ? openRoot() : undefined), [has, text]);
}
