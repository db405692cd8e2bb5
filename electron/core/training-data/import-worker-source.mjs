// Worker entry when running from source: TypeScript through tsx, as bin/pipeline-studio.js does.
import { register } from 'tsx/esm/api';

register();
await import('./import-worker.ts');
