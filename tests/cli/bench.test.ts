import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { benchFiles } from '../bench/run.ts';

const dir = fileURLToPath(new URL('../bench/', import.meta.url));

describe('npm run bench discovery', () => {
  it('finds every *.bench.ts file, sorted, and filters by name', () => {
    const all = readdirSync(dir)
      .filter((f) => f.endsWith('.bench.ts'))
      .sort();
    expect(benchFiles()).toEqual(all);
    expect(benchFiles()).not.toContain('run.ts');
    if (all.length) expect(benchFiles([all[0].slice(0, -'.bench.ts'.length)])).toContain(all[0]);
    expect(benchFiles(['no-such-bench-name'])).toEqual([]);
  });
});
