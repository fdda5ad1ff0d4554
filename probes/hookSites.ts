/**
 * Where each component (src/model/components.ts) writes, as hook points. Head outputs are taken at
 * `hook_z` (before W_O), so replacing a head's slice there removes exactly that head's write to
 * the residual.
 */
import { axisOf, layerHook, type HookName } from '../src/model/hooks.ts';
import type { ModelConfig } from '../src/model/types.ts';
import type { ComponentRef } from '../src/model/components.ts';

/**
 * Where a component's output can be replaced: a hook point and, for heads and neurons, the index
 * along that hook's head axis (hook_z: [batch, pos, head, d_head]) or neuron axis (hook_post:
 * [batch, pos, d_mlp]). A whole layer is its two sublayer outputs; the embeddings are the token
 * and the position embedding.
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
  if (c.kind === 'embed') return [{ hook: 'hook_embed' }, { hook: 'hook_pos_embed' }];
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
