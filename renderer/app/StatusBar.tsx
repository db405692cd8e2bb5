import { useEffect, useState } from 'react';
import { useDocument } from '../stores/document';
import { studio, isElectron } from '../api/client';
import { Icon } from './icons';
import { revealPosition } from '../yaml-editor/editor-ref';
import { useUi } from '../stores/ui';
import { plural } from '../model/plural';

export function StatusBar() {
  const open = useDocument((s) => s.open);
  const diagnostics = useDocument((s) => s.diagnostics);
  const parseError = useDocument((s) => s.parseError);
  const steps = useDocument((s) => s.view?.steps.length ?? 0);
  const hasView = useDocument((s) => s.view !== null);
  const selection = useDocument((s) => s.selection.length);
  const syncMs = useDocument((s) => s.lastSyncMs);
  const [mode, setMode] = useState(isElectron() ? 'Desktop' : 'Browser mode');
  useEffect(() => {
    studio.call('app.info', {}).then((i) => setMode(i.mode === 'electron' ? 'Desktop' : 'Browser mode · 127.0.0.1')).catch(() => setMode('Host unreachable'));
  }, []);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const warnings = diagnostics.filter((d) => d.severity === 'warning');
  const first = errors[0] ?? warnings[0];
  return (
    <footer className="statusbar" aria-label="Status bar">
      <span className="status-item">{mode}</span>
      {open && (
        <>
          <button
            type="button"
            className="status-item"
            data-testid="diagnostics-count"
            title={first ? `${first.message} (line ${first.line})` : 'No problems'}
            onClick={() => {
              if (first) {
                useUi.getState().setEditorVisible(true);
                setTimeout(() => revealPosition(first.line, first.column), 0);
              }
            }}
          >
            <Icon name="error" width={13} height={13} className={errors.length ? 'sev-error' : undefined} /> <span data-testid="error-count">{errors.length}</span>
            <Icon name="warning" width={13} height={13} className={warnings.length ? 'sev-warning' : undefined} /> <span data-testid="warning-count">{warnings.length}</span>
          </button>
          <span className="status-item" data-testid="sync-status">
            {parseError ? (
              <span className="sev-error">YAML does not parse (line {parseError.line}) · {hasView ? 'canvas shows the last valid state' : 'no valid state to show yet'}</span>
            ) : (
              <>
                <Icon name="check" width={13} height={13} className="sev-ok" /> In sync
              </>
            )}
          </span>
          <span className="spacer" />
          <span className="status-item">{plural(steps, 'step')}{selection ? ` · ${selection} selected` : ''}</span>
          <span className="status-item" title="Last text-to-canvas parse time">{syncMs.toFixed(0)} ms</span>
          <span className="status-item">YAML</span>
        </>
      )}
    </footer>
  );
}
