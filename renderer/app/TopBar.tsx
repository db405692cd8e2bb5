import { useEffect, useRef, useState } from 'react';
import { isDirty, useDocument } from '../stores/document';
import { useUi } from '../stores/ui';
import { Icon } from './icons';
import { useNav } from '../stores/nav';
import { allCommands } from './commands';
import { guardUnsaved, save } from '../workspace/actions';
import { openPanel } from '../run/run-store';

function runCmd(id: string) {
  const c = allCommands().find((x) => x.id === id);
  if (c && (c.enabled?.() ?? true)) c.run();
}

export function TopBar() {
  const open = useDocument((s) => s.open);
  const fileName = useDocument((s) => s.fileName);
  const path = useDocument((s) => s.path);
  const dirty = useDocument(isDirty);
  const canUndo = useDocument((s) => s.past.length > 0);
  const canRedo = useDocument((s) => s.future.length > 0);
  const theme = useUi((s) => s.theme);
  const ui = useUi();
  const [menu, setMenu] = useState(false);
  const menuRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!menu) return;
    const onDown = (e: MouseEvent) => !menuRef.current?.contains(e.target as Node) && setMenu(false);
    window.addEventListener('mousedown', onDown);
    return () => window.removeEventListener('mousedown', onDown);
  }, [menu]);

  return (
    <header className="topbar">
      <div className="brand">
        <div className="brand-mark" aria-hidden="true">P</div>
        <span>Pipeline Studio</span>
      </div>
      <div className="topbar-sep" />
      {open && (
        <div className="doc-title" data-testid="doc-title" title={path ?? 'not saved yet'}>
          <strong>{fileName}</strong>
          {dirty && <span className="dirty-dot" role="img" title="Unsaved changes" aria-label="Unsaved changes" data-testid="dirty" />}
          <span className="doc-path">{path ?? 'not saved yet'}</span>
        </div>
      )}
      <div className="spacer" />
      <nav className="toolbar" aria-label="Main toolbar">
        <button type="button" className="btn" onClick={() => guardUnsaved(() => (useNav.getState().go('design'), ui.openDialog('templates')))} title="New from template">
          <Icon name="plus" /> New
        </button>
        <button type="button" className="btn" onClick={() => guardUnsaved(() => (useNav.getState().go('design'), ui.openDialog('open')))} title="Open (Ctrl+O)">
          <Icon name="folder" /> Open
        </button>
        <button type="button" className="btn" onClick={() => void save()} disabled={!open} title="Save (Ctrl+S)" data-testid="save-button">
          <Icon name="save" /> Save
        </button>
        {open && (
          <>
            <div className="topbar-sep" />
            <button type="button" className="btn icon" aria-label="Undo" title="Undo (Ctrl+Z)" disabled={!canUndo} onClick={() => useDocument.getState().undo()}>
              <Icon name="undo" />
            </button>
            <button type="button" className="btn icon" aria-label="Redo" title="Redo (Ctrl+Shift+Z)" disabled={!canRedo} onClick={() => useDocument.getState().redo()}>
              <Icon name="redo" />
            </button>
            <button type="button" className="btn icon" aria-label="Auto-layout" title="Auto-layout" onClick={() => runCmd('canvas.layout')}>
              <Icon name="layout" />
            </button>
            <button type="button" className="btn icon" aria-label="Fit view" title="Fit view" onClick={() => runCmd('canvas.fit')}>
              <Icon name="fit" />
            </button>
            <button type="button" className="btn icon" aria-label="Toggle YAML editor" title="Toggle YAML editor (Ctrl+J)" onClick={() => ui.setEditorVisible(!ui.editorVisible)}>
              <Icon name="panel" />
            </button>
            <button type="button" className="btn" title="Run panel (Ctrl+Enter runs)" onClick={() => openPanel('run')} data-testid="topbar-run">
              ▶ Run
            </button>
            <div className="menu-wrap" ref={menuRef}>
              <button type="button" className="btn" aria-haspopup="menu" aria-expanded={menu} onClick={() => setMenu(!menu)} data-testid="export-menu">
                <Icon name="download" /> Export <Icon name="chevron" />
              </button>
              {menu && (
                <div className="menu" role="menu">
                  {[
                    ['export.yaml', 'code', 'YAML + plugin config'],
                    ['export.png', 'image', 'Graph as PNG'],
                    ['export.svg', 'image', 'Graph as SVG'],
                    ['file.saveAs', 'save', 'Save as…'],
                  ].map(([id, icon, label]) => (
                    <button type="button" role="menuitem" key={id} onClick={() => { setMenu(false); runCmd(id); }}>
                      <Icon name={icon as 'code'} width={15} height={15} /> {label}
                    </button>
                  ))}
                </div>
              )}
            </div>
          </>
        )}
        <div className="topbar-sep" />
        <button type="button" className="btn" onClick={() => ui.openDialog('palette')} title="Command palette (Ctrl+Shift+P or Ctrl+K)" aria-label="Command palette">
          <Icon name="command" /> <span className="kbd">Ctrl Shift P</span>
        </button>
        <button type="button" className="btn icon" aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`} title="Toggle theme" onClick={() => ui.toggleTheme()} data-testid="theme-toggle">
          <Icon name={theme === 'dark' ? 'sun' : 'moon'} />
        </button>
        <button type="button" className="btn icon" aria-label="Settings" title="Settings" onClick={() => useNav.getState().go('settings')}>
          <Icon name="settings" />
        </button>
      </nav>
    </header>
  );
}
