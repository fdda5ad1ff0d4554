import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { allComponents, formatComponent, hookSites, parseComponent } from '../../probes/components.ts';
import { reverse } from '../compiler/programs.ts';
import { compiled } from './fixtures.ts';

const model = compiled(reverse(), ['a', 'b'], 3);

describe('components', () => {
  it('parses every spelling', () => {
    expect(parseComponent('1.0')).toEqual({ kind: 'head', layer: 1, head: 0 });
    expect(parseComponent('L1H0')).toEqual({ kind: 'head', layer: 1, head: 0 });
    expect(parseComponent('attn1')).toEqual({ kind: 'attn', layer: 1 });
    expect(parseComponent('mlp0')).toEqual({ kind: 'mlp', layer: 0 });
    expect(parseComponent('L1')).toEqual({ kind: 'layer', layer: 1 });
    expect(parseComponent('mlp0.n12')).toEqual({ kind: 'neuron', layer: 0, neuron: 12 });
  });

  test.prop([fc.nat(20), fc.nat(20), fc.constantFrom('head', 'attn', 'mlp', 'layer', 'neuron')])('format and parse round-trip', (layer, i, kind) => {
    const c =
      kind === 'head' ? { kind, layer, head: i } : kind === 'neuron' ? { kind, layer, neuron: i } : ({ kind, layer } as const);
    expect(parseComponent(formatComponent(c as never))).toEqual(c);
  });

  it("rejects text and components the model does not have, naming why", () => {
    expect(() => parseComponent('head1')).toThrow(/not a component/);
    expect(() => parseComponent('2.0', model.config)).toThrow(/2 layers/);
    expect(() => parseComponent('1.3', model.config)).toThrow(/1 head/);
    expect(() => parseComponent('mlp1', model.config)).toThrow(/no MLP/);
    expect(() => parseComponent('mlp0.n999', model.config)).toThrow(/neurons/);
  });

  it('enumerates every component with a hook site', () => {
    const all = allComponents(model.config).map(formatComponent);
    expect(all).toEqual(['0.0', 'attn0', 'mlp0', 'L0', '1.0', 'attn1', 'L1']);
    for (const c of allComponents(model.config, { neurons: true })) expect(hookSites(c, model.config).length).toBeGreaterThan(0);
  });
});
