/**
 * The parts of a model a person can point at, as values: the embeddings, a head, a layer's whole
 * attention or MLP sublayer, one MLP neuron, a whole layer. Probes, the terminal UI, the report and
 * hypotheses pass these around; text ("embed", "1.0" or "L1H0", "attn1", "mlp0", "mlp0.n12", "L1")
 * is read and written only here, at the edges where people type and read them.
 */
import { UserError } from '../rasp/errors.ts';
import type { HeadRef, ModelConfig } from './types.ts';

export type HeadComponent = { readonly kind: 'head' } & HeadRef;

export type ComponentRef =
  | { readonly kind: 'embed' }
  | HeadComponent
  | { readonly kind: 'attn'; readonly layer: number }
  | { readonly kind: 'mlp'; readonly layer: number }
  | { readonly kind: 'neuron'; readonly layer: number; readonly neuron: number }
  | { readonly kind: 'layer'; readonly layer: number };

export type ComponentKind = ComponentRef['kind'];

/** "1.0": TransformerLens's layer.head. */
export const formatHead = (h: HeadRef): string => `${h.layer}.${h.head}`;

export const headComponent = (h: HeadRef): HeadComponent => ({ kind: 'head', layer: h.layer, head: h.head });

export function formatComponent(c: ComponentRef): string {
  switch (c.kind) {
    case 'embed':
      return 'embed';
    case 'head':
      return formatHead(c);
    case 'attn':
      return `attn${c.layer}`;
    case 'mlp':
      return `mlp${c.layer}`;
    case 'neuron':
      return `mlp${c.layer}.n${c.neuron}`;
    case 'layer':
      return `L${c.layer}`;
  }
}

/** Components ablated or patched together, as the CLI writes them: "L1+attn0". */
export const formatComponents = (cs: readonly ComponentRef[]): string => cs.map(formatComponent).join('+');

/** A string that identifies the component, for maps, sets and memo keys (its canonical text). */
export const componentKey = formatComponent;

export const sameComponent = (a: ComponentRef, b: ComponentRef): boolean => componentKey(a) === componentKey(b);

const PATTERNS: readonly [RegExp, (m: RegExpMatchArray) => ComponentRef][] = [
  [/^embed$/i, () => ({ kind: 'embed' })],
  [/^(\d+)\.(\d+)$/, (m) => ({ kind: 'head', layer: +m[1], head: +m[2] })],
  [/^L(\d+)H(\d+)$/i, (m) => ({ kind: 'head', layer: +m[1], head: +m[2] })],
  [/^attn(\d+)$/i, (m) => ({ kind: 'attn', layer: +m[1] })],
  [/^mlp(\d+)\.n(\d+)$/i, (m) => ({ kind: 'neuron', layer: +m[1], neuron: +m[2] })],
  [/^mlp(\d+)$/i, (m) => ({ kind: 'mlp', layer: +m[1] })],
  [/^L(\d+)$/i, (m) => ({ kind: 'layer', layer: +m[1] })],
];

function readComponent(text: string): ComponentRef | null {
  const t = text.trim();
  for (const [re, make] of PATTERNS) {
    const m = t.match(re);
    if (m) return make(m);
  }
  return null;
}

/** Parses a component; with a config, also checks that the model has it. */
export function parseComponent(text: string, config?: ModelConfig): ComponentRef {
  const c = readComponent(text);
  if (!c)
    throw new UserError(
      `'${text}' is not a component; write a head as 1.0 (or L1H0), a sublayer as attn1 or mlp0, a layer as L1, a neuron as mlp0.n12, the embeddings as embed`,
    );
  if (config) checkComponent(c, config);
  return c;
}

/** A UserError when the model has no such component. */
export function checkComponent(c: ComponentRef, config: ModelConfig): void {
  if (c.kind === 'embed') return;
  const n = config.layers.length;
  const name = formatComponent(c);
  if (c.layer >= n) throw new UserError(`component ${name}: the model has ${n} layer${n === 1 ? '' : 's'} (0..${n - 1})`);
  const L = config.layers[c.layer];
  if ((c.kind === 'head' || c.kind === 'attn') && L.nHeads === 0) throw new UserError(`component ${name}: layer ${c.layer} has no attention`);
  if (c.kind === 'head' && c.head >= L.nHeads)
    throw new UserError(`component ${name}: layer ${c.layer} has ${L.nHeads} head${L.nHeads === 1 ? '' : 's'} (0..${L.nHeads - 1})`);
  if ((c.kind === 'mlp' || c.kind === 'neuron') && L.dMlp === 0) throw new UserError(`component ${name}: layer ${c.layer} has no MLP`);
  if (c.kind === 'neuron' && c.neuron >= L.dMlp) throw new UserError(`component ${name}: layer ${c.layer}'s MLP has ${L.dMlp} neurons (0..${L.dMlp - 1})`);
}

/**
 * Parses a head alone ("1.0" or "L1H0"), for callers that take nothing else; its messages speak of
 * heads rather than components.
 */
export function parseHead(text: string, config?: ModelConfig): HeadRef {
  const c = readComponent(text);
  if (c?.kind !== 'head') throw new UserError(`'${text}' is not a head reference (write layer.head like 1.0, or L1H0)`);
  const ref = { layer: c.layer, head: c.head };
  if (config) {
    const L = config.layers[ref.layer];
    if (!L) throw new UserError(`head ${formatHead(ref)}: the model has layers 0..${config.layers.length - 1}`);
    if (ref.head >= L.nHeads)
      throw new UserError(`head ${formatHead(ref)}: layer ${ref.layer} has ${L.nHeads === 0 ? 'no heads' : `heads 0..${L.nHeads - 1}`}`);
  }
  return ref;
}

/** Every head of the model, layer by layer. */
export function allHeads(config: ModelConfig): HeadRef[] {
  return config.layers.flatMap((L, layer) => Array.from({ length: L.nHeads }, (_, head) => ({ layer, head })));
}

/**
 * Every head, sublayer and layer of the model (and every neuron when asked), in layer order. The
 * embeddings are left out: a sweep asks what each layer's parts do, and without its input a model
 * does nothing.
 */
export function allComponents(config: ModelConfig, opts: { neurons?: boolean; layers?: boolean } = {}): ComponentRef[] {
  const out: ComponentRef[] = [];
  config.layers.forEach((L, layer) => {
    for (let head = 0; head < L.nHeads; head++) out.push({ kind: 'head', layer, head });
    if (L.nHeads > 0) out.push({ kind: 'attn', layer });
    if (L.dMlp > 0) out.push({ kind: 'mlp', layer });
    if (opts.neurons) for (let neuron = 0; neuron < L.dMlp; neuron++) out.push({ kind: 'neuron', layer, neuron });
    if (opts.layers !== false && (L.nHeads > 0 || L.dMlp > 0)) out.push({ kind: 'layer', layer });
  });
  return out;
}

const KIND_ORDER: Record<ComponentKind, number> = { embed: 0, head: 1, attn: 2, mlp: 3, neuron: 4, layer: 5 };

/** [layer, kind, index]: the embeddings first, then by layer its heads, attention, MLP, neurons, the whole layer. */
function sortKey(c: ComponentRef): [number, number, number] {
  if (c.kind === 'embed') return [-1, KIND_ORDER.embed, 0];
  return [c.layer, KIND_ORDER[c.kind], c.kind === 'head' ? c.head : c.kind === 'neuron' ? c.neuron : 0];
}

/** The order components are listed in: allComponents's order, with the embeddings first. */
export function compareComponents(a: ComponentRef, b: ComponentRef): number {
  const ka = sortKey(a);
  const kb = sortKey(b);
  return ka[0] - kb[0] || ka[1] - kb[1] || ka[2] - kb[2];
}
