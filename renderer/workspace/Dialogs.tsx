/** Host-served dialogs: a path browser for open / open folder / save as (browser mode has no native dialogs), discard guard, templates. */
import { useEffect, useRef, useState } from 'react';
import { studio } from '../api/client';
import type { DirEntry, TemplateSummary } from '../../shared/api/index';
import { useUi } from '../stores/ui';
import { useDocument } from '../stores/document';
import { Icon } from '../app/icons';
import { newFromTemplate, openFolder, openPath, saveTo } from './actions';
import { familyColor } from '../model/catalog';

function Dialog({ title, children, footer, testId }: { title: string; children: React.ReactNode; footer?: React.ReactNode; testId?: string }) {
  const close = useUi((s) => s.closeDialog);
  return (
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && close()} onKeyDown={(e) => e.key === 'Escape' && close()}>
      <div className="dialog" role="dialog" aria-modal="true" aria-label={title} data-testid={testId}>
        <header>
          <h2>{title}</h2>
          <button type="button" className="btn icon" aria-label="Close" onClick={close}>
            <Icon name="close" />
          </button>
        </header>
        <div className="dialog-body">{children}</div>
        {footer && <footer>{footer}</footer>}
      </div>
    </div>
  );
}

/** A file name from the workflow's name (`Support triage` -> `support_triage.yaml`), else the current file name. */
export function saveAsName(workflowName: string | undefined, fileName: string): string {
  const slug = (workflowName ?? '').trim().toLowerCase().replace(/[^a-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '');
  return slug && workflowName !== 'workflow' ? `${slug}.yaml` : fileName;
}

export function PathDialog({ mode }: { mode: 'open' | 'save-as' | 'open-folder' }) {
  const close = useUi((s) => s.closeDialog);
  const docPath = useDocument((s) => s.path);
  const fileName = useDocument((s) => s.fileName);
  const workflowName = useDocument((s) => s.view?.name);
  const folder = useUi((s) => s.folder);
  // Save as suggests the workflow's own name, in the project folder.
  const suggested = saveAsName(workflowName, fileName);
  const [dir, setDir] = useState<string | null>(null);
  const [parent, setParent] = useState<string | null>(null);
  const [entries, setEntries] = useState<DirEntry[]>([]);
  const [pathText, setPathText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  // What the user typed before the first listing came back is kept, not replaced by the suggestion.
  const typed = useRef(false);

  const list = async (p?: string, first = false) => {
    try {
      const res = await studio.call('fs.list', { path: p, filter: 'yaml' });
      setDir(res.path);
      setParent(res.parent);
      setEntries(mode === 'open-folder' ? res.entries.filter((e) => e.kind === 'dir') : res.entries);
      setError(null);
      if (first && typed.current) return;
      if (mode === 'save-as') setPathText(`${res.path}/${suggested}`);
      else if (mode === 'open-folder') setPathText(res.path);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  useEffect(() => {
    (async () => {
      const info = await studio.call('app.info', {});
      // The open file's folder, else the open project folder, else home.
      const start = docPath ? docPath.replace(/[/\\][^/\\]*$/, '') : (folder?.path ?? info.homeDir);
      await list(start, true);
      inputRef.current?.focus();
    })();
  }, []);

  const submit = async () => {
    const p = pathText.trim();
    if (!p) return;
    if (mode === 'open') {
      const st = await studio.call('workspace.exists', { path: p }).catch(() => null);
      if (st?.kind === 'dir') return list(p);
      if (await openPath(p)) close();
    } else if (mode === 'open-folder') {
      close();
      await openFolder(p);
    } else {
      const st = await studio.call('workspace.exists', { path: p }).catch(() => null);
      if (st?.kind === 'dir') return list(p);
      if (st?.exists && !window.confirm(`${p} exists. Replace it?`)) return;
      if (await saveTo(p)) close();
    }
  };

  const title = mode === 'open' ? 'Open workflow' : mode === 'open-folder' ? 'Open folder' : 'Save workflow as';
  return (
    <Dialog
      title={title}
      testId="path-dialog"
      footer={
        <>
          <button type="button" className="btn outline" onClick={close}>Cancel</button>
          <button type="button" className="btn primary" onClick={submit} data-testid="path-dialog-submit">
            {mode === 'open' ? 'Open' : mode === 'open-folder' ? 'Open folder' : 'Save'}
          </button>
        </>
      }
    >
      <label className="field">
        <span className="label">{mode === 'save-as' ? 'File path' : mode === 'open-folder' ? 'Folder' : 'File path (or pick below)'}</span>
        <input
          ref={inputRef}
          className="input mono"
          data-testid="path-input"
          value={pathText}
          onChange={(e) => {
            typed.current = true;
            setPathText(e.target.value);
          }}
          onKeyDown={(e) => e.key === 'Enter' && submit()}
          placeholder="/path/to/workflow.yaml"
        />
      </label>
      <div className="row small muted">
        <button type="button" className="btn icon" aria-label="Parent folder" disabled={!parent} onClick={() => parent && list(parent)}>
          <Icon name="up" />
        </button>
        <span className="mono" style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>{dir}</span>
      </div>
      {error && <div className="sev-error small">{error}</div>}
      <div className="file-list" role="group" aria-label="Files">
        {entries.map((e) => (
          <button
            type="button"
            key={e.path}
            aria-pressed={pathText === e.path}
            className={pathText === e.path ? 'selected' : ''}
            onClick={() => (e.kind === 'dir' && mode !== 'open-folder' ? list(e.path) : setPathText(e.path))}
            onDoubleClick={() => (e.kind === 'dir' ? list(e.path) : openPath(e.path).then((ok) => ok && close()))}
          >
            <Icon name={e.kind === 'dir' ? 'folder' : 'file'} />
            <span>{e.name}</span>
          </button>
        ))}
        {entries.length === 0 && <div className="muted small" style={{ padding: 10 }}>No workflow files here.</div>}
      </div>
    </Dialog>
  );
}

export function ConfirmDiscard() {
  const pending = useUi((s) => s.pendingAction);
  const close = useUi((s) => s.closeDialog);
  const fileName = useDocument((s) => s.fileName);
  return (
    <Dialog
      title="Unsaved changes"
      testId="confirm-discard"
      footer={
        <>
          <button type="button" className="btn outline" onClick={close}>Cancel</button>
          <button type="button" className="btn danger outline" onClick={() => { close(); pending?.(); }}>Discard changes</button>
        </>
      }
    >
      <p style={{ margin: 0 }}>
        <strong>{fileName}</strong> has unsaved changes. Discard them?
      </p>
    </Dialog>
  );
}

export function TemplateCards({ templates, onPick }: { templates: TemplateSummary[]; onPick: (id: string) => void }) {
  return (
    <div className="cards">
      {templates.map((t) => (
        <button type="button" key={t.id} className={`card ${t.id === 'dspy_code_analysis' ? 'featured' : ''}`} onClick={() => onPick(t.id)} data-testid={`template-${t.id}`}>
          <h3>{t.name}</h3>
          <p>{t.description}</p>
          <div className="card-meta">
            <span className="chip">{t.stepCount} steps</span>
            {t.stepTypes.slice(0, 3).map((ty) => (
              <span className="chip" key={ty} style={{ borderLeft: `3px solid ${familyColor[ty.startsWith('dspy') ? 'dspy' : ty.includes('gemini') ? 'gemini' : ty.includes('claude') ? 'claude' : 'data']}` }}>
                {ty}
              </span>
            ))}
          </div>
        </button>
      ))}
    </div>
  );
}

export function TemplatesDialog() {
  const close = useUi((s) => s.closeDialog);
  const [templates, setTemplates] = useState<TemplateSummary[]>([]);
  useEffect(() => {
    studio.call('templates.list', {}).then((r) => setTemplates(r.templates));
  }, []);
  return (
    <Dialog title="New workflow from template" testId="templates-dialog">
      <TemplateCards templates={templates} onPick={(id) => { close(); void newFromTemplate(id); }} />
    </Dialog>
  );
}
