/**
 * Which code the `rasplab` command runs: dist/main.mjs, as `npm run build` wrote it, while no
 * source file it was built from is newer than the build; else null, and bin.mjs runs the
 * TypeScript sources. Checking is one stat per source file (about a millisecond), so an edited,
 * pulled or checked-out source is never run stale. RASPLAB_FROM_SOURCE=1 always runs the sources.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const BUILD_DIR = 'dist';
export const BUILD_MANIFEST = 'build.json';

/** The built entry module's path under `root`, or null when there is no current build. */
export function builtEntry(root, env = process.env) {
  if (env.RASPLAB_FROM_SOURCE === '1') return null;
  const dir = join(root, BUILD_DIR);
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(dir, BUILD_MANIFEST), 'utf8'));
  } catch {
    return null;
  }
  if (typeof manifest?.builtAt !== 'number' || !Array.isArray(manifest.inputs)) return null;
  for (const input of manifest.inputs) {
    try {
      if (statSync(join(root, input)).mtimeMs > manifest.builtAt) return null;
    } catch {
      return null;
    }
  }
  return join(dir, 'main.mjs');
}
