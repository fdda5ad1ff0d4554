import { describe, expect, it } from 'vitest';
import { cacheKey, DEMO_DEFAULTS, demoPaths, demoTrainFlags } from '../../cli/demo/settings.ts';
import { resolveProgram } from '../../cli/resolveProgram.ts';
import { validateTrainFlags } from '../../src/train/options.ts';

describe('demo settings', async () => {
  const program = await resolveProgram('reverse');

  it('asks the trainer for a valid run: lengths 1..max-len, tested one beyond', () => {
    const f = demoTrainFlags(DEMO_DEFAULTS);
    expect(() => validateTrainFlags(f)).not.toThrow();
    expect([f.minLen, f.maxLen, f.testLengths]).toEqual([1, DEMO_DEFAULTS.maxLen, [DEMO_DEFAULTS.maxLen + 1]]);
    expect(f.targetAcc).toBe(DEMO_DEFAULTS.targetAcc);
  });

  it('keys the cache by every setting that shapes a model, and by the program text', () => {
    const k = cacheKey(DEMO_DEFAULTS, program);
    expect(cacheKey({ ...DEMO_DEFAULTS }, program)).toBe(k);
    for (const change of [{ seed: 1 }, { maxLen: 4 }, { steps: 10 }, { dModel: 16 }, { targetAcc: 0.9 }])
      expect(cacheKey({ ...DEMO_DEFAULTS, ...change }, program)).not.toBe(k);
    expect(cacheKey(DEMO_DEFAULTS, { ...program, source: `${program.source}\n# edited` })).not.toBe(k);
  });

  it('puts both models in one folder per key under the cache', () => {
    const p = demoPaths(DEMO_DEFAULTS, program, '/tmp/c');
    expect(p.dir).toBe(`/tmp/c/reverse-${cacheKey(DEMO_DEFAULTS, program)}`);
    expect([p.compiled, p.learned]).toEqual([`${p.dir}/reverse.compiled.safetensors`, `${p.dir}/reverse.learned.safetensors`]);
  });
});
