/**
 * The provider options every model-calling command takes, and the providers they resolve to: the
 * ones saved in Settings (providers.json in the data directory) over the environment, with
 * --provider, --api-base and --model over both for this command.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { PRESET_IDS, presetIdSchema } from '../../shared/api/providers';
import { prefsWithFlags, type ProviderFlags } from '../core/providers/provider-presets';
import { PROVIDER_PREFS_FILE, providerSettingsFrom, readProviderPrefs, type ProviderSettings } from '../core/providers/provider-settings';
import { UsageError, type CliContext } from './context';

export interface ProviderOptions {
  provider?: string;
  apiBase?: string;
  model?: string;
}

const flagsSchema = z.object({
  provider: presetIdSchema.optional(),
  apiBase: z.url('must be a URL').optional(),
  model: z.string().min(1).max(200).optional(),
});
const FLAG_NAMES: Record<string, string> = { provider: '--provider', apiBase: '--api-base', model: '--model' };

/** Adds --provider, --api-base and --model to a command. */
export function withProviderOptions(cmd: Command, what: string): Command {
  return cmd
    .option('--provider <preset>', `${what} with this provider preset (${PRESET_IDS.join(' | ')}), over Settings`)
    .option('--api-base <url>', `${what} on this OpenAI-compatible endpoint (a local server, say), over Settings and the preset's address`)
    .option('--model <name>', 'the model to call (at the endpoint or the preset in use)');
}

/** The flags, validated (a bad one is a usage error naming it). */
export function providerFlags(opts: ProviderOptions): ProviderFlags {
  const parsed = flagsSchema.safeParse({ provider: opts.provider, apiBase: opts.apiBase, model: opts.model });
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new UsageError(`${FLAG_NAMES[String(i.path[0])] ?? i.path.join('.')} ${i.message}`);
  }
  return { preset: parsed.data.provider, apiBase: parsed.data.apiBase, model: parsed.data.model };
}

/** The providers the app would use, with this command's flags over them. */
export async function cliProviders(ctx: CliContext, opts: ProviderOptions): Promise<ProviderSettings> {
  const flags = providerFlags(opts);
  const prefs = await readProviderPrefs(path.join(ctx.dataDir(), PROVIDER_PREFS_FILE));
  let chosen;
  try {
    chosen = prefsWithFlags(prefs, flags);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return providerSettingsFrom(chosen, process.env);
}
