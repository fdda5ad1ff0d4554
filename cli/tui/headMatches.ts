/**
 * What a --vs session knows about the learned model's heads: the compiled heads whose attention
 * each one matches (engine.headMatches), written where a compiled head's label would be, so a
 * learned head reads "≈ 1.0 aggregate(flip, tokens) → reverse (0.95)" rather than "(unlabelled)".
 */
import { allHeads, componentKey, formatHead, headComponent } from '../../src/model/components.ts';
import { matchedBy } from '../../probes/headSimilarity.ts';
import type { SessionMatches } from './engine.ts';
import { headLabel, type TreeModel, type TreeRow } from './tree.ts';

/** Per model, head key → what its matches say (none for the labelled model, or without matches). */
export function matchLabels(models: readonly TreeModel[], m: SessionMatches | null | undefined): ReadonlyMap<string, string>[] {
  const known = models.map(() => new Map<string, string>());
  if (!m) return known;
  const source = models[m.labelled];
  for (const h of allHeads(models[m.other].config)) {
    const like = matchedBy(m.matches, h).map((x) => `≈ ${formatHead(x.head)} ${headLabel(source, x.head.layer, x.head.head)} (${x.similarity.toFixed(2)})`);
    if (like.length) known[m.other].set(componentKey(headComponent(h)), like.join('; '));
  }
  return known;
}

/** `rows` with the labels the session knows in place of their own. */
export const relabel = (rows: readonly TreeRow[], known: ReadonlyMap<string, string>): TreeRow[] =>
  rows.map((r) => {
    const label = known.get(r.id);
    return label ? { ...r, label } : r;
  });
