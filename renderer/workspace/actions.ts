/** Workspace actions: open, new from template, save, save as, with the unsaved-changes guard. */
import { studio } from '../api/client';
import { isDirty, layoutOf, useDocument } from '../stores/document';
import { useUi } from '../stores/ui';

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Runs `action` now, or after the user confirms discarding unsaved changes. */
export function guardUnsaved(action: () => void): void {
  if (isDirty(useDocument.getState())) useUi.getState().openDialog('confirm-discard', action);
  else action();
}

export async function openPath(path: string): Promise<boolean> {
  try {
    const file = await studio.call('workspace.open', { path });
    useDocument.getState().load({ path: file.path, fileName: file.name, text: file.text, layout: file.layout });
    document.title = `${file.name} — Pipeline Studio`;
    return true;
  } catch (err) {
    useUi.getState().toast('error', `Cannot open ${path}: ${errorText(err)}`);
    return false;
  }
}

export async function openFolder(path: string): Promise<void> {
  try {
    const folder = await studio.call('workspace.openFolder', { path });
    useUi.getState().setFolder({ path: folder.path, name: folder.name, files: folder.files });
    if (folder.files.length > 0 && !useDocument.getState().open) await openPath(folder.files[0].path);
    else if (folder.files.length === 0) useUi.getState().toast('info', `No workflow files in ${folder.name}`);
  } catch (err) {
    useUi.getState().toast('error', `Cannot open folder: ${errorText(err)}`);
  }
}

export async function newFromTemplate(id: string): Promise<void> {
  try {
    const t = await studio.call('templates.get', { id });
    useDocument.getState().load({ path: null, fileName: t.fileName, text: t.text, layout: null });
    document.title = `${t.fileName} — Pipeline Studio`;
  } catch (err) {
    useUi.getState().toast('error', `Cannot load template: ${errorText(err)}`);
  }
}

export async function openSample(): Promise<void> {
  try {
    const sample = await studio.call('sample.create', {});
    if (await openPath(sample.workflowPath)) {
      const name = sample.datasetPath.slice(sample.dir.length + 1);
      useUi.getState().toast('info', `Sample project in ${sample.dir}: import ${name} (${sample.examples} examples, ${sample.labeled} labeled) into ${sample.step} in Data`);
    }
  } catch (err) {
    useUi.getState().toast('error', `Cannot create the sample project: ${errorText(err)}`);
  }
}

export async function saveTo(path: string, createOnly = false): Promise<boolean> {
  const doc = useDocument.getState();
  try {
    const res = await studio.call('workspace.save', { path, text: doc.text, layout: layoutOf(doc), createOnly });
    useDocument.getState().markSaved(res.path, res.name);
    document.title = `${res.name} — Pipeline Studio`;
    useUi.getState().toast('success', `Saved ${res.name}`);
    return true;
  } catch (err) {
    useUi.getState().toast('error', `Save failed: ${errorText(err)}`);
    return false;
  }
}

export async function save(): Promise<void> {
  const doc = useDocument.getState();
  if (!doc.open) return;
  if (doc.path) await saveTo(doc.path);
  else useUi.getState().openDialog('save-as');
}

export function saveAs(): void {
  if (useDocument.getState().open) useUi.getState().openDialog('save-as');
}

/** Persists node positions to the sidecar right away for saved files (moving a node never touches the YAML). */
let layoutTimer: ReturnType<typeof setTimeout> | null = null;
export function persistLayoutSoon(): void {
  const doc = useDocument.getState();
  if (!doc.path) return;
  if (layoutTimer) clearTimeout(layoutTimer);
  layoutTimer = setTimeout(async () => {
    const cur = useDocument.getState();
    if (!cur.path) return;
    try {
      await studio.call('layout.write', { workflowPath: cur.path, layout: layoutOf(cur) });
      useDocument.setState({ savedPositionsJson: JSON.stringify(cur.positions) });
    } catch (err) {
      useUi.getState().toast('error', `Cannot write the layout: ${errorText(err)}`);
    }
  }, 300);
}
