/**
 * Head references as people type them: "1.0" (TransformerLens's layer.head) or "L1H0".
 */
import { UserError } from '../rasp/errors.ts';
import type { HeadRef, ModelConfig } from './types.ts';

const DOTTED = /^(\d+)\.(\d+)$/;
const LH = /^L(\d+)H(\d+)$/i;

/** Parses a head reference; with a config, also checks that the head exists. */
export function parseHeadRef(text: string, config?: ModelConfig): HeadRef {
  const t = text.trim();
  const m = DOTTED.exec(t) ?? LH.exec(t);
  if (!m) throw new UserError(`'${text}' is not a head reference (write layer.head like 1.0, or L1H0)`);
  const ref = { layer: Number(m[1]), head: Number(m[2]) };
  if (config) {
    const L = config.layers[ref.layer];
    if (!L) throw new UserError(`head ${formatHeadRef(ref)}: the model has layers 0..${config.layers.length - 1}`);
    if (ref.head >= L.nHeads)
      throw new UserError(`head ${formatHeadRef(ref)}: layer ${ref.layer} has ${L.nHeads === 0 ? 'no heads' : `heads 0..${L.nHeads - 1}`}`);
  }
  return ref;
}

export function formatHeadRef(h: HeadRef): string {
  return `${h.layer}.${h.head}`;
}

/** Every head of the model, layer by layer. */
export function allHeads(config: ModelConfig): HeadRef[] {
  return config.layers.flatMap((L, layer) => Array.from({ length: L.nHeads }, (_, head) => ({ layer, head })));
}
