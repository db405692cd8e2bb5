#!/usr/bin/env node
// Runs the TypeScript CLI through tsx so `npx pipeline-studio` works right after `npm install`.
import { register } from 'tsx/esm/api';

// A reader that goes away (`| head`) ends the command quietly, as command-line tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

register();
const { main } = await import('../electron/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
