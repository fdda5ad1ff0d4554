/**
 * Lets the threaded SIMD build of tfjs's wasm backend start its threads under Node.
 *
 * The build's own loader hands its thread workers a blob: URL for their script, and a Blob for
 * the main glue they load; Node's worker threads start only from files or code. The glue
 * itself supports Node (its worker script branches on it), so all that is needed is a global
 * `Worker` that starts the package's worker script as code, and tells it to load the glue from
 * the package's own file. The glue assigns Node's `Worker` to the global as it starts, so the
 * global is an accessor that keeps this one. Nothing inside node_modules is changed.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Worker as NodeWorker, type WorkerOptions } from 'node:worker_threads';

const require = createRequire(import.meta.url);

function wasmOutDir(): string {
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'wasm-out');
}

let installed = false;

/** Installs the global `Worker` the threaded build starts its threads with; idempotent. */
export function installWasmThreadWorkers(): void {
  if (installed) return;
  const out = wasmOutDir();
  const glue = join(out, 'tfjs-backend-wasm-threaded-simd.js');
  const { wasmWorkerContents } = require(join(out, 'tfjs-backend-wasm-threaded-simd.worker.js')) as { wasmWorkerContents: string };
  // The exported text holds real newlines where its string literals had '\n': escape them back.
  const workerCode = wasmWorkerContents.replace(/\n/g, '\\n');
  class WasmThreadWorker extends NodeWorker {
    constructor(url: string | URL, options?: WorkerOptions) {
      if (String(url).startsWith('blob:')) super(workerCode, { eval: true });
      else super(url, options);
    }
    override postMessage(message: unknown, transfer?: Parameters<NodeWorker['postMessage']>[1]): void {
      const m = message as { cmd?: string; urlOrBlob?: unknown } | null;
      // 'load' names the glue the thread evaluates: the package's file instead of a Blob.
      if (m && m.cmd === 'load' && typeof m.urlOrBlob !== 'string') message = { ...m, urlOrBlob: glue };
      super.postMessage(message, transfer);
    }
  }
  Object.defineProperty(globalThis, 'Worker', { configurable: true, get: () => WasmThreadWorker, set: () => {} });
  installed = true;
}
