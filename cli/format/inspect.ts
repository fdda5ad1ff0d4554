/**
 * What `rasplab inspect` shows of a model: one row per component (embeddings, each head, each
 * labelled range of MLP neurons, the unembedding) saying what it implements, then the residual
 * stream's directions grouped by the s-op they stand for. Pure functions of ModelData.
 */
import type { Encoding } from '../../src/rasp/ast.ts';
import { formatValue, type Value } from '../../src/rasp/values.ts';
import type { DirectionLabel, ModelData, WeightArray } from '../../src/model/types.ts';
import { plural } from '../../src/rasp/plural.ts';

export interface ComponentRow {
  /** Layer index, or '-' for the embeddings and the unembedding. */
  readonly layer: string;
  /** `embed`, `pos_embed`, `head L.H`, `mlp neurons a–b`, `unembed`. */
  readonly component: string;
  /** The RASP expression (compiled models), or what the weights do. */
  readonly implements: string;
  readonly shape: string;
}

/** A run of residual directions that stand for one s-op. */
export interface ResidualGroup {
  readonly sop: string;
  readonly encoding: Encoding;
  /** Directions [start, end). */
  readonly start: number;
  readonly end: number;
  /** For categorical s-ops: the value of each direction, in order. */
  readonly values?: readonly Value[];
}

const dims = (shape: readonly number[]): string => shape.join('×');

function shapeOf(m: ModelData, name: string, fallback: readonly number[]): readonly number[] {
  return m.weights.get(name)?.shape ?? fallback;
}

/** The s-ops whose directions a weight touches: rows (axis 0) or columns (axis 1) of a [rows, cols] matrix with a nonzero entry. */
function touchedSops(w: WeightArray | undefined, residualAxis: 0 | 1, labels: readonly DirectionLabel[]): string[] {
  if (!w || w.shape.length !== 2 || labels.length === 0) return [];
  const [rows, cols] = w.shape;
  const hit = new Set<number>();
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) if (w.data[r * cols + c] !== 0) hit.add(residualAxis === 0 ? r : c);
  const sops: string[] = [];
  for (const l of [...labels].sort((a, b) => a.index - b.index)) if (hit.has(l.index) && !sops.includes(l.sop)) sops.push(l.sop);
  return sops;
}

export function componentRows(m: ModelData): ComponentRow[] {
  const { config, labels } = m;
  const d = config.dModel;
  const rows: ComponentRow[] = [];
  const writes = (w: string, what: string): string => {
    const sops = touchedSops(m.weights.get(w), 1, labels.residual);
    return sops.length ? `${what} → ${sops.join(', ')}` : what;
  };
  rows.push({
    layer: '-',
    component: 'embed',
    implements: writes('embed.W_E', 'token embedding'),
    shape: `W_E ${dims(shapeOf(m, 'embed.W_E', [config.vocab.length, d]))}`,
  });
  rows.push({
    layer: '-',
    component: 'pos_embed',
    implements: writes('pos_embed.W_pos', 'position embedding'),
    shape: `W_pos ${dims(shapeOf(m, 'pos_embed.W_pos', [config.nCtx, d]))}`,
  });
  config.layers.forEach((layer, l) => {
    for (let h = 0; h < layer.nHeads; h++) {
      const label = labels.heads.find((x) => x.layer === l && x.head === h);
      rows.push({
        layer: String(l),
        component: `head ${l}.${h}`,
        implements: label ? `${label.expr} → ${label.writes}` : '(unlabelled)',
        shape: `W_QKV ${d}×${layer.dHead}, W_O ${layer.dHead}×${d}`,
      });
    }
    if (layer.dMlp > 0) {
      const mlps = labels.mlps.filter((x) => x.layer === l).sort((a, b) => a.neurons[0] - b.neurons[0]);
      if (mlps.length === 0)
        rows.push({ layer: String(l), component: `mlp neurons 0–${layer.dMlp - 1}`, implements: '(unlabelled)', shape: `W_in ${d}×${layer.dMlp}` });
      for (const x of mlps) {
        const [a, b] = x.neurons;
        rows.push({
          layer: String(l),
          component: `mlp neurons ${a}–${b - 1}`,
          implements: `${x.expr} → ${x.writes}`,
          shape: `W_in ${d}×${b - a} (of ${layer.dMlp})`,
        });
      }
    }
  });
  const out = config.output;
  const reads = touchedSops(m.weights.get('unembed.W_U'), 0, labels.residual);
  const decodes = out.encoding === 'categorical' ? `categorical over {${out.values.map(formatValue).join(', ')}}` : 'one number';
  rows.push({
    layer: '-',
    component: 'unembed',
    implements: reads.length ? `${reads.join(', ')} → ${decodes}` : decodes,
    shape: `W_U ${dims(shapeOf(m, 'unembed.W_U', [d, out.encoding === 'categorical' ? out.values.length : 1]))}`,
  });
  return rows;
}

/** Consecutive directions of one s-op (and encoding) form a group. */
export function residualGroups(labels: readonly DirectionLabel[]): ResidualGroup[] {
  const sorted = [...labels].sort((a, b) => a.index - b.index);
  const groups: { sop: string; encoding: Encoding; start: number; end: number; values: Value[] }[] = [];
  for (const l of sorted) {
    const g = groups.at(-1);
    if (g && g.sop === l.sop && g.encoding === l.encoding && g.end === l.index) {
      g.end++;
      if (l.value !== undefined) g.values.push(l.value);
    } else groups.push({ sop: l.sop, encoding: l.encoding, start: l.index, end: l.index + 1, values: l.value !== undefined ? [l.value] : [] });
  }
  return groups.map((g) => (g.values.length ? g : { sop: g.sop, encoding: g.encoding, start: g.start, end: g.end }));
}

/** Where a fine-tuned model's labels come from, or null when they are its own. */
export function labelsProvenance(m: ModelData): string | null {
  const from = m.labels.inherited;
  return from ? `labels: from the ${from.origin} model ${from.file}, before fine-tuning (they may no longer hold)` : null;
}

/** One line about the model as a whole. */
export function modelSummary(m: ModelData): string {
  const c = m.config;
  const heads = c.layers.reduce((s, l) => s + l.nHeads, 0);
  const prog = m.labels.program ? `, program ${m.labels.program.name} (output ${m.labels.program.output})` : '';
  return (
    `${c.origin} model${prog}: ${plural(c.layers.length, 'layer')}, ${plural(heads, 'head')}, d_model ${c.dModel}, n_ctx ${c.nCtx}, ` +
    `vocab {${c.vocab.map(formatValue).join(', ')}}, ${c.causal ? 'causal' : 'non-causal'}, normalization ${c.normalization}`
  );
}
