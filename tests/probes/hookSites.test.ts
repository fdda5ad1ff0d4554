import { describe, expect, it } from 'vitest';
import { allComponents, parseComponent } from '../../src/model/components.ts';
import { hookSites } from '../../probes/hookSites.ts';
import { reverse } from '../compiler/programs.ts';
import { compiled } from './fixtures.ts';

const model = compiled(reverse(), ['a', 'b'], 3);

describe('hook sites of components', () => {
  it('gives every component a hook site', () => {
    for (const c of allComponents(model.config, { neurons: true })) expect(hookSites(c, model.config).length).toBeGreaterThan(0);
  });

  it('takes the embeddings at the token and the position embedding', () => {
    expect(hookSites(parseComponent('embed'), model.config)).toEqual([{ hook: 'hook_embed' }, { hook: 'hook_pos_embed' }]);
  });
});
