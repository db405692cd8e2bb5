// Creates a Python runtime from a wheelhouse with the app's own provisioning code (npm run setup uses it).
// Usage: node --import tsx scripts/provision-runtime.ts --wheelhouse DIR --target VENV [--editable SRC] [--force]
// Progress goes to stderr; the result is one JSON line on stdout.
import { parseArgs } from 'node:util';
import { provisionRuntime } from '../electron/core/python-bridge/runtime-provisioner';
import { BridgeError } from '../electron/core/python-bridge/errors';

const { values } = parseArgs({
  options: { wheelhouse: { type: 'string' }, target: { type: 'string' }, editable: { type: 'string' }, force: { type: 'boolean', default: false } },
});
const missing = (['wheelhouse', 'target'] as const).filter((k) => !values[k]);
if (missing.length) {
  console.error(`provision-runtime: missing ${missing.map((k) => `--${k}`).join(' and ')}`);
  process.exit(2);
}
try {
  const r = await provisionRuntime({
    wheelhouse: values.wheelhouse!,
    target: values.target!,
    editableSource: values.editable,
    force: values.force,
    onProgress: (p) => console.error(`provision-runtime: [${p.index}/${p.total} ${p.step}] ${p.message} (${(p.elapsedMs / 1000).toFixed(1)} s)`),
  });
  console.log(JSON.stringify(r));
} catch (err) {
  console.error(`provision-runtime: ${err instanceof BridgeError ? err.message : (err as Error).stack}`);
  process.exit(1);
}
