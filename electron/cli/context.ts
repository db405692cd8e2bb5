import { resolveDataDir } from '../core/data-dir';

/** What every command gets: output helpers and the global options. */
export interface CliContext {
  dataDir(): string;
  out(text: string): void;
  err(text: string): void;
  json(value: unknown): void;
  /** Sets the process exit code for this invocation (the highest one set wins). */
  setExitCode(code: number): void;
  readonly exitCode: number;
}

export class UsageError extends Error {}

export function createContext(globalOpts: { dataDir?: string }, io = { out: process.stdout, err: process.stderr }): CliContext {
  let exitCode = 0;
  return {
    get exitCode() {
      return exitCode;
    },
    setExitCode: (code) => {
      exitCode = Math.max(exitCode, code);
    },
    dataDir: () => resolveDataDir(globalOpts.dataDir),
    out: (text) => io.out.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => io.err.write(text.endsWith('\n') ? text : `${text}\n`),
    json: (value) => io.out.write(`${JSON.stringify(value, null, 2)}\n`),
  };
}
