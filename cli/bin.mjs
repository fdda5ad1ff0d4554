#!/usr/bin/env node
// Entry point of the `rasplab` command: the built JavaScript when it is current (cli/entry.mjs),
// else the TypeScript sources as they are, through tsx.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { builtEntry } from './entry.mjs';

// `rasplab … | head` closes the pipe early: that ends the output, it is not an error to report.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
const built = builtEntry(join(dirname(fileURLToPath(import.meta.url)), '..'));
let main;
if (built) ({ main } = await import(pathToFileURL(built).href));
else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('./main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
