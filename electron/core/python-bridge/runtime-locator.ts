/**
 * Finds the Python interpreter that runs `studio_runtime`, in this order:
 * 1. a configured path (the `pythonPath` option, then $PIPELINE_STUDIO_PYTHON),
 * 2. the development venv of the source tree (<repo>/python/.venv),
 * 3. the runtime provisioned in the data directory from the bundled wheelhouse (runtime-provisioner.ts).
 */
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RuntimeNotFoundError } from './errors';
import { provisionedVenv, venvPython } from './runtime-provisioner';

export type RuntimeSource = 'option' | 'env' | 'bundled-venv' | 'provisioned';

export interface LocatedRuntime {
  /** Absolute path of the Python interpreter. */
  python: string;
  /** How it was found. */
  source: RuntimeSource;
  /** Human description of `source`, e.g. "$PIPELINE_STUDIO_PYTHON". */
  description: string;
}

export interface LocateOptions {
  /** Explicit interpreter path (settings screen, CLI option). */
  pythonPath?: string;
  env?: NodeJS.ProcessEnv;
  /** Source-tree root holding python/.venv; found from this module's location by default. */
  repoRoot?: string | null;
  /** The data directory holding a provisioned runtime (<dataDir>/python-runtime/venv). */
  dataDir?: string | null;
}

export const INSTALL_HINT =
  'Install it with `npm run setup` (creates python/.venv with DSPy; needs python3 >= 3.10), ' +
  'provision it from the bundled packages (Settings: Repair runtime), or point PIPELINE_STUDIO_PYTHON at a Python that has the studio_runtime package installed.';


/** The source tree's root: the nearest ancestor of this module with pipeline-studio's package.json. */
export function findRepoRoot(start = moduleDir()): string | null {
  let dir = start;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'pipeline-studio') return dir;
      } catch {
        // not ours; keep walking
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function moduleDir(): string {
  try {
    return path.dirname(fileURLToPath(import.meta.url));
  } catch {
    return process.cwd();
  }
}

function problemWith(file: string): string | null {
  try {
    if (!statSync(file).isFile()) return 'is not a file';
  } catch {
    return 'does not exist';
  }
  try {
    accessSync(file, constants.X_OK);
  } catch {
    return 'is not executable';
  }
  return null;
}

/** Locates the runtime or throws RuntimeNotFoundError listing every place tried and how to install. */
export function locateRuntime(options: LocateOptions = {}): LocatedRuntime {
  const env = options.env ?? process.env;
  const checked: { source: string; path: string; problem: string }[] = [];
  const candidates: { source: RuntimeSource; description: string; file: string; configured: boolean }[] = [];

  if (options.pythonPath) candidates.push({ source: 'option', description: 'the configured Python path', file: path.resolve(options.pythonPath), configured: true });
  else if (env.PIPELINE_STUDIO_PYTHON)
    candidates.push({ source: 'env', description: '$PIPELINE_STUDIO_PYTHON', file: path.resolve(env.PIPELINE_STUDIO_PYTHON), configured: true });

  const repoRoot = options.repoRoot === undefined ? findRepoRoot() : options.repoRoot;
  if (repoRoot) candidates.push({ source: 'bundled-venv', description: 'the bundled venv (python/.venv)', file: venvPython(path.join(repoRoot, 'python', '.venv')), configured: false });

  if (options.dataDir) {
    candidates.push({ source: 'provisioned', description: 'the runtime provisioned in the data directory', file: venvPython(provisionedVenv(options.dataDir)), configured: false });
  }

  for (const c of candidates) {
    const problem = problemWith(c.file);
    if (problem === null) return { python: c.file, source: c.source, description: c.description };
    checked.push({ source: c.description, path: c.file, problem });
    // A configured path that does not work is an error, not a reason to silently use another runtime.
    if (c.configured) {
      throw new RuntimeNotFoundError(`The Python runtime configured by ${c.description} (${c.file}) ${problem}. ${INSTALL_HINT}`, checked);
    }
  }
  const tried = checked.map((c) => `  - ${c.source}: ${c.path} ${c.problem}`).join('\n');
  throw new RuntimeNotFoundError(`No usable Python runtime found. Tried:\n${tried || '  (no candidate locations)'}\n${INSTALL_HINT}`, checked);
}
