/**
 * Start-up: wall time of whole `rasplab` processes (median of 7 after a warm-up), from the built
 * JavaScript in dist/ and from the TypeScript sources through tsx (RASPLAB_FROM_SOURCE=1), with
 * bare `node` beside them as the floor. The build is made first if it is not current.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { renderTable } from '../../cli/format/table.ts';
import { builtEntry } from '../../cli/entry.mjs';
import { medianMs } from './timing.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'cli/bin.mjs');
const MODEL = join(ROOT, 'fixtures/models/reverse.compiled.safetensors');

const COMMANDS: readonly (readonly [string, readonly string[]])[] = [
  ['--help', ['--help']],
  ['eval (one input)', ['eval', 'reverse', '--input', 'a b c']],
  ['run (one input)', ['run', MODEL, '--input', 'a b c']],
];

const timeProcess = (args: readonly string[], env: NodeJS.ProcessEnv) =>
  medianMs(7, () => void execFileSync(process.execPath, args, { env: { ...process.env, ...env }, stdio: 'ignore' }));

export default async function run(): Promise<void> {
  if (!builtEntry(ROOT)) execFileSync(process.execPath, [join(ROOT, 'cli/build.mjs')], { stdio: 'inherit' });
  const floor = timeProcess(['-e', '0'], {});
  const rows = COMMANDS.map(([name, args]) => {
    const built = timeProcess([BIN, ...args], { RASPLAB_FROM_SOURCE: '0' });
    const source = timeProcess([BIN, ...args], { RASPLAB_FROM_SOURCE: '1' });
    return [name, built.toFixed(0), source.toFixed(0), `${(source / built).toFixed(1)}×`];
  });
  console.log(`start-up, ms per process (${availableParallelism()} cores; bare node: ${floor.toFixed(0)} ms)`);
  console.log(renderTable({ head: ['command', 'built (dist/)', 'sources (tsx)', 'built is faster'], rows, compact: true }));
}
