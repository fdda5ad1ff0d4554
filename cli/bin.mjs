#!/usr/bin/env node
// Entry point of the `rasplab` command: registers tsx so the TypeScript sources run as they are.
import { register } from 'tsx/esm/api';
register();
// `rasplab … | head` closes the pipe early: that ends the output, it is not an error to report.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
