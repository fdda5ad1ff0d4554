/**
 * Scoring a model's logits against a batch's labels: exact match (every scored position right),
 * token accuracy, accuracy per input position, and the mean loss (cross-entropy for categorical
 * outputs, squared error for numerical ones) — the same rules as training (src/train/metrics.ts).
 */
import type { OutputSpec } from '../src/model/types.ts';
import type { Batch } from '../src/train/dataset.ts';
import { NUMERIC_TOLERANCE } from '../src/train/metrics.ts';

export interface Score {
  readonly exactMatch: number;
  readonly tokenAccuracy: number;
  readonly loss: number;
  /** Accuracy at input position i (BOS excluded); NaN where no input reaches position i. */
  readonly perPosition: number[];
}

/** Running totals over batches. */
export class ScoreTally {
  private exact = 0;
  private sequences = 0;
  private right = 0;
  private scored = 0;
  private lossSum = 0;
  private readonly posRight: number[] = [];
  private readonly posScored: number[] = [];

  constructor(private readonly output: OutputSpec) {}

  add(b: Batch, logits: Float32Array): this {
    const cat = this.output.encoding === 'categorical';
    const dOut = cat ? (this.output as { values: readonly unknown[] }).values.length : 1;
    for (let r = 0; r < b.size; r++) {
      let allRight = true;
      for (let p = 1; p < b.lengths[r]; p++) {
        const i = r * b.nPos + p;
        let right: boolean;
        if (cat) {
          const k = b.classes[i];
          if (k < 0) continue;
          const base = i * dOut;
          let best = 0;
          let max = logits[base];
          for (let c = 1; c < dOut; c++) if (logits[base + c] > max) (max = logits[base + c]), (best = c);
          let z = 0;
          for (let c = 0; c < dOut; c++) z += Math.exp(logits[base + c] - max);
          this.lossSum += max + Math.log(z) - logits[base + k];
          right = best === k;
        } else {
          const y = b.targets[i];
          if (Number.isNaN(y)) continue;
          const err = logits[i] - y;
          this.lossSum += err * err;
          right = Math.abs(err) <= NUMERIC_TOLERANCE;
        }
        this.scored++;
        const pos = p - 1;
        while (this.posScored.length <= pos) this.posScored.push(0), this.posRight.push(0);
        this.posScored[pos]++;
        if (right) this.right++, this.posRight[pos]++;
        else allRight = false;
      }
      this.sequences++;
      if (allRight) this.exact++;
    }
    return this;
  }

  result(): Score {
    return {
      exactMatch: this.sequences ? this.exact / this.sequences : 0,
      tokenAccuracy: this.scored ? this.right / this.scored : 0,
      loss: this.scored ? this.lossSum / this.scored : 0,
      perPosition: this.posScored.map((n, i) => (n ? this.posRight[i] / n : Number.NaN)),
    };
  }
}

/** The predicted class (categorical) or value (numerical) at every position of a batch, [row][pos]. */
export function predictions(output: OutputSpec, b: Batch, logits: Float32Array): number[][] {
  const dOut = output.encoding === 'categorical' ? output.values.length : 1;
  const out: number[][] = [];
  for (let r = 0; r < b.size; r++) {
    const row: number[] = [];
    for (let p = 0; p < b.nPos; p++) {
      const base = (r * b.nPos + p) * dOut;
      if (dOut === 1 && output.encoding === 'numerical') {
        row.push(logits[base]);
        continue;
      }
      let best = 0;
      for (let c = 1; c < dOut; c++) if (logits[base + c] > logits[base + best]) best = c;
      row.push(best);
    }
    out.push(row);
  }
  return out;
}
