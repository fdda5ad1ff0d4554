/**
 * The model as a tree: layers → heads and the MLP → its neurons. Every node is a component, so a
 * selected node is also the thing space ablates; its id is the component's key, which names it in
 * the set of open nodes. Layers start open; an MLP's neurons are listed only when it is opened.
 */
import { componentKey, type ComponentRef } from '../../src/model/components.ts';
import type { ModelConfig, ModelLabels } from '../../src/model/types.ts';
import { plural } from '../../src/rasp/plural.ts';

export interface TreeRow {
  readonly component: ComponentRef;
  /** componentKey(component). */
  readonly id: string;
  readonly depth: number;
  /** Short name: "L0", "head 1.0", "mlp0 ×118", "n12". */
  readonly name: string;
  /** What the component implements (compiled models), else "(unlabelled)" or a summary. */
  readonly label: string;
  /** Whether it has children to open (layers, MLPs). */
  readonly foldable: boolean;
  readonly open: boolean;
  /** The component of the row it belongs to. */
  readonly parent?: ComponentRef;
}

export interface TreeModel {
  readonly config: ModelConfig;
  readonly labels: ModelLabels;
}

export const UNLABELLED = '(unlabelled)';

export function headLabel(m: TreeModel, layer: number, head: number): string {
  const l = m.labels.heads.find((x) => x.layer === layer && x.head === head);
  return l ? `${l.expr} → ${l.writes}` : UNLABELLED;
}

function mlpLabels(m: TreeModel, layer: number) {
  return m.labels.mlps.filter((x) => x.layer === layer).sort((a, b) => a.neurons[0] - b.neurons[0]);
}

export function mlpLabel(m: TreeModel, layer: number): string {
  const ls = mlpLabels(m, layer);
  return ls.length ? ls.map((x) => `${x.expr} → ${x.writes}`).join('; ') : UNLABELLED;
}

/**
 * The label of the MLP range a neuron belongs to; '' when it has none, or when the MLP has one
 * range only (its row says it already, and a hundred copies of it would hide the neurons).
 */
export function neuronLabel(m: TreeModel, layer: number, neuron: number): string {
  const ls = mlpLabels(m, layer);
  const l = ls.find((x) => neuron >= x.neurons[0] && neuron < x.neurons[1]);
  return l && ls.length > 1 ? `${l.expr} → ${l.writes}` : '';
}

/** Layers are open at the start. */
export function initiallyOpen(config: ModelConfig): string[] {
  return config.layers.map((_, layer) => componentKey({ kind: 'layer', layer }));
}

/** The visible rows given which nodes are open. */
export function treeRows(m: TreeModel, open: ReadonlySet<string>): TreeRow[] {
  const rows: TreeRow[] = [];
  const row = (component: ComponentRef, r: Omit<TreeRow, 'component' | 'id' | 'open'>): boolean => {
    const id = componentKey(component);
    const isOpen = r.foldable && open.has(id);
    rows.push({ component, id, ...r, open: isOpen });
    return isOpen;
  };
  m.config.layers.forEach((L, l) => {
    const layer: ComponentRef = { kind: 'layer', layer: l };
    const parts = [L.nHeads ? plural(L.nHeads, 'head') : '', L.dMlp ? `MLP ${L.dMlp}` : ''].filter(Boolean);
    if (!row(layer, { depth: 0, name: `L${l}`, label: `layer ${l}: ${parts.join(', ') || 'empty'}`, foldable: true })) return;
    for (let h = 0; h < L.nHeads; h++)
      row({ kind: 'head', layer: l, head: h }, { depth: 1, name: `head ${l}.${h}`, label: headLabel(m, l, h), foldable: false, parent: layer });
    if (L.dMlp === 0) return;
    const mlp: ComponentRef = { kind: 'mlp', layer: l };
    if (!row(mlp, { depth: 1, name: `mlp${l} ×${L.dMlp}`, label: mlpLabel(m, l), foldable: true, parent: layer })) return;
    for (let n = 0; n < L.dMlp; n++)
      row({ kind: 'neuron', layer: l, neuron: n }, { depth: 2, name: `n${n}`, label: neuronLabel(m, l, n), foldable: false, parent: mlp });
  });
  return rows;
}

/** The first of `height` rows to show so that `selected` stays in view, near the middle. */
export function viewportStart(total: number, selected: number, height: number): number {
  if (total <= height) return 0;
  const start = selected - Math.floor(height / 2);
  return Math.max(0, Math.min(start, total - height));
}
