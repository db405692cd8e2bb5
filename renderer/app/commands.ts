/** Every command of the app, for the command palette, the menus and the shortcuts. */
import { useNav, VIEWS } from '../stores/nav';
import { useDocument } from '../stores/document';
import { useUi } from '../stores/ui';
import { guardUnsaved, save, saveAs } from '../workspace/actions';
import { copySteps, deleteSteps, duplicateSteps, pasteSteps } from '../canvas/operations';
import { exportYaml } from '../export/export';

export interface Command {
  id: string;
  group: string;
  title: string;
  shortcut?: string;
  run(): void;
  enabled?(): boolean;
}

/** Canvas-bound commands (fit view, layout, image export) register themselves while the canvas is mounted. */
const dynamic = new Map<string, Command>();
export function registerCommand(c: Command): () => void {
  dynamic.set(c.id, c);
  return () => dynamic.delete(c.id);
}

const hasDoc = () => useDocument.getState().open;
const sel = () => useDocument.getState().selection;

export function allCommands(): Command[] {
  const ui = useUi.getState();
  const base: Command[] = [
    { id: 'file.new', group: 'File', title: 'New workflow from template…', run: () => guardUnsaved(() => ui.openDialog('templates')) },
    { id: 'file.open', group: 'File', title: 'Open file…', shortcut: 'Ctrl+O', run: () => guardUnsaved(() => ui.openDialog('open')) },
    { id: 'file.openFolder', group: 'File', title: 'Open folder…', run: () => ui.openDialog('open-folder') },
    { id: 'file.save', group: 'File', title: 'Save', shortcut: 'Ctrl+S', run: () => void save(), enabled: hasDoc },
    { id: 'file.saveAs', group: 'File', title: 'Save as…', shortcut: 'Ctrl+Shift+S', run: saveAs, enabled: hasDoc },
    { id: 'file.close', group: 'File', title: 'Close workflow (back to Welcome)', run: () => guardUnsaved(() => useDocument.getState().close()), enabled: hasDoc },
    { id: 'export.yaml', group: 'Export', title: 'Export YAML with plugin configuration', run: () => void exportYaml(), enabled: hasDoc },
    { id: 'edit.undo', group: 'Edit', title: 'Undo', shortcut: 'Ctrl+Z', run: () => useDocument.getState().undo(), enabled: () => useDocument.getState().past.length > 0 },
    { id: 'edit.redo', group: 'Edit', title: 'Redo', shortcut: 'Ctrl+Shift+Z', run: () => useDocument.getState().redo(), enabled: () => useDocument.getState().future.length > 0 },
    { id: 'edit.delete', group: 'Edit', title: 'Delete selected steps', shortcut: 'Del', run: () => deleteSteps(sel()), enabled: () => sel().length > 0 },
    { id: 'edit.duplicate', group: 'Edit', title: 'Duplicate selected steps', shortcut: 'Ctrl+D', run: () => duplicateSteps(sel()), enabled: () => sel().length > 0 },
    { id: 'edit.copy', group: 'Edit', title: 'Copy selected steps', shortcut: 'Ctrl+C', run: () => void copySteps(sel()), enabled: () => sel().length > 0 },
    { id: 'edit.paste', group: 'Edit', title: 'Paste steps', shortcut: 'Ctrl+V', run: pasteSteps, enabled: hasDoc },
    { id: 'edit.selectAll', group: 'Edit', title: 'Select all steps', shortcut: 'Ctrl+A', run: () => useDocument.getState().select(useDocument.getState().view?.steps.map((s) => s.id) ?? []), enabled: hasDoc },
    { id: 'view.theme', group: 'View', title: 'Toggle dark/light theme', run: () => ui.toggleTheme() },
    { id: 'view.editor', group: 'View', title: 'Toggle YAML editor', shortcut: 'Ctrl+J', run: () => ui.setEditorVisible(!useUi.getState().editorVisible) },
    { id: 'view.wordWrap', group: 'View', title: 'Toggle word wrap in the YAML editor', shortcut: 'Alt+Z', run: () => ui.toggleWordWrap() },
    { id: 'app.palette', group: 'App', title: 'Command palette', shortcut: 'Ctrl+Shift+P', run: () => ui.openDialog('palette') },
    { id: 'app.settings', group: 'App', title: 'Settings…', shortcut: 'Ctrl+,', run: () => useNav.getState().go('settings') },
    ...VIEWS.map((v) => ({ id: `nav.${v.id}`, group: 'Go to', title: `${v.label} screen`, shortcut: `Alt+${v.key}`, run: () => useNav.getState().go(v.id) })),
  ];
  return [...base, ...dynamic.values()];
}
