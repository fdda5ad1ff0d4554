/**
 * Dictionaries, comprehensions over them, indexing (of dictionaries, lists, strings and s-ops, by
 * constants and by s-ops, negative indices included), zip, list concatenation and `c in sop`: each s-op's values
 * on four inputs are the RASP interpreter's (tech-srl/RASP, this program loaded there after
 * `set example "abca"`; "error" where it raised on that input).
 */
import { describe, expect, it } from 'vitest';
import { isSOp } from '../../src/rasp/ast.ts';
import { RaspError } from '../../src/rasp/errors.ts';
import { evaluate } from '../../src/rasp/evaluate.ts';
import { parseProgram } from '../../src/rasp/load.ts';

const PROGRAM = `d = {"a": 1, "b": 2, "c": 3};
from_dict = d[tokens] + d["b"];
keys_loop = "";
for k in d {
	keys_loop = keys_loop + (k if tokens == k else "");
}
doubled = {k: d[k] * 2 for k in d};
from_comp = doubled[tokens];
keys_list = [k for k in d];
from_keys = keys_list[indices % 3];
same_key = {1: "one", True: "true", 2.0: "two"};
key_identity = same_key[indices % 2 + 1];
parts = [tokens, indices, length];
from_list = parts[1] + parts[-1];
consts = [5, 8, 2, 9, 4, 7, 5];
by_sop = consts[indices];
by_neg_sop = consts[-1 - indices];
word = "qwertyuiop";
char_at = word[indices * 2];
char_neg = word[-1];
first = tokens[0];
second = tokens[1];
last = tokens[-1];
beyond = tokens[6];
by_true = indices[True];
pairs = {n: v for n, v in zip(["x", "y", "z"], [10, 20, 30])};
zipped = pairs["y"] + indices;
total = 0;
for n, v in zip(["a", "b"], [100, 1000]) {
	total = total + (v if tokens == n else 0);
}
joined = ["a"] + ["b", "c"];
in_joined = tokens in joined;
sels = {v: select(tokens, v, ==) for v in ["a", "b"]};
count_a = selector_width(sels["a"]);
u1, u2 = [indices + 1, indices + 2];
unpacked = u1 * u2;
has_a = "a" in tokens;
has_two = 2 in indices + 1;
`;

const INPUTS = ['abca', 'cab', 'bbbbbb', 'a'];

/** The interpreter's values of each s-op on each input. */
const RASP: Record<string, readonly (readonly (string | number | boolean)[] | 'error')[]> = {
  from_dict: [[3, 4, 5, 3], [5, 3, 4], [4, 4, 4, 4, 4, 4], [3]],
  keys_loop: [['a', 'b', 'c', 'a'], ['c', 'a', 'b'], ['b', 'b', 'b', 'b', 'b', 'b'], ['a']],
  from_comp: [[2, 4, 6, 2], [6, 2, 4], [4, 4, 4, 4, 4, 4], [2]],
  from_keys: [['a', 'b', 'c', 'a'], ['a', 'b', 'c'], ['a', 'b', 'c', 'a', 'b', 'c'], ['a']],
  key_identity: [['true', 'two', 'true', 'two'], ['true', 'two', 'true'], ['true', 'two', 'true', 'two', 'true', 'two'], ['true']],
  from_list: [[4, 5, 6, 7], [3, 4, 5], [6, 7, 8, 9, 10, 11], [1]],
  by_sop: [[5, 8, 2, 9], [5, 8, 2], [5, 8, 2, 9, 4, 7], [5]],
  by_neg_sop: [[5, 7, 4, 9], [5, 7, 4], [5, 7, 4, 9, 2, 8], [5]],
  char_at: [['q', 'e', 't', 'u'], ['q', 'e', 't'], 'error', ['q']],
  first: [['a', 'a', 'a', 'a'], ['c', 'c', 'c'], ['b', 'b', 'b', 'b', 'b', 'b'], ['a']],
  second: [['b', 'b', 'b', 'b'], ['a', 'a', 'a'], ['b', 'b', 'b', 'b', 'b', 'b'], [0]],
  last: [['a', 'a', 'a', 'a'], ['b', 'b', 'b'], ['b', 'b', 'b', 'b', 'b', 'b'], ['a']],
  beyond: [[0, 0, 0, 0], [0, 0, 0], [0, 0, 0, 0, 0, 0], [0]],
  by_true: [[1, 1, 1, 1], [1, 1, 1], [1, 1, 1, 1, 1, 1], [0]],
  zipped: [[20, 21, 22, 23], [20, 21, 22], [20, 21, 22, 23, 24, 25], [20]],
  total: [[100, 1000, 0, 100], [0, 100, 1000], [1000, 1000, 1000, 1000, 1000, 1000], [100]],
  in_joined: [[true, true, true, true], [true, true, true], [true, true, true, true, true, true], [true]],
  count_a: [[2, 2, 2, 2], [1, 1, 1], [0, 0, 0, 0, 0, 0], [1]],
  u1: [[1, 2, 3, 4], [1, 2, 3], [1, 2, 3, 4, 5, 6], [1]],
  u2: [[2, 3, 4, 5], [2, 3, 4], [2, 3, 4, 5, 6, 7], [2]],
  unpacked: [[2, 6, 12, 20], [2, 6, 12], [2, 6, 12, 20, 30, 42], [2]],
  has_a: [[true, true, true, true], [true, true, true], [false, false, false, false, false, false], [true]],
  has_two: [[true, true, true, true], [true, true, true], [true, true, true, true, true, true], [false]],
};

describe('containers and indexing as the RASP interpreter has them', () => {
  const program = parseProgram(PROGRAM, { file: 'constructs.rasp' });
  it('has every s-op the interpreter has, and no other', () => {
    const sops = [...program.named].filter(([, n]) => isSOp(n)).map(([name]) => name);
    expect(sops.sort()).toEqual(Object.keys(RASP).sort());
  });
  it.each(Object.entries(RASP))('%s', (name, expected) => {
    const node = program.named.get(name)!;
    if (!isSOp(node)) throw new Error(`${name} is not an s-op`);
    INPUTS.forEach((input, k) => {
      const want = expected[k];
      if (want === 'error') expect(() => evaluate(node, [...input])).toThrow(RaspError);
      else expect(evaluate(node, [...input]), `${name} on ${input}`).toEqual(want);
    });
  });
});
