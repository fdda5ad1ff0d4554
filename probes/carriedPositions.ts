/**
 * Which positions exist in a patched run whose clean and corrupted inputs differ in length.
 *
 * The positions a sequence has (its padding mask) are part of the residual stream's state, like
 * the vectors at them: patching the whole residual stream at a position (`resid_pre`, `resid_mid`,
 * `resid_post`) also carries whether that position exists in the clean input into every later
 * attention layer. So patching the complete residual stream at any layer is the clean run from
 * there on, whatever the lengths; patching what a head, an MLP or an embedding writes leaves the
 * corrupted run's positions alone. (TransformerLens sidesteps the question by patching only
 * between prompts of one token length; a length corruption cannot be that.)
 */
import { parseHookName } from '../src/model/hooks.ts';
import type { Site } from './intervene.ts';

/** The first layer whose attention sees the residual stream this site writes, or null for other hooks. */
function firstLayerAfter(site: Site): number | null {
  const h = parseHookName(site.hook);
  if (h?.layer === undefined) return null;
  if (h.point === 'hook_resid_pre') return h.layer;
  if (h.point === 'hook_resid_mid' || h.point === 'hook_resid_post') return h.layer + 1;
  return null;
}

/** Whether the site is the whole residual stream at every position: a run that patches it in from the clean run is the clean run from there on. */
export const isWholeStream = (site: Site): boolean => site.position === undefined && site.slice === undefined && firstLayerAfter(site) !== null;

/**
 * Per layer, the keys the patched run's attention sees ([row · pos], 1 seen), or undefined where
 * they are the corrupted run's own; undefined altogether when no length differs.
 */
export function carriedPositions(
  sites: readonly Site[],
  cleanLengths: readonly number[],
  corruptLengths: readonly number[],
  nPos: number,
  nLayers: number,
): (Float32Array | undefined)[] | undefined {
  if (cleanLengths.every((n, r) => n === corruptLengths[r])) return undefined;
  // fromLayer[p]: the first layer at which position p is the clean input's (Infinity: never).
  const fromLayer = new Array<number>(nPos).fill(Infinity);
  for (const s of sites) {
    const l = firstLayerAfter(s);
    if (l === null) continue;
    for (let p = 0; p < nPos; p++) if (s.position === undefined || s.position === p) fromLayer[p] = Math.min(fromLayer[p], l);
  }
  if (fromLayer.every((l) => l >= nLayers)) return undefined;
  return Array.from({ length: nLayers }, (_, l) => {
    const visible = new Float32Array(cleanLengths.length * nPos);
    cleanLengths.forEach((cleanLen, r) => {
      for (let p = 0; p < nPos; p++) visible[r * nPos + p] = p < (fromLayer[p] <= l ? cleanLen : corruptLengths[r]) ? 1 : 0;
    });
    return visible;
  });
}
