/**
 * Runs of the open workflow: the Run panel's form, the trace being shown (live or reopened from
 * history), and the history list. The trace fills in from the host's `workflow.runEvent` stream.
 */
import { create } from 'zustand';
import type { BatchProgress, RunSummary } from '../../shared/api/index';
import { DSPY_STEP_TYPES, inferRunInputs, runInputValues, type RunInputField } from '../../shared/run/inputs';
import type { RunTrace } from '../../shared/run/trace';
import { parseWorkflowDocument } from '../../shared/yaml/document';
import { studio } from '../api/client';
import { useDocument } from '../stores/document';
import { useNav } from '../stores/nav';
import { useUi } from '../stores/ui';

export type RunModel = RunTrace['model'];

interface RunState {
  panelOpen: boolean;
  tab: 'run' | 'history';
  model: RunModel;
  values: Record<string, string>;
  /** The trace shown in the panel and on the canvas. */
  trace: RunTrace | null;
  /** The trace step whose details are open. */
  selected: number | null;
  history: RunSummary[];
  historyError: string | null;
  /** Set while a start request is on its way (the trace is not there yet). */
  starting: boolean;
  error: string | null;
  /** The step last added to its dataset, for the "Label in Data" link. */
  added: { runId: string; index: number; task: string } | null;
  /** Runs ticked in the history (two at most), and the pair being compared. */
  picks: string[];
  comparing: [RunTrace, RunTrace] | null;
  /** What "each step's provider" means here (Settings' active model), once known. */
  providers: { label: string; simulated: boolean } | null;
  batch: BatchProgress | null;
  batchForm: { dataset: string; labelState: '' | 'accepted' | 'corrected' | 'unlabeled'; limit: number };
}

export const useRun = create<RunState>(() => ({
  panelOpen: false,
  tab: 'run',
  model: 'simulated',
  values: {},
  trace: null,
  selected: null,
  history: [],
  historyError: null,
  starting: false,
  error: null,
  added: null,
  picks: [],
  comparing: null,
  providers: null,
  batch: null,
  batchForm: { dataset: '', labelState: '', limit: 20 },
}));

/** The open workflow's parsed root, or undefined while the text does not parse. */
function openRoot(): unknown {
  const { open, text } = useDocument.getState();
  return open ? parseWorkflowDocument(text).value : undefined;
}

export function workflowName(): string {
  const root = openRoot() as { workflow?: { name?: unknown } } | undefined;
  return typeof root?.workflow?.name === 'string' ? root.workflow.name : '';
}

export function formFields(): RunInputField[] {
  return inferRunInputs(openRoot());
}

let subscribed = false;
/** A batch's events can arrive before the call that started it answers: the newest is kept. */
const lastBatchEvent = new Map<string, BatchProgress>();
function subscribe(): void {
  if (subscribed) return;
  subscribed = true;
  // Another file: its own runs, not the last file's.
  useDocument.subscribe((s, prev) => {
    if (s.path !== prev.path || s.open !== prev.open) useRun.setState({ trace: null, selected: null, history: [], picks: [], comparing: null, added: null, error: null, batch: null });
  });
  studio.on('workflow.batchEvent', (p) => {
    lastBatchEvent.set(p.batchId, p);
    if (useRun.getState().batch?.batchId !== p.batchId) return;
    useRun.setState({ batch: p });
    // The panel follows the batch's run under way.
    if (p.currentRunId && useRun.getState().trace?.runId !== p.currentRunId) void follow(p.currentRunId);
    if (p.status !== 'running') void loadHistory();
  });
  studio.on('workflow.runEvent', (e) => {
    const { trace } = useRun.getState();
    if (e.kind === 'run') {
      if (trace?.runId === e.trace.runId) useRun.setState({ trace: e.trace });
      if (e.trace.status !== 'running') void loadHistory();
    } else if (trace?.runId === e.runId) {
      const steps = trace.steps.slice();
      steps[e.step.index] = e.step;
      useRun.setState({ trace: { ...trace, steps } });
    }
  });
}

export function openPanel(tab: RunState['tab'] = 'run'): void {
  subscribe();
  useRun.setState({ panelOpen: true, tab });
  if (tab === 'history') void loadHistory();
  void loadProviders();
}

async function loadProviders(): Promise<void> {
  try {
    const p = await studio.call('providers.status', {});
    useRun.setState({ providers: { label: p.simulated ? p.simulatedLabel : p.activeLabel, simulated: p.simulated } });
  } catch {
    // The option then says only what it does.
    useRun.setState({ providers: null });
  }
}

export function isRunning(): boolean {
  const s = useRun.getState();
  return s.starting || s.trace?.status === 'running' || s.batch?.status === 'running';
}

export async function startRun(): Promise<void> {
  subscribe();
  if (isRunning()) return;
  const doc = useDocument.getState();
  if (!doc.open) return;
  const { inputs, missing } = runInputValues(formFields(), useRun.getState().values);
  if (missing.length) {
    useRun.setState({ panelOpen: true, tab: 'run', error: `Fill in ${missing.map((m) => `inputs.${m}`).join(', ')} first` });
    return;
  }
  useRun.setState({ panelOpen: true, tab: 'run', starting: true, error: null, selected: null });
  try {
    const { trace } = await studio.call('workflow.run', { text: doc.text, path: doc.path ?? undefined, inputs, model: useRun.getState().model });
    // Events may have arrived before the answer: keep the newer steps.
    const current = useRun.getState().trace;
    useRun.setState({ trace: current?.runId === trace.runId ? current : trace, starting: false });
  } catch (e) {
    useRun.setState({ starting: false, error: e instanceof Error ? e.message : String(e) });
  }
}

async function follow(runId: string): Promise<void> {
  try {
    const { trace } = await studio.call('workflow.trace', { runId });
    // A newer run may have started meanwhile; events keep the followed one current.
    if (useRun.getState().batch?.currentRunId === runId) useRun.setState({ trace, selected: null });
  } catch {
    // The next batch event tries again with the next run.
  }
}

/** DSPy steps of the open workflow: each names a dataset a batch can take its inputs from. */
export function datasetSteps(): string[] {
  const root = openRoot() as { workflow?: { steps?: unknown } } | undefined;
  const steps = Array.isArray(root?.workflow?.steps) ? (root.workflow.steps as { name?: unknown; type?: unknown }[]) : [];
  return steps.filter((s) => DSPY_STEP_TYPES.has(String(s?.type)) && typeof s.name === 'string').map((s) => String(s.name));
}

export async function startBatch(): Promise<void> {
  subscribe();
  if (isRunning() || useRun.getState().batch?.status === 'running') return;
  const doc = useDocument.getState();
  const form = useRun.getState().batchForm;
  const dataset = form.dataset || datasetSteps()[0];
  if (!doc.open || !dataset) return;
  useRun.setState({ error: null });
  try {
    const batch = await studio.call('workflow.batch', { text: doc.text, path: doc.path ?? undefined, dataset, labelState: form.labelState || undefined, limit: form.limit, model: useRun.getState().model });
    const latest = lastBatchEvent.get(batch.batchId) ?? batch;
    useRun.setState({ batch: latest });
    if (latest.currentRunId) void follow(latest.currentRunId);
  } catch (e) {
    useRun.setState({ error: e instanceof Error ? e.message : String(e) });
  }
}

export async function stopBatch(): Promise<void> {
  const batch = useRun.getState().batch;
  if (batch?.status !== 'running') return;
  try {
    await studio.call('workflow.stopBatch', { batchId: batch.batchId });
  } catch (e) {
    useUi.getState().toast('error', `Stop batch: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export async function stopRun(): Promise<void> {
  const { trace } = useRun.getState();
  if (trace?.status !== 'running') return;
  try {
    await studio.call('workflow.stop', { runId: trace.runId });
  } catch (e) {
    useUi.getState().toast('error', `Stop: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export async function loadHistory(): Promise<void> {
  const workflow = workflowName();
  if (!workflow) return;
  try {
    const { runs } = await studio.call('workflow.runs', { workflow, path: useDocument.getState().path ?? undefined });
    useRun.setState({ history: runs, historyError: null });
  } catch (e) {
    useRun.setState({ historyError: e instanceof Error ? e.message : String(e) });
  }
}

export async function reopenRun(runId: string): Promise<void> {
  try {
    const { trace } = await studio.call('workflow.trace', { runId });
    useRun.setState({ trace, tab: 'run', selected: null, values: Object.fromEntries(Object.entries(trace.inputs).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])) });
  } catch (e) {
    useUi.getState().toast('error', `Open run: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Ticks or unticks a run for comparison; a third tick replaces the oldest. */
export function togglePick(runId: string): void {
  const picks = useRun.getState().picks;
  useRun.setState({ picks: picks.includes(runId) ? picks.filter((p) => p !== runId) : [...picks, runId].slice(-2) });
}

export async function compareRuns(): Promise<void> {
  const [a, b] = useRun.getState().picks;
  if (!a || !b) return;
  try {
    const [ta, tb] = await Promise.all([studio.call('workflow.trace', { runId: a }), studio.call('workflow.trace', { runId: b })]);
    useRun.setState({ comparing: [ta.trace, tb.trace] });
  } catch (e) {
    useUi.getState().toast('error', `Compare runs: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The Data screen on the step's dataset, where the new example waits to be labeled. */
export function labelInData(task: string): void {
  useNav.getState().setSignature(task);
  useNav.getState().go('data');
}

export async function addToDataset(index: number): Promise<void> {
  const { trace } = useRun.getState();
  if (!trace) return;
  try {
    const r = await studio.call('workflow.addToDataset', { runId: trace.runId, step: index });
    if (r.added || r.reason?.includes('already stored')) useRun.setState({ added: { runId: trace.runId, index, task: r.task } });
    if (r.added) useUi.getState().toast('success', `Added to dataset ${r.task} as an unlabeled example: label or correct it in Data`);
    else useUi.getState().toast('info', `Not added to ${r.task}: ${r.reason ?? 'no reason given'}`);
  } catch (e) {
    useUi.getState().toast('error', `Add to dataset: ${e instanceof Error ? e.message : String(e)}`);
  }
}
