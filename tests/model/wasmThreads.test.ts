import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const RUN = fileURLToPath(new URL('../support/wasmThreadsRun.ts', import.meta.url));

type Digest = { sha256: string; first: number[] };

function run(threads: number | 'wasm-threads'): { build: string; matMul: Digest; logits: Digest; gradients: Digest } {
  return JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', RUN, String(threads)], { encoding: 'utf8' }));
}

describe('the wasm backend threaded build', () => {
  it('starts under Node and computes the same numbers as the single-thread build', () => {
    const one = run(1);
    const two = run(2);
    expect(one.build).toBe('wasm (SIMD, one thread per backend)');
    expect(two.build).toBe('wasm (SIMD, threaded build, 2 threads)');
    expect(two.matMul).toEqual(one.matMul);
    expect(two.logits).toEqual(one.logits);
    expect(two.gradients).toEqual(one.gradients);
  }, 60_000);

  it('is what --backend wasm-threads loads, a thread per core up to 4', () => {
    const cores = Math.min(availableParallelism(), 4);
    expect(run('wasm-threads').build).toBe(cores > 1 ? `wasm (SIMD, threaded build, ${cores} threads)` : 'wasm (SIMD, one thread per backend)');
  }, 60_000);
});
