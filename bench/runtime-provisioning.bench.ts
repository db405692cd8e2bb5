/**
 * Runtime provisioning: first-launch time from the wheelhouse (copied outside the checkout, offline
 * uv), the no-op time of a later launch, and `npm run setup` into a fresh venv with pip (warm pip
 * cache, then none: a new machine) against the same from the wheelhouse. Prints one JSON line.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { provisionRuntime, provisionedVenv } from '../electron/core/python-bridge/runtime-provisioner';
import { freshWheelhouse } from '../test/python-bridge/wheelhouse';

const run = promisify(execFile);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const seconds = (ms: number) => Math.round(ms / 100) / 10;
const log = (m: string) => process.stderr.write(`runtime-provisioning: ${m}\n`);

const scratch = mkdtempSync(path.join(os.tmpdir(), 'bench-provision-'));
try {
  const buildStart = Date.now();
  const wheelhouse = await freshWheelhouse(scratch, log);
  const wheelhouseReadyS = seconds(Date.now() - buildStart);

  const firstLaunch: number[] = [];
  for (let i = 0; i < 2; i++) {
    const r = await provisionRuntime({ wheelhouse, target: provisionedVenv(path.join(scratch, `data-${i}`)) });
    firstLaunch.push(seconds(r.elapsedMs));
    log(`first launch ${i + 1}: ${seconds(r.elapsedMs)} s`);
  }
  const again = await provisionRuntime({ wheelhouse, target: provisionedVenv(path.join(scratch, 'data-0')) });

  const setup = async (name: string, env: NodeJS.ProcessEnv) => {
    const t0 = Date.now();
    await run(process.execPath, ['scripts/setup-python.mjs'], { cwd: repoRoot, env: { ...process.env, STUDIO_SETUP_FORCE: '', STUDIO_SETUP_VENV: path.join(scratch, name), ...env }, maxBuffer: 64 << 20 });
    const s = seconds(Date.now() - t0);
    log(`npm run setup (${name}): ${s} s`);
    return s;
  };
  const noWheelhouse = path.join(scratch, 'no-wheelhouse');
  const setupWheelhouse = await setup('venv-wheelhouse', { STUDIO_SETUP_WHEELHOUSE: wheelhouse });
  const setupPipWarm = await setup('venv-pip-warm', { STUDIO_SETUP_WHEELHOUSE: noWheelhouse });
  const setupPipCold = await setup('venv-pip-cold', { STUDIO_SETUP_WHEELHOUSE: noWheelhouse, PIP_NO_CACHE_DIR: '1' });

  console.log(
    JSON.stringify({
      wheelhouse_ready_s: wheelhouseReadyS,
      first_launch_provisioning_s: firstLaunch,
      later_launch_check_ms: again.elapsedMs,
      setup_from_wheelhouse_s: setupWheelhouse,
      setup_with_pip_warm_cache_s: setupPipWarm,
      setup_with_pip_no_cache_s: setupPipCold,
      speedup_vs_pip_no_cache: Math.round((setupPipCold / setupWheelhouse) * 10) / 10,
    }),
  );
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
