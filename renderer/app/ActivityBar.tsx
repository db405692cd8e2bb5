/** The app's navigation: one button per screen (Alt+1..7, see shortcuts), VS Code's activity bar. */
import { useNav, VIEWS, type View } from '../stores/nav';

const ICONS: Record<View, string> = {
  design: 'M2 3h5v4H2zM9 9h5v4H9zM7 5h3.5v4',
  data: 'M3 3.5C3 2.7 5.2 2 8 2s5 .7 5 1.5v9c0 .8-2.2 1.5-5 1.5s-5-.7-5-1.5zM3 3.5c0 .8 2.2 1.5 5 1.5s5-.7 5-1.5M3 8c0 .8 2.2 1.5 5 1.5S13 8.8 13 8',
  optimize: 'M2 13l4-5 3 3 5-7M10 4h4v4',
  compare: 'M3 2v12M13 2v12M3 5h5M8 11h5M6 3l2 2-2 2M10 9l-2 2 2 2',
  experiments: 'M6 2v4L2.5 13a1 1 0 0 0 .9 1.5h9.2a1 1 0 0 0 .9-1.5L10 6V2M5 2h6M4.5 10h7',
  monitor: 'M2 3h12v8H2zM5 14h6M8 11v3M4 8.5l2-2 2 1.5 3-3',
  settings: 'M8 5.5a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5zM8 1.5v2M8 12.5v2M1.5 8h2M12.5 8h2M3.4 3.4l1.4 1.4M11.2 11.2l1.4 1.4M3.4 12.6l1.4-1.4M11.2 4.8l1.4-1.4',
};

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
          <svg viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth={1.4} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
            <path d={ICONS[v.id]} />
          </svg>
          <span>{v.label}</span>
        </button>
      ))}
    </nav>
  );
}
