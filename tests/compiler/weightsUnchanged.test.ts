/**
 * The compiler's speed-ups leave its weights byte for byte as they were. The digests below were
 * computed on the compiler at commit 2955072 (before value lookups were indexed, issue 19) with
 * tests/support/weightsDigest.ts, compiling each library program over tracr's vocabulary where
 * it has one (else the file's own) at the given maximum length: a regression fixture, not a result.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.ts';
import { LIBRARY_DIR } from '../../cli/resolveProgram.ts';
import { loadProgram } from '../../src/rasp/load.ts';
import { TRACR_ANCHORS, tracrVocab } from '../support/tracrAnchors.ts';
import { weightsDigest } from '../support/weightsDigest.ts';

const BEFORE: readonly (readonly [string, number, string])[] = [
  ['sort_by_frequency', 6, 'ae95d8a9f81e1b55a9c28a569101a1ec4f4124edd5e575d04be9bc981f785963'],
  ['sort_by_frequency', 10, 'e37c09f1ce3130e57c1032b5aaab9a309b736587b4d64abb9dedaa2584194fe9'],
  // Took 5–8 s to compile before the speed-ups (about 0.15 s after).
  ['sort_by_frequency', 20, '4398901cea0fa5b6cda905078d3e78b46b25bd449fd00f7d50d7aa5235c49811'],
  ['most_frequent', 10, 'd676772f0493420ffeee3b53cdfe5f76e1cbde49a66098cd38ff112e0bdd7d01'],
  ['reverse', 12, '1b85ce5e396d82035d2369ab58fb69e313545383e2f48cde480499a2c082fafd'],
  ['sort', 10, '996a5d50dd15050c148bd590969a971f9a7c0989ffab80a343fc99c274ee5826'],
  ['shuffle_dyck2', 6, '5f91ddba2d12528acbdc05a61ea91eeced329c992f0dd0b65185139c15f3ac54'],
  ['most_frequent', 6, '33a718b9a36add88042f302c62ac0f833bf69862b455edca53fb17f49e23dd14'],
  ['dyck2', 5, 'eee9c0bcac7aa21e02a39baf3b986249158b11160e31dd40e563fee16a840a5f'],
  ['count_less_freq', 8, '099c727fa5cb6a2cfa466551400d2c087d3c97e19a9a0b95588f382898112a30'],
  ['pair_balance', 10, 'dd9611d5a305ee847a8591e05d29e447626a848b8f890bcd0c7da440ce7a42b7'],
  ['frac_prevs', 10, 'f6feb7e52d38375b2327775bd03bd4c11f887f960ed820c55d67d82257778170'],
];

describe('compiled weights are unchanged by the compiler speed-ups', () => {
  for (const [name, maxLen, digest] of BEFORE)
    it(`${name} at max length ${maxLen}`, () => {
      const program = loadProgram(join(LIBRARY_DIR, `${name}.rasp`));
      const anchor = TRACR_ANCHORS[name];
      const { model } = compile(program, { vocab: anchor ? tracrVocab(anchor) : program.vocab!, maxLen });
      expect(weightsDigest(model)).toBe(digest);
    });
});
