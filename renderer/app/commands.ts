/** Every command of the app, for the command palette, the menus and the shortcuts. */
import { useNav, VIEWS } from '../stores/nav';
import { useDocument } from '../stores/document';
import { useUi } from '../stores/ui';
import { guardUnsaved, save, saveAs } from '../workspace/actions';
import { copySteps, deleteSteps, duplicateSteps, hasCopiedSteps, pasteSteps } from '../canvas/operations';
import { exportYaml } from '../export/export';

/** A command that may be unavailable says why (the palette shows it greyed with that reason, as VS Code does). */
export type Command = { id: string; group: string; title: string; shortcut?: string; run(): void } & (
  | { enabled?: undefined; reason?: undefined }
  | { enabled(): boolean; reason: string }
);

/** Canvas-bound commands (fit view, layout, image export) register themselves while the canvas is mounted. */
const dynamic = new Map<string, Command>();
export function registerCommand(c: Command): () => void {
  dynamic.set(c.id, c);
  return () => dynamic.delete(c.id);
}

const hasDoc = () => useDocument.getState().open;
const sel = () => useDocument.getState().selection;
const NO_DOC = 'Open a workflow first';
const NO_SEL = 'Select a step on the canvas first';

export function allCommands(): Command[] {
  const ui = useUi.getState();
  const base: Command[] = [
    { id: 'file.new', group: 'File', title: 'New workflow from template…', run: () => guardUnsaved(() => ui.openDialog('templates')) },
    { id: 'file.open', group: 'File', title: 'Open file…', shortcut: 'Ctrl+O', run: () => guardUnsaved(() => ui.openDialog('open')) },
    { id: 'file.openFolder', group: 'File', title: 'Open folder…', run: () => ui.openDialog('open-folder') },
    { id: 'file.save', group: 'File', title: 'Save', shortcut: 'Ctrl+S', run: () => void save(), enabled: hasDoc, reason: NO_DOC },
    { id: 'file.saveAs', group: 'File', title: 'Save as…', shortcut: 'Ctrl+Shift+S', run: saveAs, enabled: hasDoc, reason: NO_DOC },
    { id: 'file.close', group: 'File', title: 'Close workflow (back to Welcome)', run: () => guardUnsaved(() => useDocument.getState().close()), enabled: hasDoc, reason: NO_DOC },
    { id: 'export.yaml', group: 'Export', title: 'Export YAML with plugin configuration', run: () => void exportYaml(), enabled: hasDoc, reason: NO_DOC },
    { id: 'edit.undo', group: 'Edit', title: 'Undo', shortcut: 'Ctrl+Z', run: () => useDocument.getState().undo(), enabled: () => useDocument.getState().past.length > 0, reason: 'Nothing to undo' },
    { id: 'edit.redo', group: 'Edit', title: 'Redo', shortcut: 'Ctrl+Shift+Z', run: () => useDocument.getState().redo(), enabled: () => useDocument.getState().future.length > 0, reason: 'Nothing to redo' },
    { id: 'edit.delete', group: 'Edit', title: 'Delete selected steps', shortcut: 'Del', run: () => deleteSteps(sel()), enabled: () => sel().length > 0, reason: NO_SEL },
    { id: 'edit.duplicate', group: 'Edit', title: 'Duplicate selected steps', shortcut: 'Ctrl+D', run: () => duplicateSteps(sel()), enabled: () => sel().length > 0, reason: NO_SEL },
    { id: 'edit.copy', group: 'Edit', title: 'Copy selected steps', shortcut: 'Ctrl+C', run: () => void copySteps(sel()), enabled: () => sel().length > 0, reason: NO_SEL },
    { id: 'edit.paste', group: 'Edit', title: 'Paste steps', shortcut: 'Ctrl+V', run: pasteSteps, enabled: () => hasDoc() && hasCopiedSteps(), reason: 'Nothing copied: select steps and copy them (Ctrl+C)' },
    { id: 'edit.selectAll', group: 'Edit', title: 'Select all steps', shortcut: 'Ctrl+A', run: () => useDocument.getState().select(useDocument.getState().view?.steps.map((s) => s.id) ?? []), enabled: hasDoc, reason: NO_DOC },
    { id: 'view.theme', group: 'View', title: 'Toggle dark/light theme', run: () => ui.toggleTheme() },
    { id: 'view.editor', group: 'View', title: 'Toggle YAML editor', shortcut: 'Ctrl+J', run: () => ui.setEditorVisible(!useUi.getState().editorVisible) },
    { id: 'view.wordWrap', group: 'View', title: 'Toggle word wrap in the YAML editor', shortcut: 'Alt+Z', run: () => ui.toggleWordWrap() },
    { id: 'app.palette', group: 'App', title: 'Command palette', shortcut: 'Ctrl+Shift+P', run: () => ui.openDialog('palette') },
    { id: 'app.settings', group: 'App', title: 'Settings…', shortcut: 'Ctrl+,', run: () => useNav.getState().go('settings') },
    ...VIEWS.map((v) => ({ id: `nav.${v.id}`, group: 'Go to', title: `${v.label} screen`, shortcut: `Alt+${v.key}`, run: () => useNav.getState().go(v.id) })),
  ];
  return [...base, ...dynamic.values()];
}

/** Why `c` cannot run right now, or null when it can. */
export function unavailable(c: Command): string | null {
  return c.enabled && !c.enabled() ? c.reason : null;
}
