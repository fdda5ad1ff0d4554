/**
 * Backend selection. 'auto' prefers native TensorFlow (GPU, then CPU build), then WebAssembly,
 * then tfjs's pure-JS CPU backend. The native packages are optional dependencies, so a failed
 * import just moves on; an explicitly requested backend that cannot load is the user's error.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../rasp/errors.ts';
import './quietTf.ts';
import { installWasmCopies } from './wasmCopies.ts';
import { installWasmThreadWorkers } from './wasmThreads.ts';

export type BackendPref = 'auto' | 'tensorflow' | 'wasm' | 'wasm-threads' | 'cpu';
export const BACKEND_PREFS: readonly BackendPref[] = ['auto', 'tensorflow', 'wasm', 'wasm-threads', 'cpu'];

/** Imports a package by a name TypeScript does not resolve (it may not be installed). */
async function importOptional(name: string): Promise<unknown> {
  return import(name);
}

async function activate(name: string): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') failed`);
  await tf.ready();
  // A backend can register yet fail on first use (missing kernels or binaries): run one op.
  const probe = tf.tidy(() => tf.sum(tf.matMul(tf.ones([2, 2]), tf.ones([2, 2]))).dataSync()[0]);
  if (probe !== 8) throw new Error(`backend '${name}' computed ${probe} for a known sum of 8`);
}

async function loadTensorflow(): Promise<string> {
  const errors: string[] = [];
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await importOptional(pkg);
      await activate('tensorflow');
      return 'tensorflow';
    } catch (e) {
      errors.push(`${pkg}: ${firstLine(e)}`);
    }
  }
  throw new Error(errors.join('; '));
}

async function loadWasm(): Promise<string> {
  const wasm = (await import('@tensorflow/tfjs-backend-wasm')) as typeof import('@tensorflow/tfjs-backend-wasm');
  // In Node the .wasm binaries are read from disk: point the loader at the package's dist folder.
  const require = createRequire(import.meta.url);
  const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  wasm.setWasmPaths(join(dist, 'dist') + '/');
  if (wasmThreads > 1) {
    // The threaded SIMD build: tfjs turns it off under Node, wasmThreads.ts lets it start.
    installWasmThreadWorkers();
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
    wasm.setThreadsCount(wasmThreads);
  }
  await activate('wasm');
  installWasmCopies();
  return 'wasm';
}

let wasmThreads = 1;

/**
 * Threads for the wasm backend's own kernels (its threaded SIMD build); takes effect when the
 * wasm backend first loads in this process. 1, the default, loads the single-thread build.
 */
export function setWasmThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new UserError(`wasm threads must be a whole number of at least 1, got ${n}`);
  wasmThreads = n;
}

/** The wasm backend on its threaded build, one thread per core up to 4 (unless setWasmThreads chose). */
async function loadWasmThreaded(): Promise<string> {
  if (wasmThreads === 1) wasmThreads = Math.min(availableParallelism(), 4);
  return loadWasm();
}

async function loadCpu(): Promise<string> {
  await activate('cpu');
  return 'cpu';
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0];
}

const LOADERS: Record<Exclude<BackendPref, 'auto'>, () => Promise<string>> = {
  tensorflow: loadTensorflow,
  wasm: loadWasm,
  'wasm-threads': loadWasmThreaded,
  cpu: loadCpu,
};

/** Activates a backend and returns the name of the one that runs. */
export async function selectBackend(pref: BackendPref | string = 'auto'): Promise<string> {
  if (pref === 'auto') {
    for (const name of ['tensorflow', 'wasm', 'cpu'] as const) {
      try {
        return await LOADERS[name]();
      } catch {
        // Try the next one; 'cpu' is built into tfjs and always loads.
      }
    }
    throw new UserError('no tfjs backend could be loaded');
  }
  const load = LOADERS[pref as Exclude<BackendPref, 'auto'>];
  if (!load) throw new UserError(`unknown backend '${pref}' (choose one of ${BACKEND_PREFS.join(', ')})`);
  try {
    return await load();
  } catch (e) {
    const hint = pref === 'tensorflow' ? ' (install @tensorflow/tfjs-node or @tensorflow/tfjs-node-gpu)' : '';
    throw new UserError(`backend '${pref}' cannot be loaded: ${firstLine(e)}${hint}`);
  }
}

/**
 * The running backend and its build, as benchmarks report it: for wasm whether its SIMD binary
 * loaded, and whether its threaded build runs (setWasmThreads) or one thread per backend.
 */
export async function backendBuild(): Promise<string> {
  const name = tf.getBackend();
  if (name === 'wasm') {
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const threads = await wasmKernelThreads();
    if (threads > 1) return `wasm (SIMD, threaded build, ${threads} threads)`;
    return `wasm (${simd ? 'SIMD' : 'no SIMD'}, one thread per backend)`;
  }
  if (name === 'cpu') return 'cpu (plain JavaScript)';
  return name === 'tensorflow' ? 'tensorflow (native TensorFlow via tfjs-node)' : name;
}

/** How many threads the running wasm backend splits each kernel over: more than 1 on its threaded SIMD build only. */
export async function wasmKernelThreads(): Promise<number> {
  if (tf.getBackend() !== 'wasm') return 1;
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threaded = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  return simd && threaded ? wasmThreads : 1;
}
