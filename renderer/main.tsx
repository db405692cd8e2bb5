import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './app/styles.css';
import './tuning/tuning.css';
import { App } from './app/App';
import { useDocument } from './stores/document';
import { useNav } from './stores/nav';
import { studio } from './api/client';
import { useUi } from './stores/ui';

document.documentElement.dataset.theme = useUi.getState().theme;
// Read-only handles for end-to-end tests and the benchmark.
(window as unknown as { __studio: unknown }).__studio = { doc: useDocument, ui: useUi, nav: useNav, api: studio };

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
