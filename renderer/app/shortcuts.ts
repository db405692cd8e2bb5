/** Global shortcuts. Undo/redo, delete, copy/paste are suspended while typing (inputs and the YAML editor keep their own). */
import { useEffect } from 'react';
import { allCommands } from './commands';
import { useUi } from '../stores/ui';
import { useNav } from '../stores/nav';

export function isTypingTarget(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  if (el.closest('.monaco-editor')) return true;
  const tag = el.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable;
}

function run(id: string) {
  const c = allCommands().find((x) => x.id === id);
  if (c && (c.enabled?.() ?? true)) c.run();
}

export function keyToCommand(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>, typing: boolean): string | null {
  const mod = e.ctrlKey || e.metaKey;
  const k = e.key.toLowerCase();
  if (mod && k === 'k') return 'palette';
  if (mod && k === 's') return e.shiftKey ? 'file.saveAs' : 'file.save';
  if (mod && k === 'o') return 'file.open';
  if (mod && k === ',') return 'app.settings';
  if (mod && k === 'j') return 'view.editor';
  if (typing) return null;
  if (mod && k === 'z') return e.shiftKey ? 'edit.redo' : 'edit.undo';
  if (mod && k === 'y') return 'edit.redo';
  if (mod && k === 'd') return 'edit.duplicate';
  if (mod && k === 'c') return 'edit.copy';
  if (mod && k === 'v') return 'edit.paste';
  if (mod && k === 'a') return 'edit.selectAll';
  if (!mod && (e.key === 'Delete' || e.key === 'Backspace')) return 'edit.delete';
  return null;
}

export function useShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (useUi.getState().dialog && e.key !== 'Escape') {
        const k = e.key.toLowerCase();
        if (!((e.ctrlKey || e.metaKey) && k === 'k')) return;
      }
      const id = keyToCommand(e, isTypingTarget(e.target));
      if (!id) return;
      // Canvas edits only act on the designer screen.
      if (id.startsWith('edit.') && useNav.getState().view !== 'design') return;
      e.preventDefault();
      if (id === 'palette') {
        const ui = useUi.getState();
        if (ui.dialog === 'palette') ui.closeDialog();
        else ui.openDialog('palette');
        return;
      }
      run(id);
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);
}
