/**
 * The open workflow: its text (the single source of truth), the last good view for the canvas,
 * diagnostics, layout (sidecar positions, never in the YAML), selection and the one undo/redo history
 * shared by canvas, inspector and YAML editor (the editor routes Ctrl+Z here instead of its own stack).
 */
import { create } from 'zustand';
import { buildView } from '../model/workflow';
import { minimalEdit } from '../model/text-diff';
import type { DiagnosticView, StepView, WorkflowView } from '../model/types';
import type { LayoutFile } from '../../shared/api/index';

export type Positions = Record<string, { x: number; y: number }>;
export type TextSource = 'load' | 'editor' | 'canvas' | 'history';

interface Snapshot {
  text: string;
  positions: Positions;
  label: string;
}

export interface DocumentState {
  /** Null until a document is open (welcome screen). */
  open: boolean;
  path: string | null;
  fileName: string;
  text: string;
  savedText: string;
  positions: Positions;
  savedPositionsJson: string;
  viewport?: LayoutFile['viewport'];
  /** Last view built from text that parsed; the canvas shows it. */
  view: WorkflowView | null;
  /** Set while the current text does not parse. */
  parseError: DiagnosticView | null;
  diagnostics: DiagnosticView[];
  selection: string[];
  /** Increments on every text change; `textSource` says who made it (the editor ignores its own). */
  textVersion: number;
  textSource: TextSource;
  /** Increments when the view changes (the canvas re-derives nodes). */
  viewVersion: number;
  lastSyncMs: number;
  past: Snapshot[];
  future: Snapshot[];
  lastEditorPushAt: number;
  /** Offset just after the last typed change: typing on from there continues the same history entry. */
  editorCaret: number;
  /** The merge key of the latest history entry while it may still absorb edits (one entry per field edit). */
  mergeKey: string | null;

  load(doc: { path: string | null; fileName: string; text: string; layout: LayoutFile | null }): void;
  close(): void;
  /** Text changed in the YAML editor. */
  setTextFromEditor(text: string): void;
  /**
   * A canvas edit: `fn` maps the current text to the new text (through the shared editor). Consecutive edits
   * with the same `merge` key (typing in one inspector field) make one history entry until `endMerge`.
   */
  applyEdit(label: string, fn: (text: string) => string, after?: (s: DocumentState) => Partial<DocumentState>, merge?: string): boolean;
  /** Closes the open merge: the next edit starts a new history entry. */
  endMerge(): void;
  setPositions(positions: Positions, record?: string): void;
  select(ids: string[]): void;
  undo(): void;
  redo(): void;
  markSaved(path: string, fileName: string): void;
  setViewport(v: LayoutFile['viewport']): void;
  reparse(): void;
}

const HISTORY_LIMIT = 200;
const EDITOR_COALESCE_MS = 1000;

/**
 * A step whose id changed in place (renamed in the YAML: same path, new name) keeps the position of the step
 * that was at its path; returns null when nothing moved.
 */
export function carryPositions(prev: StepView[], next: StepView[], positions: Positions): Positions | null {
  const nextIds = new Set(next.map((s) => s.id));
  const gone = new Map(prev.filter((s) => !nextIds.has(s.id) && positions[s.id]).map((s) => [s.path, s.id]));
  let out: Positions | null = null;
  for (const s of next) {
    const old = gone.get(s.path);
    if (!old || positions[s.id]) continue;
    out = out ?? { ...positions };
    out[s.id] = out[old];
    delete out[old];
  }
  return out;
}

function rebuild(text: string, prev: Pick<DocumentState, 'view' | 'viewVersion' | 'positions'>): Partial<DocumentState> {
  const t0 = performance.now();
  const result = buildView(text);
  const ms = performance.now() - t0;
  if (!result.ok) return { parseError: result.error, diagnostics: result.diagnostics, lastSyncMs: ms };
  const carried = prev.view ? carryPositions(prev.view.steps, result.view.steps, prev.positions) : null;
  return { view: result.view, parseError: null, diagnostics: result.diagnostics, viewVersion: prev.viewVersion + 1, lastSyncMs: ms, ...(carried ? { positions: carried } : {}) };
}

const entry = (s: Pick<DocumentState, 'text' | 'positions'>, label: string): Snapshot => ({ text: s.text, positions: s.positions, label });
const pushed = (past: Snapshot[], snap: Snapshot) => [...past, snap].slice(-HISTORY_LIMIT);

let parseTimer: ReturnType<typeof setTimeout> | null = null;

export const useDocument = create<DocumentState>((set, get) => ({
  open: false,
  path: null,
  fileName: 'untitled.yaml',
  text: '',
  savedText: '',
  positions: {},
  savedPositionsJson: '{}',
  view: null,
  parseError: null,
  diagnostics: [],
  selection: [],
  textVersion: 0,
  textSource: 'load',
  viewVersion: 0,
  lastSyncMs: 0,
  past: [],
  future: [],
  lastEditorPushAt: 0,
  editorCaret: -1,
  mergeKey: null,

  load({ path, fileName, text, layout }) {
    const positions = { ...(layout?.nodes ?? {}) };
    const s = get();
    set({
      open: true,
      path,
      fileName,
      text,
      savedText: path ? text : '',
      positions,
      savedPositionsJson: path ? JSON.stringify(positions) : '',
      viewport: layout?.viewport,
      view: null,
      selection: [],
      past: [],
      future: [],
      mergeKey: null,
      textVersion: s.textVersion + 1,
      textSource: 'load',
      ...rebuild(text, { view: null, viewVersion: s.viewVersion, positions }),
    });
  },

  close() {
    set({ open: false, path: null, text: '', savedText: '', view: null, parseError: null, diagnostics: [], selection: [], past: [], future: [], mergeKey: null, positions: {} });
  },

  setTextFromEditor(text) {
    const s = get();
    if (text === s.text) return;
    const now = Date.now();
    // Typing runs into one entry, as in a code editor: a pause or a jump elsewhere in the text starts a new one.
    const edit = minimalEdit(s.text, text)!;
    const contiguous = edit.start === s.editorCaret || edit.end === s.editorCaret;
    const push = now - s.lastEditorPushAt > EDITOR_COALESCE_MS || !contiguous;
    set({
      text,
      textVersion: s.textVersion + 1,
      textSource: 'editor',
      lastEditorPushAt: now,
      editorCaret: edit.start + edit.text.length,
      mergeKey: null,
      ...(push ? { past: pushed(s.past, entry(s, 'Edit YAML')), future: [] } : {}),
    });
    if (parseTimer) clearTimeout(parseTimer);
    parseTimer = setTimeout(() => {
      parseTimer = null;
      const cur = get();
      set(rebuild(cur.text, cur));
    }, 20);
  },

  applyEdit(label, fn, after, merge) {
    const s = get();
    let next: string;
    try {
      next = fn(s.text);
    } catch (err) {
      console.warn(`${label} failed`, err);
      return false;
    }
    if (next === s.text) return false;
    const absorb = merge !== undefined && merge === s.mergeKey && s.past.length > 0;
    set({
      ...(absorb ? {} : { past: pushed(s.past, entry(s, label)) }),
      future: [],
      mergeKey: merge ?? null,
      text: next,
      textVersion: s.textVersion + 1,
      textSource: 'canvas',
      lastEditorPushAt: 0,
      ...rebuild(next, s),
    });
    if (after) set(after(get()));
    return true;
  },

  endMerge() {
    if (get().mergeKey !== null) set({ mergeKey: null });
  },

  setPositions(positions, record) {
    const s = get();
    if (record) {
      set({ past: pushed(s.past, entry(s, record)), future: [], positions, lastEditorPushAt: 0, mergeKey: null });
    } else set({ positions });
  },

  select(ids) {
    const cur = get().selection;
    if (cur.length === ids.length && cur.every((c, i) => c === ids[i])) return;
    set({ selection: ids });
  },

  undo() {
    const s = get();
    const prev = s.past[s.past.length - 1];
    if (!prev) return;
    set({
      past: s.past.slice(0, -1),
      future: [entry(s, prev.label), ...s.future],
      positions: prev.positions,
      lastEditorPushAt: 0,
      mergeKey: null,
      ...(prev.text !== s.text ? { text: prev.text, textVersion: s.textVersion + 1, textSource: 'history' as const, ...rebuild(prev.text, { ...s, positions: prev.positions }) } : {}),
    });
  },

  redo() {
    const s = get();
    const next = s.future[0];
    if (!next) return;
    set({
      future: s.future.slice(1),
      past: pushed(s.past, entry(s, next.label)),
      positions: next.positions,
      lastEditorPushAt: 0,
      mergeKey: null,
      ...(next.text !== s.text ? { text: next.text, textVersion: s.textVersion + 1, textSource: 'history' as const, ...rebuild(next.text, { ...s, positions: next.positions }) } : {}),
    });
  },

  markSaved(path, fileName) {
    const s = get();
    set({ path, fileName, savedText: s.text, savedPositionsJson: JSON.stringify(s.positions) });
  },

  setViewport(viewport) {
    set({ viewport });
  },

  reparse() {
    const s = get();
    set(rebuild(s.text, s));
  },
}));

export function isDirty(s: Pick<DocumentState, 'open' | 'text' | 'savedText' | 'positions' | 'savedPositionsJson' | 'path'>): boolean {
  // Layout changes of saved files are written to the sidecar at once, so only the text can be unsaved.
  if (!s.open) return false;
  return s.text !== s.savedText;
}

export function layoutOf(s: Pick<DocumentState, 'positions' | 'viewport'>): LayoutFile {
  return { version: 1, nodes: s.positions, ...(s.viewport ? { viewport: s.viewport } : {}) };
}
