#!/usr/bin/env node
/**
 * `npm run build` (and `prepare`, so every `npm install` runs it): bundles the CLI's TypeScript
 * into JavaScript under dist/, one chunk per dynamically imported module so that a command loads
 * only what it uses. cli/bin.mjs runs that JavaScript while it is at least as new as every source
 * file it was built from (dist/build.json lists them), else the sources through tsx: loading tsx
 * and transforming the sources took half of a `--help` and of a one-input `run`.
 *
 * `--optional` (what `prepare` passes): a failed build warns in one line and exits 0, so an
 * install never fails for it; the command then runs from the sources, only slower to start.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD_DIR, BUILD_MANIFEST } from './entry.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const optional = process.argv.includes('--optional');

async function buildInto(outdir) {
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: root,
    // Worker threads' modules are entries of their own: a thread loads its module by file (src/threads/thread.ts).
    entryPoints: ['cli/main.ts', 'src/train/parallel/gradWorker.ts', 'probes/sweepWorker.ts', 'probes/zoo/jobWorker.ts'],
    entryNames: '[name]',
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Packages stay imports of node_modules: tfjs finds its wasm binaries beside its own files.
    packages: 'external',
    outdir,
    outExtension: { '.js': '.mjs' },
    // Chunks sit beside main.mjs, one folder below the root like cli/, so `new URL('../fixtures/…',
    // import.meta.url)` names the same files from either.
    chunkNames: 'chunk-[hash]',
    metafile: true,
    logLevel: 'warning',
  });
  return Object.keys(result.metafile.inputs).filter((p) => !p.startsWith('node_modules/'));
}

try {
  // Stamped before bundling: a source saved while the build reads it counts as newer than the build.
  const builtAt = Date.now();
  const tmp = join(root, `${BUILD_DIR}.${process.pid}.tmp`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  const inputs = await buildInto(tmp);
  writeFileSync(join(tmp, BUILD_MANIFEST), `${JSON.stringify({ builtAt, inputs }, null, 1)}\n`);
  rmSync(join(root, BUILD_DIR), { recursive: true, force: true });
  renameSync(tmp, join(root, BUILD_DIR));
  console.error(`rasplab: built ${BUILD_DIR}/ from ${inputs.length} source files`);
} catch (e) {
  const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
  console.error(`rasplab: build ${optional ? 'skipped' : 'failed'} (${why})${optional ? '; the command runs from the TypeScript sources' : ''}`);
  process.exitCode = optional ? 0 : 1;
}
