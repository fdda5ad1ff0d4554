/**
 * Claims a hypothesis file may hold, prepared against the compiled reverse model and checked on
 * one input: heads, components, neurons, hook points and RASP text named by what a file can
 * write, prototype names among them. The claim is prepared and judged, or refused with one UserError.
 */
import fc from 'fast-check';
import { beforeAll, describe, it } from 'vitest';
import { stringify } from 'yaml';
import { parseHypotheses } from '../../probes/hypotheses/fileFormat.ts';
import { prepareClaim } from '../../probes/hypotheses/index.ts';
import { isUserError } from '../../src/rasp/errors.ts';
import { COMPILED_REVERSE, fastBackend, fixture, library } from '../hypotheses/support.ts';
import { loaded } from '../support/loaded.ts';
import { fuzzParams, fuzzTimeout } from './budget.ts';
import { PROTOTYPE_KEYS } from './mutate.ts';

beforeAll(fastBackend);

const model = fixture(COMPILED_REVERSE);
const program = library('reverse');

const names = fc.constantFrom(...PROTOTYPE_KEYS, '', ' ', 'flip', 'opp_index', 'reverse', 'tokens', 'length', 'nope', 'a');
const component = fc.oneof(
  names,
  fc.constantFrom('0.0', '1.0', '2.0', '1.9', 'L1H0', 'attn1', 'mlp0', 'mlp1', 'L0', 'L7', 'embed', 'mlp0.n3', 'mlp0.n999', 'mlp0.n-1', '0.0.0'),
  fc.tuple(names, names).map(([a, b]) => `${a}.${b}`),
);
const rasp = fc.oneof(
  names,
  fc.constantFrom('select(tokens, tokens, True)', 'select(indices, opp_index, ==)', 'indices == 0', 'length - indices', 'select(', 'flip and flip', '1 / 0'),
  fc.tuple(names, names).map(([a, b]) => `select(${a}, ${b}, ==)`),
);
const point = fc.oneof(
  fc.nat({ max: 4 }),
  names,
  fc.constantFrom(
    'blocks.1.hook_resid_pre',
    'blocks.9.hook_resid_pre',
    'hook_embed',
    'blocks.0.attn.hook_z',
    'blocks.0.__proto__',
    'blocks.constructor.hook_resid_pre',
  ),
);
const common = { name: fc.option(names, { nil: undefined }), minLen: fc.option(fc.nat({ max: 6 }), { nil: undefined }) };
const claim = fc.oneof(
  fc.record({ head: component, implements: rasp, match: fc.constantFrom('mass', 'argmax'), ...common }, { requiredKeys: ['head', 'implements'] }),
  fc.record(
    {
      ablate: fc.oneof(component, fc.array(component, { minLength: 1, maxLength: 3 })),
      output: fc.constantFrom('unchanged', 'changed'),
      mode: fc.constantFrom('zero', 'mean', 'resample'),
      ...common,
    },
    { requiredKeys: ['ablate', 'output'] },
  ),
  fc.record({ neuron: component, tracks: rasp, ...common }, { requiredKeys: ['neuron', 'tracks'] }),
  fc.record({ encodes: rasp, at: point, fit: fc.integer({ min: 1, max: 8 }), ...common }, { requiredKeys: ['encodes', 'at'] }),
  fc.record(
    { invariant: fc.constantFrom('permute', 'reverse', 'relabel'), outputs: fc.constantFrom('same', 'follow'), ...common },
    { requiredKeys: ['invariant'] },
  ),
  fc.record({ agrees: names, ...common }, { requiredKeys: ['agrees'] }),
);

describe('fuzz: claims from a file, against a model', () => {
  it(
    'are prepared and judged on an input, or refused with one UserError',
    () =>
      fc.assert(
        fc.asyncProperty(claim, async (c) => {
          let prepared: Awaited<ReturnType<typeof prepareClaim>> | undefined;
          try {
            const [parsed] = parseHypotheses(stringify([c]), '/fuzz/h.yaml').claims;
            prepared = await prepareClaim(loaded(model), program, parsed, { loadModel: () => fixture(COMPILED_REVERSE) });
            const [[input, extra]] = fc.sample(prepared.cases(), { numRuns: 1, seed: 0 });
            prepared.check(input, extra);
          } catch (e) {
            if (!isUserError(e) || /[\n\r]/.test(e.message)) throw e;
          } finally {
            prepared?.dispose();
          }
        }),
        fuzzParams(300, 6),
      ),
    fuzzTimeout(6),
  );
});
