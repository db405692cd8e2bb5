/**
 * Global shortcuts, read in the capture phase. The palette, file, screen (Alt+1..7) and view keys work
 * everywhere, inputs included; undo/redo, delete and copy/paste are left to the focused input while typing
 * (the YAML editor sends its undo/redo to the document's shared history itself).
 */
import { useEffect } from 'react';
import { allCommands } from './commands';
import { useUi } from '../stores/ui';
import { useNav, VIEWS } from '../stores/nav';

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

export function keyToCommand(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'> & { code?: string }, typing: boolean): string | null {
  const mod = e.ctrlKey || e.metaKey;
  const k = e.key.toLowerCase();
  if ((mod && e.shiftKey && k === 'p') || (mod && !e.shiftKey && k === 'k')) return 'palette';
  if (e.altKey && !mod) {
    // e.code: Alt+digit types another character on some layouts (macOS).
    const v = VIEWS.find((x) => e.key === x.key || e.code === `Digit${x.key}`);
    if (v) return `nav.${v.id}`;
    if (k === 'z' || e.code === 'KeyZ') return 'view.wordWrap';
  }
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
      const id = keyToCommand(e, isTypingTarget(e.target));
      if (!id) return;
      if (useUi.getState().dialog && id !== 'palette') return;
      // Canvas edits and the editor's word wrap only act on the designer screen.
      if ((id.startsWith('edit.') || id === 'view.wordWrap') && useNav.getState().view !== 'design') return;
      e.preventDefault();
      // Handled here: the focused widget (the YAML editor included) must not act on the key too.
      e.stopPropagation();
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
