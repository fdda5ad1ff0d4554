/**
 * Defaults a program states in its leading comment block:
 *
 *   # vocab: a b c      (numbers when every item reads as a number)
 *   # max-len: 8
 */
import { RaspError } from './errors.ts';
import { checkCeiling } from './limits.ts';
import { formatValue, parseToken, valueKey, type Value } from './values.ts';

export interface Header {
  readonly vocab?: readonly Value[];
  readonly maxLen?: number;
}

export function readHeader(text: string, file: string): Header {
  let vocab: Value[] | undefined;
  let maxLen: number | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    if (!line.startsWith('#')) break;
    const m = /^#\s*(vocab|max-len)\s*:(.*)$/.exec(line);
    if (!m) continue;
    const rest = m[2].trim();
    const loc = { file, line: i + 1, col: lines[i].indexOf(m[1]) + 1 };
    if (m[1] === 'vocab') {
      const words = rest.split(/\s+/).filter((w) => w !== '');
      if (words.length === 0) throw new RaspError("'# vocab:' lists no tokens", loc);
      checkCeiling('vocab', words.length, `'# vocab:' of ${words.length} tokens`, loc);
      const numeric = words.every((w) => !Number.isNaN(Number(w)));
      vocab = words.map((w) => parseToken(w, numeric));
      // A token listed twice would be two embedding rows for one input (`1` and `1.0` are one number).
      const seen = new Map<string, string>();
      const after = lines[i].indexOf(':') + 1;
      const at = [...lines[i].slice(after).matchAll(/\S+/g)].map((w) => after + (w.index ?? 0) + 1);
      vocab.forEach((v, k) => {
        const first = seen.get(valueKey(v));
        if (first !== undefined)
          throw new RaspError(`'# vocab:' lists the token '${formatValue(v)}' twice${first === words[k] ? '' : ` (as '${first}' and '${words[k]}')`}`, {
            file,
            line: i + 1,
            col: at[k],
          });
        seen.set(valueKey(v), words[k]);
      });
    } else {
      const n = Number(rest);
      if (!/^[0-9]+$/.test(rest) || n < 1) throw new RaspError(`'# max-len:' must be a positive integer, found '${rest}'`, loc);
      checkCeiling('maxLen', n, `'# max-len:' ${rest}`, loc);
      maxLen = n;
    }
  }
  return { vocab, maxLen };
}
