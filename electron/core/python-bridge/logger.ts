/** The host's logger as the bridge sees it. Inject the app's logger; the default drops everything. */
export interface BridgeLogger {
  debug(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

export const silentLogger: BridgeLogger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

/** Writes to a stream (stderr by default), one line per entry: for the CLI and for debugging. */
export function streamLogger(stream: NodeJS.WritableStream = process.stderr, minLevel: 'debug' | 'info' | 'warn' | 'error' = 'info'): BridgeLogger {
  const levels = ['debug', 'info', 'warn', 'error'] as const;
  const min = levels.indexOf(minLevel);
  const write = (level: (typeof levels)[number]) => (message: string, meta?: Record<string, unknown>) => {
    if (levels.indexOf(level) < min) return;
    stream.write(`[python-bridge ${level}] ${message}${meta ? ` ${JSON.stringify(meta)}` : ''}\n`);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
