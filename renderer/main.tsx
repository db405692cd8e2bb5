import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './app/styles.css';
import { App } from './app/App';
import { useDocument } from './stores/document';
import { useUi } from './stores/ui';

document.documentElement.dataset.theme = useUi.getState().theme;
// Read-only handles for end-to-end tests and the benchmark.
(window as unknown as { __studio: unknown }).__studio = { doc: useDocument, ui: useUi };

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
