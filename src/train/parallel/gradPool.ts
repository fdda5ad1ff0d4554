/**
 * Data-parallel gradients on one machine: worker threads, each with its own tfjs backend,
 * compute the gradients of their shards of a batch while the training thread computes the first
 * shard. This is how a step of many small kernels uses more than one core: the wasm backend's
 * threaded build (--backend wasm-threads, src/model/wasmThreads.ts) splits each kernel, which pays
 * on large products only. Each worker here runs the single-thread build.
 */
import type { ModelConfig } from '../../model/types.ts';
import type { Example } from '../../rasp/examples.ts';
import { UserError } from '../../rasp/errors.ts';
import { Thread } from '../../threads/thread.ts';
import type { ShardGradients } from '../step.ts';
import { offsetsOf, type GradReply, type GradRequest } from './protocol.ts';

interface Slot {
  readonly thread: Thread<GradRequest, GradReply>;
  readonly grads: Float32Array;
}

export class GradPool {
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
    const slots: Slot[] = [];
    const pool = new GradPool(slots, new Float32Array(weightsBuf), offsets);
    try {
      for (let i = 1; i < threads; i++) {
        const gradsBuf = new SharedArrayBuffer(total * 4);
        const thread = Thread.start<GradRequest, GradReply>(new URL('./gradWorker.ts', import.meta.url), `gradient worker ${i}`);
        slots.push({ thread, grads: new Float32Array(gradsBuf) });
        const ready = (await thread.request({ type: 'init', config, names, shapes, backend, weights: weightsBuf, grads: gradsBuf })) as { backend: string };
        if (ready.backend !== backend) throw new UserError(`${thread.name} runs backend '${ready.backend}' where training runs '${backend}'`);
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

  /** Each worker's summed loss and gradients on its shard, with `values` as the weights. */
  async shards(values: readonly Float32Array[], shards: readonly (readonly Example[])[]): Promise<ShardGradients[]> {
    if (shards.length > this.slots.length) throw new Error(`${shards.length} shards for ${this.slots.length} gradient workers`);
    values.forEach((v, i) => this.weights.set(v, this.offsets[i]));
    const replies = await Promise.all(shards.map((examples, s) => this.slots[s].thread.request({ type: 'step', examples })));
    return replies.map((r, s) => {
      const { loss, scored } = r as { loss: number; scored: number };
      const g = this.slots[s].grads;
      return { loss, scored, grads: this.offsets.map((o, i) => g.subarray(o, o + values[i].length)) };
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.thread.close()));
  }
}
