import { describe, expect, it } from 'vitest';
import { axisOf, hasHook, hookAxes, hookNames, isResidualHook, parseHookName, positionAxis, type HookName } from '../../src/model/hooks.ts';
import { tinyConfig } from '../support/tinyModels.ts';

describe('the hook table', () => {
  const config = tinyConfig(); // layer 1 has no MLP, layer 2 no heads

  it('every name hookNames lists parses back to its layer and point', () => {
    for (const h of hookNames(config)) {
      const p = parseHookName(h);
      expect(p, h).not.toBeNull();
      expect(p!.layer === undefined ? p!.point : `blocks.${p!.layer}.${p!.point}`).toBe(h);
      expect(hasHook(config, h), h).toBe(true);
    }
  });

  it('refuses what is not a hook point', () => {
    for (const t of ['', 'hook_nope', 'blocks.0.hook_nope', 'blocks.x.hook_resid_pre', 'blocks.0.attn.hook_resid_pre', 'blocks.0.mlp.hook_z', 'ln_final.w'])
      expect(parseHookName(t), t).toBeNull();
  });

  it('a layer offers only the hooks of the sublayers it has', () => {
    expect(hasHook(config, 'blocks.2.attn.hook_q')).toBe(false);
    expect(hasHook(config, 'blocks.1.mlp.hook_post')).toBe(false);
    expect(hasHook(config, 'blocks.2.hook_attn_out')).toBe(true);
    expect(hasHook(config, 'blocks.9.hook_resid_pre')).toBe(false);
    expect(hookNames(config)).not.toContain('blocks.2.attn.hook_pattern');
  });

  it('has the layer norms’ hook_scale and hook_normalized only where a layer norm runs, and the unembedding’s always', () => {
    expect(hasHook(config, 'blocks.0.ln1.hook_scale')).toBe(true);
    expect(hasHook(config, 'blocks.1.ln2.hook_normalized')).toBe(false); // no MLP, so no ln2
    expect(hasHook(config, 'blocks.2.ln1.hook_normalized')).toBe(false); // no heads, so no ln1
    expect(hookNames(config).slice(-4)).toEqual(['ln_final.hook_scale', 'ln_final.hook_normalized', 'unembed.hook_in', 'unembed.hook_out']);
    expect(hookAxes('ln_final.hook_scale')).toEqual(['batch', 'pos', 'one']);
    const plain = tinyConfig({ normalization: 'none' });
    expect(hookNames(plain).filter((h) => h.includes('ln'))).toEqual([]);
    expect(hookNames(plain).slice(-2)).toEqual(['unembed.hook_in', 'unembed.hook_out']);
  });

  it('names the position, head and neuron axes as TransformerLens lays them out', () => {
    expect(positionAxis('blocks.0.hook_resid_pre')).toBe(1);
    expect(positionAxis('blocks.0.attn.hook_z')).toBe(1);
    expect(positionAxis('blocks.0.attn.hook_pattern')).toBe(2);
    expect(positionAxis('blocks.0.attn.hook_attn_scores')).toBe(2);
    expect(axisOf('blocks.0.attn.hook_z', 'head')).toBe(2);
    expect(axisOf('blocks.0.attn.hook_pattern', 'head')).toBe(1);
    expect(axisOf('blocks.0.mlp.hook_post', 'neuron')).toBe(2);
    expect(axisOf('blocks.0.hook_resid_pre', 'head')).toBe(-1);
    expect(hookAxes('blocks.0.attn.hook_result')).toEqual(['batch', 'pos', 'head', 'dModel']);
  });

  it('residual hooks are those in the residual basis at every position', () => {
    const residual = hookNames(config).filter(isResidualHook);
    expect(residual).toContain('hook_embed');
    expect(residual).toContain('ln_final.hook_normalized');
    expect(residual).toContain('blocks.1.hook_mlp_out');
    const others: HookName[] = ['blocks.0.attn.hook_z', 'blocks.0.attn.hook_result', 'blocks.0.mlp.hook_post'];
    for (const h of others) expect(isResidualHook(h), h).toBe(false);
  });
});
