// Loaded with `node --import`: records every package a process imports (bare specifiers only) in
// the file RASPLAB_IMPORT_LOG names, one per line, so a test can see what a command loaded.
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  if (!/^(\\.|\\/|node:|file:|data:)/.test(specifier)) appendFileSync(process.env.RASPLAB_IMPORT_LOG, specifier + '\\n');
  return next(specifier, context);
}`),
);
