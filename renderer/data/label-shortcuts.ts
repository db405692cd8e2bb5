/** Labeling shortcuts: defaults, rebinding persisted in localStorage, and matching a key event. */
import { create } from 'zustand';

export type LabelAction = 'prev' | 'next' | 'accept' | 'reject' | 'edit' | 'note' | 'save' | 'undo' | 'help' | 'rate1' | 'rate2' | 'rate3' | 'rate4' | 'rate5';

export const LABEL_ACTIONS: { id: LabelAction; title: string }[] = [
  { id: 'prev', title: 'Previous example' },
  { id: 'next', title: 'Next example' },
  { id: 'accept', title: 'Accept the output' },
  { id: 'reject', title: 'Reject the output' },
  { id: 'edit', title: 'Edit the output' },
  { id: 'note', title: 'Write a note (Enter: reject with it, or save the edit with it)' },
  { id: 'save', title: 'Save the edit and advance' },
  { id: 'undo', title: 'Undo the last label' },
  { id: 'rate1', title: 'Rate 1 (on a classification output, number keys pick a choice instead)' },
  { id: 'rate2', title: 'Rate 2' },
  { id: 'rate3', title: 'Rate 3' },
  { id: 'rate4', title: 'Rate 4' },
  { id: 'rate5', title: 'Rate 5' },
  { id: 'help', title: 'Show the shortcuts' },
];

export const DEFAULT_BINDINGS: Record<LabelAction, string> = {
  prev: 'ArrowLeft',
  next: 'ArrowRight',
  accept: 'a',
  reject: 'r',
  edit: 'e',
  note: 'n',
  save: 'Mod+Enter',
  undo: 'Mod+z',
  help: '?',
  rate1: '1',
  rate2: '2',
  rate3: '3',
  rate4: '4',
  rate5: '5',
};

const KEY = 'ps_label_bindings';

function load(): Record<LabelAction, string> {
  try {
    return { ...DEFAULT_BINDINGS, ...(JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Record<LabelAction, string>>) };
  } catch {
    return { ...DEFAULT_BINDINGS };
  }
}

/** "Mod+Enter" from a key event (Mod = Ctrl or Cmd). */
export function comboOf(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>): string {
  const parts: string[] = [];
  if (e.ctrlKey || e.metaKey) parts.push('Mod');
  if (e.altKey) parts.push('Alt');
  const k = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  // Shift is implied by the character for printable keys (? is Shift+/).
  if (e.shiftKey && e.key.length > 1) parts.push('Shift');
  parts.push(k === ' ' ? 'Space' : k);
  return parts.join('+');
}

export function displayCombo(combo: string): string {
  const mac = typeof navigator !== 'undefined' && /Mac/i.test(navigator.platform);
  return combo
    .replace('Mod', mac ? '⌘' : 'Ctrl')
    .replace('ArrowLeft', '←')
    .replace('ArrowRight', '→')
    .replace(/\b([a-z])\b/, (m) => m.toUpperCase());
}

interface BindingState {
  bindings: Record<LabelAction, string>;
  rebind(action: LabelAction, combo: string): void;
  reset(): void;
  actionFor(combo: string): LabelAction | undefined;
}

export const useLabelBindings = create<BindingState>((set, get) => ({
  bindings: load(),
  rebind(action, combo) {
    const next = { ...get().bindings };
    // A combo belongs to one action: the previous owner gets the old key of this one.
    const owner = (Object.keys(next) as LabelAction[]).find((a) => next[a] === combo);
    if (owner && owner !== action) next[owner] = next[action];
    next[action] = combo;
    localStorage.setItem(KEY, JSON.stringify(next));
    set({ bindings: next });
  },
  reset() {
    localStorage.removeItem(KEY);
    set({ bindings: { ...DEFAULT_BINDINGS } });
  },
  actionFor(combo) {
    const b = get().bindings;
    return (Object.keys(b) as LabelAction[]).find((a) => b[a] === combo);
  },
}));

export function tip(title: string, action: LabelAction): string {
  return `${title} (${displayCombo(useLabelBindings.getState().bindings[action])})`;
}
