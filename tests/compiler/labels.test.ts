/**
 * Every compiled head's and MLP's label is RASP that parses back in its program's scope, so a
 * probe or a person can read a component's expression into the workbench again.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.ts';
import { parseSelectorExpression, parseSOpExpression } from '../../src/rasp/expression.ts';
import { loadProgram } from '../../src/rasp/load.ts';
import { libraryNames, libraryPath } from '../support/libraryExamples.ts';

describe('compiled labels parse back', () => {
  for (const name of libraryNames())
    it(name, () => {
      const p = loadProgram(libraryPath(name));
      const { model } = compile(p, { vocab: p.vocab ?? [1, 2, 3], maxLen: 5 });
      const opts = { file: 'label' };
      for (const h of model.labels.heads) {
        expect(() => parseSOpExpression(p, h.expr, opts), h.expr).not.toThrow();
        expect(() => parseSelectorExpression(p, h.selector, opts), h.selector).not.toThrow();
      }
      for (const m of model.labels.mlps) expect(() => parseSOpExpression(p, m.expr, opts), m.expr).not.toThrow();
    });
});
