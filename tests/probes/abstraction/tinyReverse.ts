/** The compiled reverse both SIIT test files train against (vocabulary a b, lengths up to 3), and the small learned shape they train. */
import type { ModelConfig } from '../../../src/model/types.ts';
import { compiledLibrary } from '../../hypotheses/support.ts';

export const { program, model: compiled } = compiledLibrary('reverse', { vocab: ['a', 'b'], maxLen: 3 });

export const config: ModelConfig = {
  ...compiled.config,
  dModel: 16,
  layers: [
    { nHeads: 2, dHead: 8, dMlp: 32 },
    { nHeads: 2, dHead: 8, dMlp: 32 },
  ],
  origin: 'learned',
  attnScale: Math.sqrt(8),
};
