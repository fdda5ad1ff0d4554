/** Hypothesis files someone else wrote: alias bombs, dangling aliases, prototype keys, tags. Each is one located line. */
import { describe, expect, it } from 'vitest';
import { parseHypotheses } from '../../probes/hypotheses/fileFormat.ts';
import { userError } from '../support/userError.ts';

const parse = (text: string) => parseHypotheses(text, '/hyp/h.yaml');
const fails = (text: string): string => {
  const message = userError(() => parse(text));
  expect(message).not.toContain('\n');
  return message;
};

const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'hasOwnProperty', 'valueOf', 'toString', 'isPrototypeOf', '__defineGetter__'];

describe('hostile hypothesis files', () => {
  it('an alias bomb is refused at the alias that expands too far', () => {
    const levels = ['a: &l0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      levels.push(
        `l${i}: &l${i} [${Array(10)
          .fill(`*l${i - 1}`)
          .join(', ')}]`,
      );
    // Expanded, it would be 10^9 values: the per-test timeout, not a clock here, catches that.
    expect(fails(`${levels.join('\n')}\nclaims: [*l8]\n`)).toMatch(/^\/hyp\/h\.yaml:\d+:\d+: aliases expand to more than 10000 values/);
  });

  it('an alias with no anchor, or inside its own anchor, is named with its position', () => {
    expect(fails('claims:\n  - *nope\n')).toBe("/hyp/h.yaml:2:5: alias '*nope' has no anchor '&nope' before it");
    expect(fails('- &a { invariant: reverse, outputs: *a }')).toBe("/hyp/h.yaml:1:37: alias '*a' is inside the value it refers to");
  });

  it('aliases that stay within bounds read as copies of their anchor', () => {
    const h = parse('- &c { invariant: reverse, name: r }\n- *c\n');
    expect(h.claims).toEqual([
      { invariant: 'reverse', name: 'r' },
      { invariant: 'reverse', name: 'r' },
    ]);
  });

  it('an alias means the anchor before it, also in a copy made after a later anchor of that name', () => {
    const lines = ['- { invariant: reverse, name: &v first }', '- &c { invariant: reverse, name: *v }', '- { invariant: reverse, name: &v second }', '- *c'];
    const h = parse([...lines, '- { invariant: reverse, name: *v }'].join('\n'));
    expect(h.claims.map((c) => c.name)).toEqual(['first', 'first', 'second', 'first', 'second']);
  });

  it('a mistake inside an alias is reported where the alias stands', () => {
    const chain = ['- &a0 [x]', ...Array.from({ length: 70 }, (_, i) => `- &a${i + 1} [*a${i}]`)].join('\n');
    expect(fails(chain)).toBe('/hyp/h.yaml:64:9: nested more than 64 levels deep');
  });

  it('a byte-order mark at the start is allowed', () => {
    expect(parse('\ufeff- { invariant: reverse }\n').claims).toEqual([{ invariant: 'reverse' }]);
  });

  it.each(PROTOTYPE_KEYS)('the key %s is an unknown key, in YAML and in JSON, in a claim and at the top', (key) => {
    expect(fails(`- { invariant: reverse, ${key}: 1 }`)).toBe(
      `/hyp/h.yaml: claim 1: unknown key '${key}' in this 'invariant' claim (its keys: invariant, outputs, name, minLen, maxLen)`,
    );
    expect(fails(`[{"${key}": {"head": "1.0"}, "invariant": "reverse"}]`)).toMatch(
      new RegExp(`^/hyp/h\\.yaml: claim 1: unknown key '${key}' in this 'invariant'`),
    );
    expect(fails(`- { ${key}: x }`)).toMatch(new RegExp(`say what is claimed with one of the keys head, .* \\(found '${key}'`));
    expect(fails(`${key}: x\nclaims: [{ invariant: reverse }]`)).toMatch(
      new RegExp(`^/hyp/h\\.yaml: unknown top-level key '${key}' .*keys: program, claims\\)$`),
    );
  });

  it('a value named like a prototype key is only a value', () => {
    expect(parse('program: constructor\nclaims: [{ name: __proto__, invariant: reverse }]')).toMatchObject({
      program: 'constructor',
      claims: [{ name: '__proto__' }],
    });
    expect(fails('- { invariant: __proto__ }')).toMatch(/'invariant' must be one of permute, reverse, relabel, got "__proto__"/);
  });

  it('a misspelt key gets a suggestion', () => {
    expect(fails('- { head: "1.0", implement: flip }')).toMatch(/unknown key 'implement' in this 'head' claim \(did you mean 'implements'\? its keys: head,/);
    expect(fails('claim: []')).toBe("/hyp/h.yaml: unknown top-level key 'claim' (did you mean 'claims'? keys: program, claims)");
    expect(fails('- { haed: "1.0", implements: flip }')).toMatch(/\(found 'haed', 'implements'; did you mean 'head'\?\)$/);
  });

  it('keys and names from the file are quoted on one line', () => {
    expect(fails('- { invariant: reverse, "a\\nb": 1 }')).toMatch(/unknown key 'a\\u000ab'/);
    expect(fails('- { name: "x\\ny", invariant: shuffle }')).toMatch(/^\/hyp\/h\.yaml: claim 1 \(x\\u000ay\): 'invariant'/);
    expect(fails(`- { invariant: reverse, ${'k'.repeat(5000)}: 1 }`).length).toBeLessThan(300);
  });

  it("the YAML reader's own messages, which quote the file, are one line too", () => {
    expect(fails('|\r Claims about\n- x')).toMatch(/^\/hyp\/h\.yaml:1:2: Not a YAML token: .*Claims about$/);
    expect(fails(`|\r ${'x'.repeat(5000)}`).length).toBeLessThan(300);
  });

  it('keys must be plain strings and appear once, also through aliases', () => {
    expect(fails('- { [1, 2]: 3 }')).toBe('/hyp/h.yaml:1:5: a mapping key must be a plain string');
    expect(fails('- &k invariant\n- { *k : reverse, invariant: reverse }')).toMatch(/^\/hyp\/h\.yaml:2:\d+: /);
  });

  it('tags and YAML 1.1 merge keys are not read as something else', () => {
    expect(fails('- !!set { invariant: null }')).toBe('/hyp/h.yaml:1:3: YAML tags are not read here (tag:yaml.org,2002:set)');
    expect(fails('- !!js/function "x"')).toMatch(/^\/hyp\/h\.yaml:1:3: YAML tags are not read here/);
    expect(fails('%YAML 1.1\n---\n- { <<: { invariant: reverse } }')).toMatch(/\(found '<<'\)/);
  });

  it('deep nesting and a second document are located', () => {
    expect(fails(`- { invariant: reverse, name: ${'['.repeat(1200)}${']'.repeat(1200)} }`)).toMatch(
      /^\/hyp\/h\.yaml:1:\d+: nested (too deeply for the YAML reader|more than 64 levels deep)$/,
    );
    expect(fails(`- { invariant: reverse, name: ${'['.repeat(100)}${']'.repeat(100)} }`)).toMatch(/^\/hyp\/h\.yaml:1:\d+: nested more than 64 levels deep/);
    expect(fails('- { invariant: reverse }\n---\n- { invariant: reverse }')).toBe(
      "/hyp/h.yaml:2:1: the file holds more than one YAML document (a second '---')",
    );
  });
});
