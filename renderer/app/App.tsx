import { useEffect } from 'react';
import { useStepProgramsSync } from '../tuning/step-programs';
import { TopBar } from './TopBar';
import { StatusBar } from './StatusBar';
import { Designer } from './Designer';
import { Welcome } from '../welcome/Welcome';
import { CommandPalette } from '../command-palette/CommandPalette';
import { ConfirmDiscard, PathDialog, TemplatesDialog } from '../workspace/Dialogs';
import { isDirty, useDocument } from '../stores/document';
import { useUi } from '../stores/ui';
import { useShortcuts } from './shortcuts';
import { openPath } from '../workspace/actions';
import { ActivityBar } from './ActivityBar';
import { useNav } from '../stores/nav';
import { DataScreen } from '../data/DataScreen';
import { OptimizeScreen } from '../optimize/OptimizeScreen';
import { CompareScreen } from '../compare/CompareScreen';
import { ExperimentsScreen } from '../experiments/ExperimentsScreen';
import { MonitorScreen } from '../monitor/MonitorScreen';
import { SettingsScreen } from '../settings/SettingsScreen';

function Main() {
  const view = useNav((s) => s.view);
  const open = useDocument((s) => s.open);
  switch (view) {
    case 'data':
      return <DataScreen />;
    case 'optimize':
      return <OptimizeScreen />;
    case 'compare':
      return <CompareScreen />;
    case 'experiments':
      return <ExperimentsScreen />;
    case 'monitor':
      return <MonitorScreen />;
    case 'settings':
      return <SettingsScreen />;
    default:
      return open ? <Designer /> : <Welcome />;
  }
}

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
  useShortcuts();
  useStepProgramsSync();
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
      <div className="main-row">
        <ActivityBar />
        <main className="main-area">
          <Main />
        </main>
      </div>
      <StatusBar />
      <FolderBar />
      <Dialogs />
      <Toasts />
    </div>
  );
}
