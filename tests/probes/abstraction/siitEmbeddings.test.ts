/**
 * The strict term on the input embeddings: an embedding the aligned circuit leaves out (hist's
 * compiled circuit reads tokens only, no pos_embed) is shuffled along positions in the strict loss
 * and scored as a non-circuit node; one the circuit uses (reverse reads both) is left alone.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { alignedCircuit } from '../../../probes/abstraction/alignedCircuit.ts';
import { defaultAlignment } from '../../../probes/abstraction/alignmentMap.ts';
import { omittedEmbeddings } from '../../../probes/abstraction/inertNodes.ts';
import { trainSiit, type SiitOptions } from '../../../probes/abstraction/siit.ts';
import type { ModelConfig, ModelData } from '../../../src/model/types.ts';
import type { Program } from '../../../src/rasp/program.ts';
import { compiledLibrary, fastBackend } from '../../hypotheses/support.ts';
import * as reverse from './tinyReverse.ts';

beforeAll(fastBackend);

const hist = compiledLibrary('hist', { vocab: ['a', 'b'], maxLen: 3 });
const histConfig: ModelConfig = { ...hist.model.config, dModel: 16, layers: [{ nHeads: 2, dHead: 8, dMlp: 32 }], origin: 'learned', attnScale: Math.sqrt(8) };

/** The strict loss of the first step, with the embedding term on or off. */
async function firstStrict(program: Program, compiled: ModelData, config: ModelConfig, strictEmbeddings: boolean) {
  const strict: number[] = [];
  const opts: SiitOptions = {
    config,
    program,
    compiled,
    alignment: defaultAlignment(compiled),
    task: { vocab: ['a', 'b'], minLen: 1, maxLen: 3 },
    steps: 2,
    batch: 16,
    lr: 1e-3,
    seed: 0,
    weights: { task: 1, iit: 1, strict: 1 },
    strictEmbeddings,
    backend: tf.getBackend(),
    evalPairs: 10,
    onProgress: (step, _steps, l) => void (step === 1 && strict.push(l.strict)),
  };
  const r = await trainSiit(opts);
  return { strict: strict[0], scored: r.scores.inert.map((x) => x.node) };
}

describe('the strict term on the embeddings', () => {
  it('names the embeddings a circuit leaves out', () => {
    expect(omittedEmbeddings(alignedCircuit(hist.model, defaultAlignment(hist.model), histConfig))).toEqual(['pos_embed']);
    expect(omittedEmbeddings(alignedCircuit(reverse.compiled, defaultAlignment(reverse.compiled), reverse.config))).toEqual([]);
    expect(omittedEmbeddings({ nodes: ['pos_embed', '0.0', 'logits'], edges: [] })).toEqual(['embed']);
  });

  it('hist (no pos_embed in its circuit): the strict loss adds the shuffled pos_embed, which is scored; off without it', async () => {
    const on = await firstStrict(hist.program, hist.model, histConfig, true);
    const off = await firstStrict(hist.program, hist.model, histConfig, false);
    expect(on.scored).toEqual(['0.1', 'pos_embed']);
    expect(off.scored).toEqual(['0.1']);
    // The same first step, its pairs and weights: on, the strict loss is the node's term plus the embedding's.
    expect(on.strict).toBeGreaterThan(off.strict + 1e-4);
  });

  it('reverse (its circuit reads both embeddings): the strict loss is the same with the embedding term on or off', async () => {
    const on = await firstStrict(reverse.program, reverse.compiled, reverse.config, true);
    const off = await firstStrict(reverse.program, reverse.compiled, reverse.config, false);
    expect(on.scored).toEqual(['0.1', '1.1', 'mlp1']);
    expect(on.strict).toBe(off.strict);
  });
});
