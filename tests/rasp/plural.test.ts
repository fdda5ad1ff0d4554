import { describe, expect, it } from 'vitest';
import { plural } from '../../src/rasp/plural.ts';

describe('plural', () => {
  it('counts in the singular for one and the plural otherwise', () => {
    expect(plural(1, 'layer')).toBe('1 layer');
    expect(plural(2, 'head')).toBe('2 heads');
    expect(plural(0, 'input')).toBe('0 inputs');
    expect(plural(3, 'match', 'matches')).toBe('3 matches');
  });
});
