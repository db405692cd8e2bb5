/** `pipeline-studio serve [--port N] [--open]`: browser mode (the renderer + StudioApi over a loopback WebSocket). */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { CliContext } from '../context';
import { UsageError } from '../context';
import { createStudioService } from '../../core/studio-service/service';
import { startServer } from '../../server/server';

function defaultStaticDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.resolve(here, '../../../dist/renderer');
}

function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    spawn(cmd, [url], { stdio: 'ignore', detached: true }).on('error', () => {}).unref();
  } catch {
    /* no browser launcher: the URL is printed anyway */
  }
}

export function registerServeCommands(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('Serve Pipeline Studio in a browser on 127.0.0.1 (token-protected)')
    .option('--port <n>', 'port (default: a free one)')
    .option('--open', 'open the URL in the default browser')
    .option('--static-dir <dir>', 'built renderer (default: dist/renderer)')
    .option('--token <token>', 'use this token instead of a random one (tests)')
    .action(async (o: { port?: string; open?: boolean; staticDir?: string; token?: string }) => {
      const port = o.port === undefined ? 0 : Number(o.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`invalid --port ${o.port}`);
      const staticDir = path.resolve(o.staticDir ?? defaultStaticDir());
      if (!existsSync(path.join(staticDir, 'index.html'))) {
        ctx.err(`warning: ${staticDir}/index.html not found; run \`npm run build:renderer\` first`);
      }
      const router = createStudioService({ dataDir: ctx.dataDir(), mode: 'browser', log: (m) => ctx.err(m) });
      const server = await startServer({ router, staticDir, port, token: o.token, log: (m) => ctx.err(m) });
      ctx.out(`Pipeline Studio (browser mode) at ${server.url}`);
      if (o.open) openBrowser(server.url);
      await new Promise<void>((resolve) => {
        // The Python workers and the database go down with the server.
        const stop = () => {
          server
            .close()
            .then(() => router.close())
            .then(resolve, resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
