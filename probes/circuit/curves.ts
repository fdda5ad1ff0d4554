/**
 * Scores against a known answer: every threshold of a method's scores swept at once. The ROC
 * curve (true against false positive rate) and its area, computed as the chance that a true item
 * outscores a false one (ties count half, so items a method cannot tell apart score 0.5 against
 * each other); the precision–recall curve and average precision (precision at each threshold,
 * weighted by the recall it adds). Higher scores mean "more likely in the circuit".
 */

export interface CurvePoint {
  /** Items scoring at least this are called positive. */
  readonly threshold: number;
  readonly tpr: number;
  readonly fpr: number;
  readonly precision: number;
}

export interface Curves {
  readonly positives: number;
  readonly negatives: number;
  /** NaN when there are no positives or no negatives. */
  readonly rocAuc: number;
  /** NaN when there are no positives. */
  readonly averagePrecision: number;
  /** One point per distinct score, highest first (recall = tpr). */
  readonly points: readonly CurvePoint[];
}

export function curves(scores: readonly number[], truth: readonly boolean[]): Curves {
  if (scores.length !== truth.length) throw new Error(`curves: ${scores.length} scores for ${truth.length} labels`);
  const order = scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const P = truth.filter(Boolean).length;
  const N = truth.length - P;
  const points: CurvePoint[] = [];
  let tp = 0;
  let fp = 0;
  let auc = 0;
  let ap = 0;
  for (let i = 0; i < order.length;) {
    const s = scores[order[i]];
    let dtp = 0;
    let dfp = 0;
    for (; i < order.length && scores[order[i]] === s; i++) {
      if (truth[order[i]]) dtp++;
      else dfp++;
    }
    // Each negative of this group is outscored by the positives above it and ties with the group's own.
    auc += dfp * (tp + dtp / 2);
    tp += dtp;
    fp += dfp;
    const precision = tp / (tp + fp);
    if (P > 0) ap += (dtp / P) * precision;
    points.push({ threshold: s, tpr: P ? tp / P : Number.NaN, fpr: N ? fp / N : Number.NaN, precision });
  }
  // auc counts, for each negative, the positives scoring above it (ties half): the AUC's numerator.
  return {
    positives: P,
    negatives: N,
    rocAuc: P && N ? auc / (P * N) : Number.NaN,
    averagePrecision: P ? ap : Number.NaN,
    points,
  };
}
