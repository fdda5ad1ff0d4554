/**
 * Components a probe can point at — a head, a layer's whole attention or MLP sublayer, a whole
 * layer, one MLP neuron — their text forms ("1.0" or "L1H0", "attn1", "mlp0", "L1", "mlp0.n12"),
 * and the hook point each one's output flows through. Head outputs are taken at `hook_z` (before
 * W_O), so replacing a head's slice there removes exactly that head's write to the residual.
 */
import { UserError } from '../src/rasp/errors.ts';
import { axisOf, layerHook, type HookName } from '../src/model/hooks.ts';
import type { ModelConfig } from '../src/model/types.ts';

export type ComponentRef =
  | { readonly kind: 'head'; readonly layer: number; readonly head: number }
  | { readonly kind: 'attn'; readonly layer: number }
  | { readonly kind: 'mlp'; readonly layer: number }
  | { readonly kind: 'layer'; readonly layer: number }
  | { readonly kind: 'neuron'; readonly layer: number; readonly neuron: number };

export function formatComponent(c: ComponentRef): string {
  switch (c.kind) {
    case 'head':
      return `${c.layer}.${c.head}`;
    case 'attn':
      return `attn${c.layer}`;
    case 'mlp':
      return `mlp${c.layer}`;
    case 'layer':
      return `L${c.layer}`;
    case 'neuron':
      return `mlp${c.layer}.n${c.neuron}`;
  }
}

const PATTERNS: readonly [RegExp, (m: RegExpMatchArray) => ComponentRef][] = [
  [/^(\d+)\.(\d+)$/, (m) => ({ kind: 'head', layer: +m[1], head: +m[2] })],
  [/^L(\d+)H(\d+)$/i, (m) => ({ kind: 'head', layer: +m[1], head: +m[2] })],
  [/^attn(\d+)$/i, (m) => ({ kind: 'attn', layer: +m[1] })],
  [/^mlp(\d+)\.n(\d+)$/i, (m) => ({ kind: 'neuron', layer: +m[1], neuron: +m[2] })],
  [/^mlp(\d+)$/i, (m) => ({ kind: 'mlp', layer: +m[1] })],
  [/^L(\d+)$/i, (m) => ({ kind: 'layer', layer: +m[1] })],
];

/** Parses a component; with a config, also checks that the model has it. */
export function parseComponent(text: string, config?: ModelConfig): ComponentRef {
  const t = text.trim();
  for (const [re, make] of PATTERNS) {
    const m = t.match(re);
    if (m) {
      const c = make(m);
      if (config) checkComponent(c, config);
      return c;
    }
  }
  throw new UserError(
    `'${text}' is not a component; write a head as 1.0 (or L1H0), a sublayer as attn1 or mlp0, a layer as L1, a neuron as mlp0.n12`,
  );
}

/** A UserError when the model has no such component. */
export function checkComponent(c: ComponentRef, config: ModelConfig): void {
  const n = config.layers.length;
  const name = formatComponent(c);
  if (c.layer >= n) throw new UserError(`component ${name}: the model has ${n} layer${n === 1 ? '' : 's'} (0..${n - 1})`);
  const L = config.layers[c.layer];
  if ((c.kind === 'head' || c.kind === 'attn') && L.nHeads === 0) throw new UserError(`component ${name}: layer ${c.layer} has no attention`);
  if (c.kind === 'head' && c.head >= L.nHeads)
    throw new UserError(`component ${name}: layer ${c.layer} has ${L.nHeads} head${L.nHeads === 1 ? '' : 's'} (0..${L.nHeads - 1})`);
  if ((c.kind === 'mlp' || c.kind === 'neuron') && L.dMlp === 0) throw new UserError(`component ${name}: layer ${c.layer} has no MLP`);
  if (c.kind === 'neuron' && c.neuron >= L.dMlp)
    throw new UserError(`component ${name}: layer ${c.layer}'s MLP has ${L.dMlp} neurons (0..${L.dMlp - 1})`);
}

/** Every head, sublayer and layer of the model (and every neuron when asked), in layer order. */
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

/**
 * Where a component's output can be replaced: a hook point and, for heads and neurons, the index
 * along that hook's head axis (hook_z: [batch, pos, head, d_head]) or neuron axis (hook_post:
 * [batch, pos, d_mlp]). A whole layer is its two sublayer outputs.
 */
export interface HookSite {
  readonly hook: HookName;
  /** Axis and index of the slice this component owns; absent: the whole activation. */
  readonly slice?: { readonly axis: number; readonly index: number };
}

/** The slice of one head or neuron along its axis of the hook (axes from the hook table). */
function sliceSite(hook: HookName, axis: 'head' | 'neuron', index: number): HookSite {
  return { hook, slice: { axis: axisOf(hook, axis), index } };
}

export function hookSites(c: ComponentRef, config: ModelConfig): HookSite[] {
  const l = c.layer;
  const L = config.layers[l];
  switch (c.kind) {
    case 'head':
      return [sliceSite(layerHook(l, 'attn.hook_z'), 'head', c.head)];
    case 'attn':
      return [{ hook: `blocks.${l}.hook_attn_out` }];
    case 'mlp':
      return [{ hook: `blocks.${l}.hook_mlp_out` }];
    case 'neuron':
      return [sliceSite(layerHook(l, 'mlp.hook_post'), 'neuron', c.neuron)];
    case 'layer': {
      const sites: HookSite[] = [];
      if (L && L.nHeads > 0) sites.push({ hook: `blocks.${l}.hook_attn_out` });
      if (L && L.dMlp > 0) sites.push({ hook: `blocks.${l}.hook_mlp_out` });
      return sites;
    }
  }
}

export const sameComponent = (a: ComponentRef, b: ComponentRef): boolean => formatComponent(a) === formatComponent(b);
