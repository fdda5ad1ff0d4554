/**
 * `npm run bench`: runs every tests/bench/*.bench.ts in turn (sorted by name). Each file's default
 * export is `run(): Promise<void>`, which prints its own table. A name given on the command line
 * (`npm run bench -- forward`) runs only the files whose name contains it.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

type BenchModule = { default?: () => Promise<void>; run?: () => Promise<void> };

const dir = fileURLToPath(new URL('.', import.meta.url));

export function benchFiles(filter: readonly string[] = []): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => filter.length === 0 || filter.some((s) => f.includes(s)))
    .sort();
}

async function runAll(filter: readonly string[]): Promise<number> {
  const files = benchFiles(filter);
  if (files.length === 0) {
    console.error(`no benchmarks${filter.length ? ` matching ${filter.join(', ')}` : ''} in ${dir}`);
    return 1;
  }
  let failed = 0;
  for (const f of files) {
    console.log(`\n== ${f} ==`);
    const t0 = performance.now();
    try {
      const mod = (await import(pathToFileURL(join(dir, f)).href)) as BenchModule;
      const run = mod.default ?? mod.run;
      if (typeof run !== 'function') throw new Error(`${f} has no default export run(): Promise<void>`);
      await run();
      console.log(`(${f}: ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    } catch (e) {
      failed++;
      console.error(`${f} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  }
  return failed ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await runAll(process.argv.slice(2));
}
