/**
 * Edge patching: the forward pass with some edges of the computational graph
 * (src/model/circuitGraph.ts) fed a corrupted value. Patching edge s → r replaces sender s's
 * contribution to receiver input r only: r reads
 *
 *   x_r = resid − Σ_s w_sr · (out_s − corrupt_s)
 *
 * where resid is the stream this pass hands r, out_s is what s writes in this run, and
 * w_sr ∈ [0, 1] says how much of the edge is patched (1: removed from the circuit). Every head's
 * q, k and v and every MLP's input are recomputed from their own x_r, so one edge into a head's
 * query leaves its key and value alone. The pass is the model's own (src/model/forward.ts), with
 * hooks: the senders' outputs are read at hook_embed, hook_pos_embed, attn.hook_result and
 * hook_mlp_out, and the receivers' inputs are replaced at attn.hook_q/k/v, mlp.hook_pre and
 * unembed.hook_in (what the unembedding reads, after the final layer norm).
 *
 * On the graph with neurons (circuitGraph's `neurons`) each neuron n of an MLP is a sender, writing
 * post_n · W_out[n] (read at mlp.hook_post), and a receiver: its pre-activation is recomputed from
 * its own x_r through its column of W_in, so patching an edge into one neuron leaves the others.
 *
 * A receiver may also be handed a zero tensor ε_r added to x_r: the gradient of the metric with
 * respect to it is ∂metric/∂x_r, what edge attribution patching multiplies by (corrupt − clean).
 *
 * The backward pass that gradient methods take (`Backward`): `gradient`, the plain derivative at the
 * run's own point, or `secant`, where each nonlinearity is crossed by its secant between this run
 * and the corrupted one (every edge patched) instead of its slope here (DeepLIFT's rescale rule,
 * Shrikumar et al. 2017). A neuron's activation passes dy · (act(pre) − act(pre′)) / (pre − pre′); a
 * softmax passes its Jacobian at the mean of the two patterns, scaled per query so that it maps the
 * change in scores onto the change in pattern (exactly the mean Jacobian along the line between
 * them where one key takes over from another). Where the two runs agree the secant is the slope,
 * so on a smooth model the two backward passes differ little; where a softmax is saturated or a
 * ReLU flat in both runs but different between them (a compiled model's exact attention and step
 * neurons, everywhere), the slope is zero and the secant is not: the gradient would credit nothing
 * upstream of the first saturated node. A numerical output's squared error is crossed by its secant
 * too (its slope is zero where the model is exactly right). Nothing else changes: layer norms,
 * products and the categorical metrics are differentiated as they are. The secants are in
 * secants.ts.
 *
 * Metrics (both means over the positions where the program's output is defined): `kl`, the KL
 * divergence from the clean run's output distribution (numerical outputs: the squared distance to
 * the clean output), and `loss`, the task's loss (cross-entropy against the program's answer;
 * squared error for numerical outputs).
 */
import * as tf from '@tensorflow/tfjs';
import '../../src/model/quietTf.ts';
import type { Batch } from '../../src/model/batch.ts';
import type { CircuitGraph, Receiver } from '../../src/model/circuitGraph.ts';
import { layerHook, type HookName, type Hooks } from '../../src/model/hooks.ts';
import { layerNorm } from '../../src/model/layerNorm.ts';
import type { LoadedModel } from '../../src/model/loadedModel.ts';
import { NUMERIC_TOLERANCE, ScoreTally } from '../../src/model/scoring.ts';
import type { ProbeBatches } from '../batches.ts';
import { makeRng } from '../../src/rasp/random.ts';
import { secantActivation, secantSoftmax, secantSquare } from './secants.ts';

export const DISCOVERY_METRICS = ['kl', 'loss'] as const;
export type DiscoveryMetric = (typeof DISCOVERY_METRICS)[number];

/** How gradient methods cross the model's nonlinearities (see the header). */
export const BACKWARDS = ['secant', 'gradient'] as const;
export type Backward = (typeof BACKWARDS)[number];

/** What a pass records at its nonlinearities (the corrupted run), or crosses by their secants to what was recorded. */
type Nonlinear = { readonly record: Map<string, tf.Tensor> } | { readonly secant: ReadonlyMap<string, tf.Tensor> };

/** Receiver inputs that are computed together: one layer's queries (keys, values) of every head, one MLP's input, the logits. */
interface ReceiverGroup {
  readonly receivers: readonly number[];
  /** The senders every receiver of the group reads (a prefix of the senders). */
  readonly senders: number;
}

/**
 * Where the corrupted sender outputs come from: each sender's mean, a resampled position (every
 * sender's output at each position of each input is what it wrote at a position drawn at random
 * from the probe inputs' own, BOS from a BOS: a draw from the distribution whose mean `mean` takes),
 * or a paired corrupted run per batch.
 */
export type CorruptSource =
  { readonly kind: 'mean' } | { readonly kind: 'resample'; readonly seed: number } | { readonly kind: 'paired'; readonly batches: ProbeBatches };

/** Per receiver group, a tensor of the group's shape ([receivers, B·P, D]) added to its inputs. */
export type Probes = readonly tf.Tensor[];

/** Draws `resample` makes for another token at another position than the clean one's before it takes what it drew. */
const MAX_REDRAWS = 32;

/** How far (relative to a sender's largest output) its corrupted output may lie from its clean one and count as unchanged. */
const UNCHANGED_TOLERANCE = 1e-6;

const SENDER_HOOKS = (nLayers: number, neurons: boolean): HookName[] => [
  'hook_embed',
  'hook_pos_embed',
  ...Array.from({ length: nLayers }, (_, l) => [layerHook(l, 'attn.hook_result'), layerHook(l, neurons ? 'mlp.hook_post' : 'hook_mlp_out')]).flat(),
];

export class EdgeRunner {
  readonly groups: readonly ReceiverGroup[];
  /** Per batch: every sender's output in the clean run, [senders, B·P·D]. */
  private readonly clean: tf.Tensor2D[] = [];
  /** Per batch: every sender's corrupted output, [senders, B·P·D]. */
  private readonly corrupt: tf.Tensor2D[] = [];
  /** Per batch: the clean run's log-probabilities (or outputs), for `kl`. */
  private readonly cleanOut: tf.Tensor[] = [];
  /** Per batch: 1 at the positions scored, [B, P]. */
  private readonly scored: tf.Tensor2D[] = [];
  private readonly labels: tf.Tensor[] = [];
  /** Per batch, made on first use: the corrupted run's attention scores, patterns and MLP pre-activations, for `secant`. */
  private readonly references: (Map<string, tf.Tensor> | undefined)[] = [];
  private readonly totalScored: number;

  constructor(
    readonly m: LoadedModel,
    readonly graph: CircuitGraph,
    readonly data: ProbeBatches,
    private readonly corruptSource: CorruptSource,
    readonly metric: DiscoveryMetric,
  ) {
    const corrupt = corruptSource;
    this.groups = receiverGroups(graph);
    const D = m.config.dModel;
    let total = 0;
    for (const b of data.batches) {
      this.clean.push(this.senderOutputs(b));
      const at = this.scoredMask(b);
      total += at.count;
      this.scored.push(at.mask);
      this.labels.push(this.labelTensor(b));
      this.cleanOut.push(tf.tidy(() => this.outputOf(this.m.run(b))));
    }
    this.totalScored = Math.max(1, total);
    if (corrupt.kind === 'paired') for (const b of corrupt.batches.batches) this.corrupt.push(this.senderOutputs(b));
    else if (corrupt.kind === 'resample') this.corrupt.push(...this.resampled(corrupt.seed));
    else {
      // Each sender's mean output over every input and position; the token embedding's over the
      // inputs at each position (BOS is where it writes bos, whatever the input: a mean over
      // positions would move BOS rather than blur the tokens).
      const S = graph.senders.length;
      const P = data.nPos;
      const mean = tf.tidy(() => {
        let sum: tf.Tensor = tf.zeros([S, P, D]);
        let count: tf.Tensor = tf.zeros([P]);
        data.batches.forEach((b, i) => {
          const valid = tf.reshape(validPositions(b), [b.size, P]);
          sum = tf.add(sum, tf.sum(tf.mul(tf.reshape(this.clean[i], [S, b.size, P, D]), tf.reshape(valid, [1, b.size, P, 1])), 1));
          count = tf.add(count, tf.sum(valid, 0));
        });
        const perPosition = tf.div(tf.slice(sum, [0, 0, 0], [1, P, D]), tf.reshape(tf.maximum(count, 1), [1, P, 1]));
        const overall = tf.div(tf.sum(tf.slice(sum, [1, 0, 0], [S - 1, P, D]), 1, true), tf.maximum(tf.sum(count), 1));
        return tf.concat([perPosition, tf.broadcastTo(overall, [S - 1, P, D])]);
      });
      for (const b of data.batches)
        this.corrupt.push(tf.tidy(() => tf.reshape(tf.broadcastTo(tf.reshape(mean, [S, 1, P, D]), [S, b.size, P, D]), [S, -1]) as tf.Tensor2D));
      mean.dispose();
    }
  }

  /**
   * Per batch, every sender's output at each position taken from a random position of a random
   * probe input: one draw per (input, position), the same for every sender, so each corrupted
   * position is one that some input really has. BOS is drawn from the BOS positions, every other
   * position (padding too, which nothing scored reads) from the inputs' real ones.
   */
  private resampled(seed: number): tf.Tensor2D[] {
    const S = this.graph.senders.length;
    const D = this.m.config.dModel;
    const bos: number[] = [];
    const real: number[] = [];
    const tokens: number[] = [];
    const positions: number[] = [];
    let offset = 0;
    for (const b of this.data.batches) {
      b.lengths.forEach((len, r) => {
        for (let p = 0; p < len; p++) (p === 0 ? bos : real).push(offset + r * b.nPos + p);
      });
      tokens.push(...b.tokens);
      for (let i = 0; i < b.size * b.nPos; i++) positions.push(i % b.nPos);
      offset += b.size * b.nPos;
    }
    if (real.length === 0) real.push(...bos);
    const rng = makeRng(seed).fork('resample');
    const pool = tf.tidy(() =>
      tf.concat(
        this.clean.map((c) => tf.reshape(c, [S, -1, D])),
        1,
      ),
    );
    try {
      return this.data.batches.map((b) => {
        const idx = Int32Array.from({ length: b.size * b.nPos }, (_, i) => {
          if (i % b.nPos === 0) return bos[rng.int(bos.length)];
          // Another token at another position where one is found: a draw of the same token (or the same
          // position) would leave the token (position) embedding as it was.
          const same = (j: number) => tokens[j] === b.tokens[i] || positions[j] === i % b.nPos;
          let j = real[rng.int(real.length)];
          for (let tries = 0; tries < MAX_REDRAWS && same(j); tries++) j = real[rng.int(real.length)];
          return j;
        });
        return tf.tidy(() => tf.reshape(tf.gather(pool, tf.tensor1d(idx, 'int32'), 1), [S, -1]) as tf.Tensor2D);
      });
    } finally {
      pool.dispose();
    }
  }

  /** The metric with the edges patched by `w` (per edge of graph.edges, 0 … 1), averaged over every batch. */
  async metricOf(w: Float32Array): Promise<number> {
    let sum = 0;
    for (let b = 0; b < this.data.batches.length; b++) {
      const t = tf.tidy(() => this.metricSum(b, w));
      sum += (await t.data())[0];
      t.dispose();
    }
    return sum / this.totalScored;
  }

  /** Exact match of the run with edges patched by `w`. */
  async exactMatchOf(w: Float32Array): Promise<number> {
    const tally = new ScoreTally(this.m.config.output, NUMERIC_TOLERANCE);
    for (let b = 0; b < this.data.batches.length; b++) {
      const t = tf.tidy(() => this.logits(b, w));
      tally.add(this.data.batches[b], (await t.data()) as Float32Array);
      t.dispose();
    }
    return tally.result().exactMatch;
  }

  /**
   * The gradient of the metric (this batch's share of the mean) with respect to every receiver's
   * input, with the edges patched by `w`: per receiver group, [receivers, B·P, D].
   */
  inputGradients(batch: number, w: Float32Array, backward: Backward = 'secant'): tf.Tensor[] {
    const b = this.data.batches[batch];
    const BP = b.size * b.nPos;
    const D = this.m.config.dModel;
    const nonlinear: Nonlinear | undefined = backward === 'secant' ? { secant: this.reference(batch) } : undefined;
    const probes = this.groups.map((g) => tf.zeros([g.receivers.length, BP, D]));
    try {
      const f = (...xs: tf.Tensor[]) => tf.div(this.metricSum(batch, w, xs, nonlinear), this.totalScored) as tf.Scalar;
      return tf.grads(f)(probes);
    } finally {
      for (const p of probes) p.dispose();
    }
  }

  /**
   * Per sender: whether its corrupted output is its clean output at every position of every clean
   * input (padding aside, which nothing scored reads): then patching any of its edges changes
   * nothing, and no method could see it. A neuron that never fires in either run is one; so, under
   * `resample`, is one that writes the same at every position but BOS of every input (and the same
   * at every BOS), since each draw hands it back what it had.
   */
  async unchangedSenders(): Promise<boolean[]> {
    const S = this.graph.senders.length;
    const D = this.m.config.dModel;
    const change = new Array<number>(S).fill(0);
    const size = new Array<number>(S).fill(0);
    for (let i = 0; i < this.clean.length; i++) {
      const b = this.data.batches[i];
      const [d, c] = tf.tidy(() => {
        const valid = tf.reshape(validPositions(b), [1, -1, 1]);
        const at = (t: tf.Tensor) => tf.max(tf.mul(tf.abs(tf.reshape(t, [S, b.size * b.nPos, D])), valid), [1, 2]);
        return [at(tf.sub(this.corrupt[i], this.clean[i])), at(this.clean[i])];
      });
      const [dd, cc] = [await d.data(), await c.data()];
      for (let s = 0; s < S; s++) [change[s], size[s]] = [Math.max(change[s], dd[s]), Math.max(size[s], cc[s])];
      d.dispose();
      c.dispose();
    }
    // A mean of equal values may miss them by rounding.
    return change.map((x, s) => x <= UNCHANGED_TOLERANCE * size[s]);
  }

  /** (corrupt − clean) of every sender, [senders, B·P·D], for a batch: what attribution multiplies gradients by. */
  cleanToCorrupt(batch: number): tf.Tensor2D {
    return tf.sub(this.corrupt[batch], this.clean[batch]);
  }

  dispose(): void {
    for (const ts of [this.clean, this.corrupt, this.cleanOut, this.scored, this.labels]) for (const t of ts) t.dispose();
    for (const r of this.references) for (const t of r?.values() ?? []) t.dispose();
  }

  /** The corrupted run's values at every nonlinearity of one batch (every edge patched). */
  private reference(batch: number): ReadonlyMap<string, tf.Tensor> {
    let r = this.references[batch];
    if (!r) {
      const record = new Map<string, tf.Tensor>();
      tf.tidy(() => {
        const out = this.outputOf(this.logits(batch, new Float32Array(this.graph.edges.length).fill(1), undefined, { record }));
        record.set('output', tf.keep(out));
      });
      this.references[batch] = r = record;
    }
    return r;
  }

  private senderOutputs(b: Batch): tf.Tensor2D {
    const nLayers = this.m.config.layers.length;
    const names = SENDER_HOOKS(nLayers, this.graph.neurons).filter((h) => h.startsWith('hook_') || this.hasHook(h));
    const run = this.m.runWithCache(b, { names });
    try {
      return tf.tidy(() => {
        const parts: tf.Tensor[] = [run.cache.get('hook_embed')!, run.cache.get('hook_pos_embed')!];
        this.m.config.layers.forEach((L, l) => {
          if (L.nHeads > 0) parts.push(...perHead(run.cache.get(layerHook(l, 'attn.hook_result'))!));
          if (L.dMlp > 0 && this.graph.neurons) parts.push(...perNeuron(run.cache.get(layerHook(l, 'mlp.hook_post'))!, this.m.weight(`blocks.${l}.mlp.W_out`)));
          else if (L.dMlp > 0) parts.push(run.cache.get(layerHook(l, 'hook_mlp_out'))!);
        });
        return tf.reshape(tf.stack(parts), [parts.length, -1]) as tf.Tensor2D;
      });
    } finally {
      run.dispose();
    }
  }

  private hasHook(h: HookName): boolean {
    const m = /^blocks\.(\d+)\.(attn\.hook_result|hook_mlp_out|mlp\.hook_post)$/.exec(h)!;
    const L = this.m.config.layers[Number(m[1])];
    return m[2] === 'attn.hook_result' ? L.nHeads > 0 : L.dMlp > 0;
  }

  private scoredMask(b: Batch): { mask: tf.Tensor2D; count: number } {
    const cat = this.m.config.output.encoding === 'categorical';
    const m = new Float32Array(b.size * b.nPos);
    let count = 0;
    for (let i = 0; i < m.length; i++)
      if (cat ? b.classes[i] >= 0 : !Number.isNaN(b.targets[i])) {
        m[i] = 1;
        count++;
      }
    return { mask: tf.tensor2d(m, [b.size, b.nPos]), count };
  }

  private labelTensor(b: Batch): tf.Tensor {
    if (this.m.config.output.encoding === 'categorical') {
      const width = this.m.config.output.values.length;
      return tf.tidy(() =>
        tf.cast(
          tf.oneHot(
            tf.tensor1d(
              Array.from(b.classes, (c) => Math.max(c, 0)),
              'int32',
            ),
            Math.max(2, width),
          ),
          'float32',
        ),
      );
    }
    return tf.tensor1d(Array.from(b.targets, (y) => (Number.isNaN(y) ? 0 : y)));
  }

  /** What the metric compares: log-probabilities [B·P, classes], or the numerical output [B·P]. */
  private outputOf(logits: tf.Tensor): tf.Tensor {
    const O = logits.shape[2]!;
    const flat = tf.reshape(logits, [-1, O]);
    return this.m.config.output.encoding === 'categorical' ? tf.logSoftmax(flat) : tf.reshape(flat, [-1]);
  }

  /** Sum over scored positions of the per-position metric. */
  private metricSum(batch: number, w: Float32Array, probes?: Probes, nonlinear?: Nonlinear): tf.Scalar {
    const out = this.outputOf(this.logits(batch, w, probes, nonlinear));
    const mask = tf.reshape(this.scored[batch], [-1]);
    let perPos: tf.Tensor;
    if (this.m.config.output.encoding === 'categorical') {
      const width = out.shape[1]!;
      const labels = this.labels[batch].shape[1] === width ? this.labels[batch] : tf.slice(this.labels[batch], [0, 0], [-1, width]);
      perPos =
        this.metric === 'kl' ? tf.sum(tf.mul(tf.exp(this.cleanOut[batch]), tf.sub(this.cleanOut[batch], out)), 1) : tf.neg(tf.sum(tf.mul(labels, out), 1));
    } else {
      const target = this.metric === 'kl' ? this.cleanOut[batch] : this.labels[batch];
      const error = tf.sub(out, target);
      // The square is a nonlinearity too: at a model that is exactly right its slope is zero.
      perPos = nonlinear && 'secant' in nonlinear ? secantSquare(nonlinear.secant.get('output')!, target)(error) : tf.square(error);
    }
    return tf.sum(tf.mul(perPos, mask)) as tf.Scalar;
  }

  /** The logits of one batch with edges patched by `w` and receivers' inputs shifted by `probes`. */
  logits(batch: number, w: Float32Array, probes?: Probes, nonlinear?: Nonlinear): tf.Tensor3D {
    const b = this.data.batches[batch];
    return this.m.run(b, { hooks: this.hooks(batch, w, probes, nonlinear) });
  }

  private hooks(batch: number, w: Float32Array, probes?: Probes, nonlinear?: Nonlinear): Hooks {
    const m = this.m;
    const cfg = m.config;
    const b = this.data.batches[batch];
    const B = b.size;
    const P = b.nPos;
    const D = cfg.dModel;
    const BP = B * P;
    const ln = cfg.normalization === 'LN';
    const corrupt = this.corrupt[batch];
    const outs: tf.Tensor[] = [];
    let stream: tf.Tensor | null = null;
    // Per group: the patch weights [receivers, senders], or null when nothing in it is patched.
    const weights = this.groups.map((grp) => {
      const W = new Float32Array(grp.receivers.length * grp.senders);
      let any = false;
      grp.receivers.forEach((r, i) => {
        const first = this.edgeOffset(r);
        for (let s = 0; s < grp.senders; s++) {
          const x = w[first + s];
          W[i * grp.senders + s] = x;
          if (x !== 0) any = true;
        }
      });
      return any ? W : null;
    });
    /** The inputs of group gi: [receivers, B·P, D], from the stream every one of them shares. */
    const inputsOf = (gi: number, resid: tf.Tensor): tf.Tensor | null => {
      const W = weights[gi];
      const probe = probes?.[gi];
      if (!W && !probe) return null;
      const grp = this.groups[gi];
      const R = grp.receivers.length;
      let x: tf.Tensor = tf.broadcastTo(tf.reshape(resid, [1, BP, D]), [R, BP, D]);
      if (W) {
        const S = grp.senders;
        const diff = tf.sub(tf.reshape(tf.stack(outs.slice(0, S)), [S, BP * D]), tf.slice(corrupt, [0, 0], [S, BP * D]));
        x = tf.sub(x, tf.reshape(tf.matMul(tf.tensor2d(W, [R, S]), diff), [R, BP, D]));
      }
      if (probe) x = tf.add(x, probe);
      return x;
    };
    const norm = (x: tf.Tensor, prefix: string) => (ln ? layerNorm(x, m.weight(`${prefix}.w`), m.weight(`${prefix}.b`)) : x);
    const hooks: Hooks = {
      hook_embed: (x) => (outs.push(x), x),
      hook_pos_embed: (x) => (outs.push(x), x),
      'unembed.hook_in': (x) => {
        const gi = this.groups.length - 1;
        const resid = stream ?? tf.add(outs[0], outs[1]);
        const inp = inputsOf(gi, resid);
        return inp ? tf.reshape(norm(inp, 'ln_final'), [B, P, D]) : x;
      },
    };
    let gi = 0;
    cfg.layers.forEach((L, l) => {
      hooks[layerHook(l, 'hook_resid_pre')] = (x) => ((stream = x), x);
      hooks[layerHook(l, 'hook_resid_mid')] = (x) => ((stream = x), x);
      hooks[layerHook(l, 'hook_resid_post')] = (x) => ((stream = x), x);
      if (L.nHeads > 0) {
        const H = L.nHeads;
        const E = L.dHead;
        (['q', 'k', 'v'] as const).forEach((which, j) => {
          const group = gi + j;
          const W = m.weight(`blocks.${l}.attn.W_${which.toUpperCase()}`);
          const bias = m.weight(`blocks.${l}.attn.b_${which.toUpperCase()}`);
          hooks[layerHook(l, `attn.hook_${which}`)] = (act) => {
            const inp = inputsOf(group, stream!);
            if (!inp) return act;
            // [H, B·P, D] · [H, D, E] → [H, B·P, E] → [B, P, H, E]
            const proj = tf.add(tf.matMul(norm(inp, `blocks.${l}.ln1`) as tf.Tensor3D, W as tf.Tensor3D), tf.reshape(bias, [H, 1, E]));
            return tf.transpose(tf.reshape(proj, [H, B, P, E]), [1, 2, 0, 3]);
          };
        });
        if (nonlinear) {
          let scores: tf.Tensor | null = null;
          hooks[layerHook(l, 'attn.hook_attn_scores')] = (x) => {
            scores = x;
            if ('record' in nonlinear) nonlinear.record.set(`${l}.scores`, tf.keep(x));
            return x;
          };
          hooks[layerHook(l, 'attn.hook_pattern')] = (x) => {
            if ('record' in nonlinear) {
              nonlinear.record.set(`${l}.pattern`, tf.keep(x));
              return x;
            }
            return secantSoftmax(nonlinear.secant.get(`${l}.scores`)!, nonlinear.secant.get(`${l}.pattern`)!)(scores!);
          };
        }
        hooks[layerHook(l, 'attn.hook_result')] = (x) => {
          outs.push(...perHead(x));
          return x;
        };
        gi += 3;
      }
      if (L.dMlp > 0) {
        const group = gi;
        const neurons = this.graph.neurons;
        let pre: tf.Tensor | null = null;
        let post: tf.Tensor | null = null;
        hooks[layerHook(l, 'mlp.hook_pre')] = (act) => {
          const inp = inputsOf(group, stream!);
          pre = act;
          if (inp && neurons) {
            // [M, B·P, D] · each neuron's own column of W_in → [B·P, M]
            const M = L.dMlp;
            const wIn = tf.reshape(tf.transpose(m.weight(`blocks.${l}.mlp.W_in`)), [M, 1, D]);
            const perNeuronPre = tf.transpose(tf.sum(tf.mul(norm(inp, `blocks.${l}.ln2`), wIn), -1));
            pre = tf.reshape(tf.add(perNeuronPre, m.weight(`blocks.${l}.mlp.b_in`)), [B, P, M]);
          } else if (inp) {
            const x = tf.reshape(norm(inp, `blocks.${l}.ln2`), [BP, D]);
            pre = tf.reshape(tf.add(tf.matMul(x as tf.Tensor2D, m.weight(`blocks.${l}.mlp.W_in`) as tf.Tensor2D), m.weight(`blocks.${l}.mlp.b_in`)), [
              B,
              P,
              L.dMlp,
            ]);
          }
          if (nonlinear && 'record' in nonlinear) nonlinear.record.set(`mlp${l}.pre`, tf.keep(pre));
          return pre;
        };
        const secant = nonlinear && 'secant' in nonlinear ? secantActivation(nonlinear.secant.get(`mlp${l}.pre`)!, cfg.actFn) : null;
        if (secant || neurons)
          hooks[layerHook(l, 'mlp.hook_post')] = (x) => {
            post = secant ? secant(pre!) : x;
            return post;
          };
        hooks[layerHook(l, 'hook_mlp_out')] = (x) => {
          if (neurons) outs.push(...perNeuron(post!, m.weight(`blocks.${l}.mlp.W_out`)));
          else outs.push(x);
          return x;
        };
        gi += 1;
      }
    });
    return hooks;
  }

  /** Index in graph.edges of receiver r's edge from sender 0 (a receiver's edges are consecutive). */
  edgeOffset(r: number): number {
    return edgeOffsets(this.graph)[r];
  }
}

const OFFSETS = new WeakMap<CircuitGraph, number[]>();

/** Per receiver, the index in graph.edges of its edge from sender 0. */
export function edgeOffsets(g: CircuitGraph): number[] {
  let o = OFFSETS.get(g);
  if (!o) {
    o = [];
    let k = 0;
    for (const r of g.receivers) {
      o.push(k);
      k += r.senders;
    }
    OFFSETS.set(g, o);
  }
  return o;
}

/**
 * hook_result [B, P, H, D] as H tensors [B, P, D]. Slices rather than tf.unstack: unstack's gradient
 * fails when some of its outputs get none (a head no receiver reads).
 */
function perHead(result: tf.Tensor): tf.Tensor[] {
  const [B, P, H, D] = result.shape;
  return Array.from({ length: H }, (_, h) => tf.reshape(tf.slice(result, [0, 0, h, 0], [B, P, 1, D]), [B, P, D]));
}

/** What each neuron writes, post_n · W_out[n]: hook_post [B, P, M] and W_out [M, D] as M tensors [B, P, D]. */
function perNeuron(post: tf.Tensor, wOut: tf.Tensor): tf.Tensor[] {
  const [B, P, M] = post.shape;
  const D = wOut.shape[1]!;
  return perHead(tf.mul(tf.reshape(post, [B, P, M, 1]), tf.reshape(wOut, [1, 1, M, D])));
}

/** 1 at every position a row has (BOS included), [B·P]. */
function validPositions(b: Batch): tf.Tensor1D {
  const m = new Float32Array(b.size * b.nPos);
  b.lengths.forEach((len, r) => m.fill(1, r * b.nPos, r * b.nPos + len));
  return tf.tensor1d(m);
}

/** Receivers grouped as the forward pass computes them: per layer q, k, v of all heads, then the MLP; the logits last. */
function receiverGroups(g: CircuitGraph): ReceiverGroup[] {
  const groups: ReceiverGroup[] = [];
  const key = (r: Receiver) =>
    r.node.kind === 'head' ? `${r.node.layer}:${r.input}` : r.node.kind === 'mlp' || r.node.kind === 'neuron' ? `mlp${r.node.layer}` : 'logits';
  const byKey = new Map<string, number[]>();
  g.receivers.forEach((r, i) => {
    const k = key(r);
    if (!byKey.has(k)) byKey.set(k, []);
    byKey.get(k)!.push(i);
  });
  for (const rs of byKey.values()) groups.push({ receivers: rs, senders: g.receivers[rs[0]].senders });
  return groups;
}
