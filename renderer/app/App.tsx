import { useEffect } from 'react';
import { TopBar } from './TopBar';
import { StatusBar } from './StatusBar';
import { Designer } from './Designer';
import { Welcome } from '../welcome/Welcome';
import { CommandPalette } from '../command-palette/CommandPalette';
import { ConfirmDiscard, PathDialog, SettingsDialog, TemplatesDialog } from '../workspace/Dialogs';
import { isDirty, useDocument } from '../stores/document';
import { useUi } from '../stores/ui';
import { useShortcuts } from './shortcuts';
import { openPath } from '../workspace/actions';

function Toasts() {
  const toasts = useUi((s) => s.toasts);
  const dismiss = useUi((s) => s.dismiss);
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast ${t.kind}`} onClick={() => dismiss(t.id)}>
          {t.text}
        </div>
      ))}
    </div>
  );
}

function Dialogs() {
  const dialog = useUi((s) => s.dialog);
  switch (dialog) {
    case 'open':
    case 'save-as':
    case 'open-folder':
      return <PathDialog mode={dialog} key={dialog} />;
    case 'palette':
      return <CommandPalette />;
    case 'settings':
      return <SettingsDialog />;
    case 'templates':
      return <TemplatesDialog />;
    case 'confirm-discard':
      return <ConfirmDiscard />;
    default:
      return null;
  }
}

function FolderBar() {
  const folder = useUi((s) => s.folder);
  const path = useDocument((s) => s.path);
  if (!folder) return null;
  return (
    <select
      className="select"
      aria-label={`Workflows in ${folder.name}`}
      style={{ position: 'absolute', top: 8, left: 244, width: 260, zIndex: 20 }}
      value={path ?? ''}
      onChange={(e) => void openPath(e.target.value)}
    >
      {folder.files.map((f) => (
        <option key={f.path} value={f.path}>
          {folder.name}/{f.name}
        </option>
      ))}
    </select>
  );
}

export function App() {
  const theme = useUi((s) => s.theme);
  const open = useDocument((s) => s.open);
  useShortcuts();
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  useEffect(() => {
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (isDirty(useDocument.getState())) {
        e.preventDefault();
        e.returnValue = '';
      }
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    // Reopen the last document after a reload (?file= or the session's last path).
    const file = new URLSearchParams(window.location.search).get('file') ?? sessionStorage.getItem('ps_last_file');
    if (file && !useDocument.getState().open) void openPath(file);
    const unsub = useDocument.subscribe((s) => {
      if (s.path) sessionStorage.setItem('ps_last_file', s.path);
      else if (!s.open) sessionStorage.removeItem('ps_last_file');
    });
    return () => {
      window.removeEventListener('beforeunload', onBeforeUnload);
      unsub();
    };
  }, []);
  return (
    <div className="app" style={{ position: 'relative' }}>
      <TopBar />
      {open ? <Designer /> : <Welcome />}
      <StatusBar />
      <FolderBar />
      <Dialogs />
      <Toasts />
    </div>
  );
}
