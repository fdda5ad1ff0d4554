/**
 * Data-parallel gradients on one machine: `size` worker threads, each with its own tfjs backend,
 * compute the gradients of their shards of a batch while the training thread computes the first
 * shard. The wasm backend runs one thread per backend under Node (its threaded build cannot start
 * its workers there), so this is how a step uses more than one core.
 */
import { Worker } from 'node:worker_threads';
import type { ModelConfig } from '../../model/types.ts';
import type { Example } from '../../rasp/examples.ts';
import { UserError } from '../../rasp/errors.ts';
import type { ShardGradients } from '../step.ts';
import { offsetsOf, type FromWorker, type ToWorker } from './protocol.ts';

interface Slot {
  readonly worker: Worker;
  readonly grads: Float32Array;
  waiting?: { resolve: (m: FromWorker) => void; reject: (e: Error) => void };
}

/** The worker's module: the TypeScript source beside this file (through tsx), or the bundled build's sibling. */
function workerUrl(): { url: URL; execArgv?: string[] } {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return { url: new URL('./gradWorker.mjs', here) };
  // From the sources: a bootstrap that registers tsx in the thread; none of the parent's flags (an --eval among them).
  return { url: new URL('./gradWorkerFromSource.mjs', here), execArgv: [] };
}

export class GradPool {
  private nextId = 0;
  private closed = false;

  private constructor(
    private readonly slots: Slot[],
    private readonly weights: Float32Array,
    private readonly offsets: number[],
  ) {}

  /** Workers beside the training thread; `threads` counts the training thread too. */
  static async start(
    threads: number,
    config: ModelConfig,
    names: readonly string[],
    shapes: readonly (readonly number[])[],
    backend: string,
  ): Promise<GradPool> {
    const { offsets, total } = offsetsOf(shapes);
    const weightsBuf = new SharedArrayBuffer(total * 4);
    const { url, execArgv } = workerUrl();
    const slots: Slot[] = [];
    const pool = new GradPool(slots, new Float32Array(weightsBuf), offsets);
    try {
      for (let i = 1; i < threads; i++) {
        const gradsBuf = new SharedArrayBuffer(total * 4);
        const worker = new Worker(url, { execArgv });
        const slot: Slot = { worker, grads: new Float32Array(gradsBuf) };
        worker.on('message', (m: FromWorker) => {
          const w = slot.waiting;
          slot.waiting = undefined;
          if (m.type === 'error') w?.reject(new Error(`gradient worker ${i}: ${m.message}`));
          else w?.resolve(m);
        });
        worker.on('error', (e) => {
          slot.waiting?.reject(new Error(`gradient worker ${i}: ${e.message}`));
          slot.waiting = undefined;
        });
        worker.on('exit', (code) => {
          if (!pool.closed) slot.waiting?.reject(new Error(`gradient worker ${i} stopped (exit code ${code})`));
          slot.waiting = undefined;
        });
        slots.push(slot);
        const msg: ToWorker = { type: 'init', config, names, shapes, backend, weights: weightsBuf, grads: gradsBuf };
        const ready = await pool.request(slot, msg);
        if (ready.type !== 'ready' || ready.backend !== backend)
          throw new UserError(`a gradient worker runs backend '${ready.type === 'ready' ? ready.backend : '?'}' where training runs '${backend}'`);
      }
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  /** Worker threads (the training thread not counted). */
  get size(): number {
    return this.slots.length;
  }

  private request(slot: Slot, msg: ToWorker): Promise<FromWorker> {
    return new Promise((resolve, reject) => {
      slot.waiting = { resolve, reject };
      slot.worker.postMessage(msg);
    });
  }

  /** Each worker's summed loss and gradients on its shard, with `values` as the weights. */
  async shards(values: readonly Float32Array[], shards: readonly (readonly Example[])[]): Promise<ShardGradients[]> {
    if (shards.length > this.slots.length) throw new Error(`${shards.length} shards for ${this.slots.length} gradient workers`);
    values.forEach((v, i) => this.weights.set(v, this.offsets[i]));
    const ids = shards.map(() => this.nextId++);
    const replies = await Promise.all(shards.map((examples, s) => this.request(this.slots[s], { type: 'step', id: ids[s], examples })));
    return replies.map((r, s) => {
      if (r.type !== 'done' || r.id !== ids[s]) throw new Error(`gradient worker ${s + 1} answered out of turn`);
      const g = this.slots[s].grads;
      return { loss: r.loss, scored: r.scored, grads: this.offsets.map((o, i) => g.subarray(o, o + values[i].length)) };
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
