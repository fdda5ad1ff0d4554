/**
 * A worker thread that answers one request at a time, for the work rasplab spreads over cores
 * (training steps' gradients, ablation sweeps). Each thread loads its own tfjs backend. The
 * worker's module is named by its TypeScript source; from the bundle (dist/) the thread runs the
 * entry cli/build.mjs writes beside the chunks under the same name, from the sources it runs
 * fromSource.mjs, which registers tsx in the thread first (a thread does not inherit loaders).
 */
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** What a worker answers: its reply, or the message of what it threw. */
export type Reply<R> = { readonly ok: true; readonly value: R } | { readonly ok: false; readonly message: string };

export class Thread<Req, Res> {
  private waiting?: { resolve: (r: Res) => void; reject: (e: Error) => void };
  private closed = false;

  private constructor(
    private readonly worker: Worker,
    /** Names the thread in errors ("gradient worker 1"). */
    readonly name: string,
  ) {
    worker.on('message', (r: Reply<Res>) => this.settle((w) => (r.ok ? w.resolve(r.value) : w.reject(new Error(`${name}: ${r.message}`)))));
    worker.on('error', (e) => this.settle((w) => w.reject(new Error(`${name}: ${e.message}`))));
    worker.on('exit', (code) => {
      if (!this.closed) this.settle((w) => w.reject(new Error(`${name} stopped (exit code ${code})`)));
    });
  }

  private settle(f: (w: NonNullable<Thread<Req, Res>['waiting']>) => void): void {
    const w = this.waiting;
    this.waiting = undefined;
    if (w) f(w);
  }

  /** Starts the worker whose source is `entry` (a `new URL('./x.ts', import.meta.url)` of its caller). */
  static start<Req, Res>(entry: URL, name: string): Thread<Req, Res> {
    const fromSource = import.meta.url.endsWith('.ts');
    const worker = fromSource
      ? new Worker(new URL('./fromSource.mjs', import.meta.url), { workerData: { entry: entry.href }, execArgv: [] })
      : new Worker(new URL(`./${basename(fileURLToPath(entry), '.ts')}.mjs`, import.meta.url));
    return new Thread<Req, Res>(worker, name);
  }

  /** Sends one request; the thread answers it before it takes another. */
  request(msg: Req): Promise<Res> {
    if (this.waiting) return Promise.reject(new Error(`${this.name} is still answering a request`));
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.worker.postMessage(msg);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.worker.terminate();
  }
}
