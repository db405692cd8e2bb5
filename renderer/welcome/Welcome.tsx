/** First screen: start actions, the sample project, the template gallery and recent files. */
import { useEffect, useState } from 'react';
import { studio } from '../api/client';
import type { RecentFile, TemplateSummary } from '../../shared/api/index';
import { useUi } from '../stores/ui';
import { Icon } from '../app/icons';
import { newFromTemplate, openPath, openSample } from '../workspace/actions';
import { TemplateCards } from '../workspace/Dialogs';

export function Welcome() {
  const [templates, setTemplates] = useState<TemplateSummary[]>([]);
  const [recent, setRecent] = useState<RecentFile[]>([]);
  const openDialog = useUi((s) => s.openDialog);
  useEffect(() => {
    studio.call('templates.list', {}).then((r) => setTemplates(r.templates)).catch(() => {});
    studio.call('workspace.recent', {}).then((r) => setRecent(r.files)).catch(() => {});
    return studio.on('workspace.recentChanged', (p) => setRecent(p.files));
  }, []);
  return (
    <main className="welcome" data-testid="welcome">
      <div className="welcome-inner">
        <div className="welcome-hero">
          <div className="brand-mark" aria-hidden="true">P</div>
          <div>
            <h1>Pipeline Studio</h1>
            <p>Design DSPy pipelines for pipeline_ex: draw them, write them, tune them.</p>
          </div>
        </div>
        <div className="welcome-grid">
          <section aria-labelledby="templates-h">
            <h2 id="templates-h">Start from a template</h2>
            <TemplateCards templates={templates} onPick={(id) => void newFromTemplate(id)} />
          </section>
          <aside>
            <h2>Start</h2>
            <div className="start-actions">
              <button type="button" className="btn primary" onClick={() => void openSample()} data-testid="open-sample">
                <Icon name="sparkle" /> Open the sample project
              </button>
              <button type="button" className="btn outline" onClick={() => openDialog('open')}>
                <Icon name="file" /> Open file… <span className="spacer" /> <span className="kbd">Ctrl+O</span>
              </button>
              <button type="button" className="btn outline" onClick={() => openDialog('open-folder')}>
                <Icon name="folder" /> Open folder…
              </button>
              <button type="button" className="btn outline" onClick={() => openDialog('palette')}>
                <Icon name="command" /> Command palette <span className="spacer" /> <span className="kbd">Ctrl+Shift+P</span>
              </button>
            </div>
            <h2>Recent</h2>
            <div className="side-list" data-testid="recent-list">
              {recent.length === 0 && <div className="muted small" style={{ padding: '0 10px' }}>Nothing opened yet.</div>}
              {recent.map((r) => (
                <button type="button" key={r.path} onClick={() => void openPath(r.path)} title={r.path}>
                  <span className="sl-name">{r.name}</span>
                  <span className="sl-path">{r.path}</span>
                </button>
              ))}
            </div>
          </aside>
        </div>
      </div>
    </main>
  );
}
