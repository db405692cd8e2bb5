/**
 * The open workflow: its text (the single source of truth), the last good view for the canvas,
 * diagnostics, layout (sidecar positions, never in the YAML), selection and undo/redo history.
 */
import { create } from 'zustand';
import { buildView } from '../model/workflow';
import type { DiagnosticView, WorkflowView } from '../model/types';
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

  load(doc: { path: string | null; fileName: string; text: string; layout: LayoutFile | null }): void;
  close(): void;
  /** Text changed in the YAML editor. */
  setTextFromEditor(text: string): void;
  /** A canvas edit: `fn` maps the current text to the new text (through the shared editor). */
  applyEdit(label: string, fn: (text: string) => string, after?: (s: DocumentState) => Partial<DocumentState>): boolean;
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

function rebuild(text: string, prev: Pick<DocumentState, 'view' | 'viewVersion'>): Partial<DocumentState> {
  const t0 = performance.now();
  const result = buildView(text);
  const ms = performance.now() - t0;
  if (result.ok) return { view: result.view, parseError: null, diagnostics: result.diagnostics, viewVersion: prev.viewVersion + 1, lastSyncMs: ms };
  return { parseError: result.error, diagnostics: result.diagnostics, lastSyncMs: ms };
}

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
      textVersion: s.textVersion + 1,
      textSource: 'load',
      ...rebuild(text, { view: null, viewVersion: s.viewVersion }),
    });
  },

  close() {
    set({ open: false, path: null, text: '', savedText: '', view: null, parseError: null, diagnostics: [], selection: [], past: [], future: [], positions: {} });
  },

  setTextFromEditor(text) {
    const s = get();
    if (text === s.text) return;
    const now = Date.now();
    const push = now - s.lastEditorPushAt > EDITOR_COALESCE_MS;
    set({
      text,
      textVersion: s.textVersion + 1,
      textSource: 'editor',
      lastEditorPushAt: now,
      ...(push ? { past: [...s.past, { text: s.text, positions: s.positions, label: 'Edit YAML' }].slice(-HISTORY_LIMIT), future: [] } : {}),
    });
    if (parseTimer) clearTimeout(parseTimer);
    parseTimer = setTimeout(() => {
      parseTimer = null;
      const cur = get();
      set(rebuild(cur.text, cur));
    }, 20);
  },

  applyEdit(label, fn, after) {
    const s = get();
    let next: string;
    try {
      next = fn(s.text);
    } catch (err) {
      console.warn(`${label} failed`, err);
      return false;
    }
    if (next === s.text) return false;
    set({
      past: [...s.past, { text: s.text, positions: s.positions, label }].slice(-HISTORY_LIMIT),
      future: [],
      text: next,
      textVersion: s.textVersion + 1,
      textSource: 'canvas',
      lastEditorPushAt: 0,
      ...rebuild(next, s),
    });
    if (after) set(after(get()));
    return true;
  },

  setPositions(positions, record) {
    const s = get();
    if (record) {
      set({ past: [...s.past, { text: s.text, positions: s.positions, label: record }].slice(-HISTORY_LIMIT), future: [], positions, lastEditorPushAt: 0 });
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
      future: [{ text: s.text, positions: s.positions, label: prev.label }, ...s.future],
      positions: prev.positions,
      lastEditorPushAt: 0,
      ...(prev.text !== s.text ? { text: prev.text, textVersion: s.textVersion + 1, textSource: 'history' as const, ...rebuild(prev.text, s) } : {}),
    });
  },

  redo() {
    const s = get();
    const next = s.future[0];
    if (!next) return;
    set({
      future: s.future.slice(1),
      past: [...s.past, { text: s.text, positions: s.positions, label: next.label }],
      positions: next.positions,
      lastEditorPushAt: 0,
      ...(next.text !== s.text ? { text: next.text, textVersion: s.textVersion + 1, textSource: 'history' as const, ...rebuild(next.text, s) } : {}),
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
