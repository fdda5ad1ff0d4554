/**
 * "1 layer", "2 layers": a count with its noun, for every message and table that counts. It lives
 * in src/rasp, which imports nothing of ours, so that every layer of the project can use it.
 */
export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
