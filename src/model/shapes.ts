/**
 * The weights a config implies, with TransformerLens's names and shapes (see types.ts).
 * One source of truth for loading, initialisation, export and tests.
 */
import { checkCeiling } from '../rasp/limits.ts';
import type { ModelConfig, OutputSpec } from './types.ts';

/** Logits per position: one per categorical value, or the one number of a numerical output. */
export const outputWidth = (output: OutputSpec): number => (output.encoding === 'categorical' ? output.values.length : 1);

/** The unembedding's output width (TransformerLens's d_vocab_out). */
export const dVocabOut = (config: ModelConfig): number => outputWidth(config.output);

export function expectedShapes(config: ModelConfig): Map<string, number[]> {
  const d = config.dModel;
  const shapes = new Map<string, number[]>();
  shapes.set('embed.W_E', [config.vocab.length, d]);
  shapes.set('pos_embed.W_pos', [config.nCtx, d]);
  const ln = config.normalization === 'LN';
  config.layers.forEach((L, l) => {
    const p = `blocks.${l}`;
    if (ln) {
      shapes.set(`${p}.ln1.w`, [d]);
      shapes.set(`${p}.ln1.b`, [d]);
      shapes.set(`${p}.ln2.w`, [d]);
      shapes.set(`${p}.ln2.b`, [d]);
    }
    if (L.nHeads > 0) {
      for (const m of ['Q', 'K', 'V']) {
        shapes.set(`${p}.attn.W_${m}`, [L.nHeads, d, L.dHead]);
        shapes.set(`${p}.attn.b_${m}`, [L.nHeads, L.dHead]);
      }
      shapes.set(`${p}.attn.W_O`, [L.nHeads, L.dHead, d]);
      shapes.set(`${p}.attn.b_O`, [d]);
    }
    if (L.dMlp > 0) {
      shapes.set(`${p}.mlp.W_in`, [d, L.dMlp]);
      shapes.set(`${p}.mlp.b_in`, [L.dMlp]);
      shapes.set(`${p}.mlp.W_out`, [L.dMlp, d]);
      shapes.set(`${p}.mlp.b_out`, [d]);
    }
  });
  if (ln) {
    shapes.set('ln_final.w', [d]);
    shapes.set('ln_final.b', [d]);
  }
  shapes.set('unembed.W_U', [d, dVocabOut(config)]);
  shapes.set('unembed.b_U', [dVocabOut(config)]);
  return shapes;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** How many numbers the config's weights hold, biases included. */
export function paramCount(config: ModelConfig): number {
  let n = 0;
  for (const shape of expectedShapes(config).values()) n += shape.reduce((a, b) => a * b, 1);
  return n;
}

/** Refuses a config whose weights are above the `params` ceiling, before any of them is allocated. */
export function checkModelSize(config: ModelConfig, what: string): void {
  const n = paramCount(config);
  checkCeiling('params', n, `${what} of ${n} parameters`);
}
