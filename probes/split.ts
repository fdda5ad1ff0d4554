/**
 * A seeded split of probe inputs into fitting and held-out ones, stratified by value: every value
 * of every variable lands in the fitting split (a probe cannot predict a value it never saw, and
 * held-out errors on it would say "not decodable" of a variable the model holds exactly), and each
 * value found in two or more inputs is held out at least once where that keeps the first promise.
 * The split is by input, so no input's positions are on both sides.
 */
import { makeRng } from '../src/rasp/random.ts';

/**
 * `keys[i]`: the values input i shows (any strings, e.g. `variable=value`). Returns whether each
 * input is held out; about `fraction` of them are.
 */
export function stratifiedSplit(keys: readonly (readonly string[])[], fraction: number, seed: number): boolean[] {
  const rng = makeRng(seed).fork('probe-split');
  const heldOut = keys.map(() => rng.next() < fraction);
  const inputsOf = new Map<string, number[]>();
  keys.forEach((ks, i) => {
    for (const k of new Set(ks)) {
      let list = inputsOf.get(k);
      if (!list) inputsOf.set(k, (list = []));
      list.push(i);
    }
  });
  // Rarest values first, so that the inputs they need are settled before common values move any.
  const byRarity = [...inputsOf].sort((a, b) => a[1].length - b[1].length || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const fitting = new Map<string, number>();
  const count = (k: string, by: number) => fitting.set(k, (fitting.get(k) ?? 0) + by);
  keys.forEach((ks, i) => {
    if (!heldOut[i]) for (const k of new Set(ks)) count(k, 1);
  });
  const move = (i: number, toHeldOut: boolean) => {
    heldOut[i] = toHeldOut;
    for (const k of new Set(keys[i])) count(k, toHeldOut ? -1 : 1);
  };
  for (const [k, inputs] of byRarity) if (!fitting.get(k)) move(inputs[0], false);
  for (const [, inputs] of byRarity) {
    if (inputs.length < 2 || inputs.some((i) => heldOut[i])) continue;
    // Hold out one input whose every value is still fitted elsewhere.
    const spare = inputs.find((i) => [...new Set(keys[i])].every((key) => fitting.get(key)! >= 2));
    if (spare !== undefined) move(spare, true);
  }
  return heldOut;
}
