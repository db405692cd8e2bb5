/** The app's navigation: one button per screen (Alt+1..7, see shortcuts), VS Code's activity bar. */
import { useNav, VIEWS } from '../stores/nav';
import { Icon } from './icons';

export function ActivityBar() {
  const view = useNav((s) => s.view);
  const go = useNav((s) => s.go);
  return (
    <nav className="activity-bar" aria-label="Screens">
      {VIEWS.map((v) => (
        <button
          key={v.id}
          type="button"
          className={`activity ${view === v.id ? 'active' : ''}`}
          aria-current={view === v.id ? 'page' : undefined}
          title={`${v.label} (Alt+${v.key})`}
          onClick={() => go(v.id)}
          data-testid={`nav-${v.id}`}
        >
          {/* Each screen's icon is named after it; settings is the top bar's cog, never the theme's sun. */}
          <Icon name={v.id} />
          <span>{v.label}</span>
        </button>
      ))}
    </nav>
  );
}
