/** UI state: theme, panels, dialogs, toasts. */
import { create } from 'zustand';

export type Theme = 'dark' | 'light';
export type DialogKind = null | 'open' | 'save-as' | 'open-folder' | 'palette' | 'templates' | 'confirm-discard';

export interface Toast {
  id: number;
  kind: 'info' | 'success' | 'error';
  text: string;
}

interface UiState {
  theme: Theme;
  editorVisible: boolean;
  editorHeight: number;
  /** Width of the YAML editor when it sits beside the canvas (wide windows); 0 means the default split. */
  editorWidth: number;
  wordWrap: boolean;
  dialog: DialogKind;
  pendingAction: (() => void) | null;
  toasts: Toast[];
  folder: { path: string; name: string; files: { name: string; path: string }[] } | null;
  setTheme(t: Theme): void;
  toggleTheme(): void;
  setEditorVisible(v: boolean): void;
  setEditorHeight(h: number): void;
  setEditorWidth(w: number): void;
  toggleWordWrap(): void;
  openDialog(d: DialogKind, pending?: () => void): void;
  closeDialog(): void;
  toast(kind: Toast['kind'], text: string): void;
  dismiss(id: number): void;
  setFolder(f: UiState['folder']): void;
}

function initialTheme(): Theme {
  const saved = localStorage.getItem('ps_theme');
  if (saved === 'dark' || saved === 'light') return saved;
  return 'dark';
}

let toastId = 1;

export const useUi = create<UiState>((set, get) => ({
  theme: initialTheme(),
  editorVisible: true,
  editorHeight: Number(localStorage.getItem('ps_editor_h')) || 0,
  editorWidth: Number(localStorage.getItem('ps_editor_w')) || 0,
  wordWrap: localStorage.getItem('ps_word_wrap') === 'on',
  dialog: null,
  pendingAction: null,
  toasts: [],
  folder: null,
  setTheme(theme) {
    localStorage.setItem('ps_theme', theme);
    set({ theme });
  },
  toggleTheme() {
    get().setTheme(get().theme === 'dark' ? 'light' : 'dark');
  },
  setEditorVisible(editorVisible) {
    set({ editorVisible });
  },
  setEditorHeight(editorHeight) {
    localStorage.setItem('ps_editor_h', String(Math.round(editorHeight)));
    set({ editorHeight });
  },
  setEditorWidth(editorWidth) {
    localStorage.setItem('ps_editor_w', String(Math.round(editorWidth)));
    set({ editorWidth });
  },
  toggleWordWrap() {
    const wordWrap = !get().wordWrap;
    localStorage.setItem('ps_word_wrap', wordWrap ? 'on' : 'off');
    set({ wordWrap });
  },
  openDialog(dialog, pending) {
    set({ dialog, pendingAction: pending ?? null });
  },
  closeDialog() {
    set({ dialog: null, pendingAction: null });
  },
  toast(kind, text) {
    const id = toastId++;
    set({ toasts: [...get().toasts, { id, kind, text }] });
    setTimeout(() => get().dismiss(id), kind === 'error' ? 7000 : 3500);
  },
  dismiss(id) {
    set({ toasts: get().toasts.filter((t) => t.id !== id) });
  },
  setFolder(folder) {
    set({ folder });
  },
}));
