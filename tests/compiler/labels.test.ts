/**
 * Every compiled head's and MLP's label is RASP that parses back in its program's scope, so a
 * probe or a person can read a component's expression into the workbench again; and it names only
 * s-ops the residual stream holds, so what an MLP computes inside itself (a fused map, a selector
 * width's read-out) is written out, not named as though some block had written it.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.ts';
import { Evaluator } from '../../src/rasp/evaluate.ts';
import { parseSelectorExpression, parseSOpExpression } from '../../src/rasp/expression.ts';
import { tokenize } from '../../src/rasp/lexer.ts';
import { loadProgram, parseProgram } from '../../src/rasp/load.ts';
import type { Program } from '../../src/rasp/program.ts';
import { buildGraph } from '../../compiler/graph.ts';
import { isSelector, type RaspNode, type Selector, type SOp } from '../../src/rasp/ast.ts';
import { libraryNames, libraryPath, parseTokens, readHeader } from '../support/libraryExamples.ts';

function compiledLibrary(name: string) {
  const p = loadProgram(libraryPath(name));
  return { p, ...compile(p, { vocab: p.vocab ?? [1, 2, 3], maxLen: 5 }) };
}

/** The program's s-ops a label names (selectors and built-ins aside). */
function sopsNamed(p: Program, label: string): string[] {
  const names = tokenize(label).filter((t) => t.kind === 'name' && p.named.has(t.text) && !isSelector(p.named.get(t.text)!));
  return [...new Set(names.map((t) => t.text))];
}

describe('compiled labels parse back', () => {
  for (const name of libraryNames())
    it(name, () => {
      const { p, model } = compiledLibrary(name);
      const opts = { file: 'label' };
      for (const h of model.labels.heads) {
        expect(() => parseSOpExpression(p, h.expr, opts), h.expr).not.toThrow();
        expect(() => parseSelectorExpression(p, h.selector, opts), h.selector).not.toThrow();
      }
      for (const m of model.labels.mlps) expect(() => parseSOpExpression(p, m.expr, opts), m.expr).not.toThrow();
    });
});

describe('labels name only s-ops the residual stream holds', () => {
  for (const name of libraryNames())
    it(name, () => {
      const { p, model, plan } = compiledLibrary(name);
      // Held: in directions of its own, or free (read off the embedding, a constant, a linear form).
      const free = new Set(['embedding', 'constant', 'linear']);
      const held = new Set([
        ...model.labels.residual.map((d) => d.sop),
        ...plan.filter((n) => free.has(n.categorical ?? '') || free.has(n.numerical ?? '')).map((n) => n.name),
      ]);
      const labels = [
        ...model.labels.heads.map((h) => ({ at: `head ${h.layer}.${h.head}`, expr: h.expr })),
        ...model.labels.mlps.map((m) => ({ at: `mlp ${m.layer} neurons ${m.neurons.join('–')}`, expr: m.expr })),
      ];
      for (const l of labels) for (const s of sopsNamed(p, l.expr)) expect(held.has(s), `${l.at}: ${l.expr} names '${s}'`).toBe(true);
    });

  it("shuffle_dyck2's last MLP writes out the paren check it fuses, naming the brace check it reads", () => {
    const { model } = compiledLibrary('shuffle_dyck2');
    const last = model.labels.mlps.find((m) => m.writes === 'shuffle_dyck2')!;
    expect(last.expr).not.toMatch(/paren_ok/);
    expect(last.expr).toMatch(/^indicator\(categorical\(aggregate\(select_last, .*"\(".*\) and brace_ok\)$/);
  });
});

describe('labels tell components apart', () => {
  for (const name of libraryNames())
    it(`${name}: no two heads, and no two MLPs, read the same`, () => {
      const { model } = compiledLibrary(name);
      const heads = model.labels.heads.map((h) => h.expr);
      const mlps = model.labels.mlps.map((m) => m.expr);
      expect(new Set(heads).size, heads.join('\n')).toBe(heads.length);
      expect(new Set(mlps).size, mlps.join('\n')).toBe(mlps.length);
    });

  it("shuffle_dyck2's first-layer balance heads say which brackets each counts", () => {
    const { model } = compiledLibrary('shuffle_dyck2');
    const balance = model.labels.heads.filter((h) => h.layer === 0 && h.kind === 'numerical-aggregate').map((h) => h.expr);
    expect(balance).toEqual([
      'aggregate(prevs, numerical(indicator(tokens == "(") - indicator(tokens == ")")), 0)',
      'aggregate(prevs, numerical(indicator(tokens == "{") - indicator(tokens == "}")), 0)',
    ]);
  });
});

describe('a name the program assigns again', () => {
  it('is written out where a label means its earlier value, so the label reads back as what the head computes', () => {
    const p = parseProgram(
      ['x = tokens == "a";', 'y = aggregate(select(indices, indices, <=), numerical(indicator(x)), 0);', 'x = y > 0.5;', 'out = x;'].join('\n'),
      { file: 'again.rasp' },
    );
    const { model } = compile(p, { vocab: ['a', 'b'], maxLen: 4 });
    const head = model.labels.heads.find((h) => h.writes === 'y')!;
    const label = parseSOpExpression(p, head.expr, { file: 'label' });
    for (const input of [['a'], ['b', 'a'], ['a', 'b', 'b', 'a']]) {
      const ev = new Evaluator(input);
      expect([...ev.sop(label)], `${head.expr} on ${input.join(' ')}`).toEqual([...ev.sop(p.named.get('y') as Parameters<Evaluator['sop']>[0])]);
    }
  });
});

/** A node's values on one input, as the evaluator gives them (selectors as matrices). */
function valuesOf(ev: Evaluator, n: RaspNode): unknown {
  return isSelector(n) ? ev.selector(n as Selector).map((r) => [...r]) : [...ev.sop(n as SOp)];
}

describe('labels read back as what their component computes', () => {
  for (const name of libraryNames())
    it(`${name}: on the file's examples, each label evaluates like the s-op (and selector) its component implements`, () => {
      const { p, model } = compiledLibrary(name);
      const header = readHeader(name);
      const graph = buildGraph(p);
      const byName = new Map(graph.nodes.map((g) => [g.name, g]));
      const opts = { file: 'label' };
      const checks: { what: string; label: RaspNode; node: RaspNode }[] = [];
      for (const h of model.labels.heads) {
        const g = byName.get(h.writes)!;
        checks.push({ what: `head ${h.layer}.${h.head}: ${h.expr}`, label: parseSOpExpression(p, h.expr, opts), node: g.node });
        if (g.node.kind !== 'length')
          checks.push({
            what: `head ${h.layer}.${h.head}: ${h.selector}`,
            label: parseSelectorExpression(p, h.selector, opts),
            node: graph.nodes[g.inputs[0]].node,
          });
      }
      // A discretising MLP writes its aggregate's values as categories (`<aggregate>.raw`).
      for (const m of model.labels.mlps)
        checks.push({ what: `mlp ${m.layer}: ${m.expr}`, label: parseSOpExpression(p, m.expr, opts), node: byName.get(m.writes.replace(/\.raw$/, ''))!.node });
      for (const ex of header.examples) {
        const ev = new Evaluator(parseTokens(ex.input, header.vocabWords));
        for (const c of checks) expect(valuesOf(ev, c.label), `${c.what} on ${ex.input.join(' ')}`).toEqual(valuesOf(ev, c.node));
      }
    });
});
