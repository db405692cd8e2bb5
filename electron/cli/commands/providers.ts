/**
 * `pipeline-studio providers presets | test`: the known model servers and hosted APIs, and a
 * connection test of the provider a command would use (its models, one timed tiny completion).
 */
import type { Command } from 'commander';
import { z } from 'zod';
import type { ConnectionTestResult } from '../../../shared/api/providers';
import { connectionTargetFor, testConnection } from '../../core/providers/connection-test';
import { presetList } from '../../core/providers/provider-presets';
import { cliProviders, providerFlags, withProviderOptions, type ProviderOptions } from '../cli-providers';
import { UsageError, type CliContext } from '../context';

const timeoutSchema = z.coerce.number().int().min(100).max(600_000).optional();

/** The test's outcome in a few lines: what answered, how fast, or what failed and why. */
export function describeConnectionTest(r: ConnectionTestResult): string[] {
  const lines = [`${r.target.preset ?? 'openai-compatible endpoint'} at ${r.target.apiBase}${r.target.model ? `, model ${r.target.model}` : ''}`];
  if (r.models.ok) {
    const shown = r.models.ids.slice(0, 10).join(', ');
    lines.push(`models (${r.models.ids.length}): ${shown || '(none listed)'}${r.models.ids.length > 10 ? ', …' : ''}  [${r.models.latencyMs.toFixed(0)} ms]`);
  } else lines.push(`models: FAILED (${r.models.error.kind}) ${r.models.error.message}`);
  const c = r.completion;
  if (c === null) lines.push('completion: not tried (nothing answers at that address)');
  else if (c.ok) {
    const speed = c.tokensPerSecond === null ? 'tokens/s unknown (the server reported no token usage)' : `${c.tokensPerSecond.toFixed(1)} tokens/s over the whole request`;
    lines.push(`completion: ${c.latencyMs.toFixed(0)} ms, ${c.completionTokens ?? '?'} tokens, ${speed}; answered ${JSON.stringify(c.text.slice(0, 60))}`);
  } else lines.push(`completion: FAILED (${c.error.kind}) ${c.error.message}`);
  lines.push(r.ok ? 'connection ok' : 'connection test failed');
  return lines;
}

export function registerProviderCommands(program: Command, ctx: CliContext): void {
  const providers = program.command('providers').description('provider presets and a connection test');
  providers
    .command('presets')
    .description('the known servers and APIs: default address, structured-output dialect, parallel calls, timeout')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      const list = presetList();
      if (opts.json) return ctx.json(list);
      for (const p of list) {
        ctx.out(`${p.id.padEnd(10)} ${p.label.padEnd(17)} ${p.apiBase.padEnd(42)} ${p.structuredOutput.padEnd(21)} threads ${p.numThreads}  timeout ${p.timeoutS} s`);
      }
    });
  withProviderOptions(providers.command('test').description("list the provider's models and time one tiny completion (exit 1 when it fails)"), 'test')
    .option('--timeout <ms>', 'per request (default 60000)')
    .option('--json', 'print JSON')
    .action(async (opts: ProviderOptions & { timeout?: string; json?: boolean }) => {
      const timeout = timeoutSchema.safeParse(opts.timeout);
      if (!timeout.success) throw new UsageError(`--timeout must be a whole number of milliseconds from 100 to 600000 (got ${opts.timeout})`);
      const flags = providerFlags(opts);
      const settings = await cliProviders(ctx, {});
      let target;
      try {
        target = connectionTargetFor(settings, { ...flags, timeoutMs: timeout.data });
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      if (!opts.json) ctx.err(`testing ${target.apiBase} …`);
      const result = await testConnection(target);
      if (!result.ok) ctx.setExitCode(1);
      if (opts.json) return ctx.json(result);
      for (const line of describeConnectionTest(result)) ctx.out(line);
    });
}
