import { Command, CommanderError } from 'commander';
import { createContext, UsageError, type CliContext } from './context';
import { registerWorkflowCommands } from './commands/workflow';
import { registerServeCommands } from './commands/serve';
import { registerRuntimeCommands } from './commands/runtime';
import { registerDataCommands } from './commands/data';
import { registerAuditCommands } from './commands/audit';
import { registerEngineCommands } from './commands/engine';
import { registerProviderCommands } from './commands/providers';

/** Each command group registers its subcommands; a handler returns the exit code. */
export type CommandRegistrar = (program: Command, ctx: CliContext) => void;

const registrars: CommandRegistrar[] = [registerWorkflowCommands, registerServeCommands, registerRuntimeCommands, registerDataCommands, registerAuditCommands, registerEngineCommands, registerProviderCommands];

export async function main(argv: string[]): Promise<number> {
  const globalOpts: { dataDir?: string } = {};
  const ctx = createContext(globalOpts);
  let exitCode = 0;
  const program = new Command('pipeline-studio')
    .description('Design, tune and validate DSPy pipelines in pipeline_ex workflow format')
    .option('--data-dir <dir>', 'data directory (default: $PIPELINE_STUDIO_DATA_DIR or ~/.local/share/pipeline-studio)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) })
    .hook('preAction', (cmd) => {
      globalOpts.dataDir = cmd.opts().dataDir;
    });
  for (const register of registrars) register(program, ctx);
  program.commands.forEach((c) => c.exitOverride());
  try {
    await program.parseAsync(argv, { from: 'user' });
    exitCode = ctx.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2;
    }
    if (err instanceof UsageError) {
      ctx.err(`error: ${err.message}`);
      return 2;
    }
    ctx.err(`error: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
  return exitCode;
}
