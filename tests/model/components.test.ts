import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  allComponents,
  compareComponents,
  formatComponent,
  formatComponents,
  formatHead,
  parseComponent,
  parseHead,
  sameComponent,
  type ComponentRef,
} from '../../src/model/components.ts';
import { reverse } from '../compiler/programs.ts';
import { compiled } from '../probes/fixtures.ts';
import { tinyConfig } from '../support/tinyModels.ts';
import { userError } from '../support/userError.ts';

const model = compiled(reverse(), ['a', 'b'], 3);

describe('components', () => {
  it('parses every spelling', () => {
    expect(parseComponent('1.0')).toEqual({ kind: 'head', layer: 1, head: 0 });
    expect(parseComponent('L1H0')).toEqual({ kind: 'head', layer: 1, head: 0 });
    expect(parseComponent('attn1')).toEqual({ kind: 'attn', layer: 1 });
    expect(parseComponent('mlp0')).toEqual({ kind: 'mlp', layer: 0 });
    expect(parseComponent('L1')).toEqual({ kind: 'layer', layer: 1 });
    expect(parseComponent('mlp0.n12')).toEqual({ kind: 'neuron', layer: 0, neuron: 12 });
    expect(parseComponent(' embed ', model.config)).toEqual({ kind: 'embed' });
  });

  test.prop([fc.nat(20), fc.nat(20), fc.constantFrom('embed', 'head', 'attn', 'mlp', 'layer', 'neuron')])('format and parse round-trip', (layer, i, kind) => {
    const c =
      kind === 'embed' ? { kind } : kind === 'head' ? { kind, layer, head: i } : kind === 'neuron' ? { kind, layer, neuron: i } : ({ kind, layer } as const);
    expect(parseComponent(formatComponent(c as ComponentRef))).toEqual(c);
  });

  it('rejects text and components the model does not have, naming why', () => {
    expect(() => parseComponent('head1')).toThrow(/not a component/);
    expect(() => parseComponent('2.0', model.config)).toThrow(/2 layers/);
    expect(() => parseComponent('1.3', model.config)).toThrow(/1 head/);
    expect(() => parseComponent('mlp1', model.config)).toThrow(/no MLP/);
    expect(() => parseComponent('mlp0.n999', model.config)).toThrow(/neurons/);
  });

  it('enumerates every head, sublayer and layer in layer order, and sorts the same way', () => {
    const all = allComponents(model.config);
    expect(all.map(formatComponent)).toEqual(['0.0', 'attn0', 'mlp0', 'L0', '1.0', 'attn1', 'L1']);
    const shuffled = [...all].reverse().concat({ kind: 'embed' });
    expect(shuffled.sort(compareComponents).map(formatComponent)).toEqual(['embed', '0.0', 'attn0', 'mlp0', 'L0', '1.0', 'attn1', 'L1']);
  });

  it('writes several components joined, and compares by value', () => {
    expect(formatComponents([parseComponent('L1'), parseComponent('attn0')])).toBe('L1+attn0');
    expect(sameComponent(parseComponent('L1H0'), parseComponent('1.0'))).toBe(true);
    expect(sameComponent(parseComponent('mlp1'), parseComponent('L1'))).toBe(false);
  });
});

describe('head references', () => {
  it('parses layer.head and LxHy', () => {
    expect(parseHead('1.0')).toEqual({ layer: 1, head: 0 });
    expect(parseHead(' L12H3 ')).toEqual({ layer: 12, head: 3 });
    expect(parseHead('l0h2')).toEqual({ layer: 0, head: 2 });
    expect(formatHead({ layer: 3, head: 4 })).toBe('3.4');
  });

  it.each(['', '1', '1.', 'a.b', '1.2.3', 'L1', 'H1L2', '-1.0'])('refuses %j', (t) => {
    expect(userError(() => parseHead(t))).toMatch(/is not a head reference/);
  });

  it('checks the head exists when given a config', () => {
    const c = tinyConfig();
    expect(parseHead('0.1', c)).toEqual({ layer: 0, head: 1 });
    expect(userError(() => parseHead('0.2', c))).toBe('head 0.2: layer 0 has heads 0..1');
    expect(userError(() => parseHead('2.0', c))).toBe('head 2.0: layer 2 has no heads');
    expect(userError(() => parseHead('5.0', c))).toBe('head 5.0: the model has layers 0..2');
  });
});
