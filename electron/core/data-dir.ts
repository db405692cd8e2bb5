import os from 'node:os';
import path from 'node:path';

/** The app's data directory: --data-dir, then PIPELINE_STUDIO_DATA_DIR, then the XDG data home. */
export function resolveDataDir(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return path.resolve(explicit);
  if (env.PIPELINE_STUDIO_DATA_DIR) return path.resolve(env.PIPELINE_STUDIO_DATA_DIR);
  const base = env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(base, 'pipeline-studio');
}
