import { describe, expect, it } from 'vitest';
import { formatComponents } from '../../src/model/components.ts';
import { demoSummary, shellPath } from '../../cli/demo/summary.ts';
import { sampleReport } from './sampleData.ts';

const files = {
  compiled: { path: '/work/.rasplab-cache/rev-1/rev.compiled.safetensors', cached: false },
  learned: { path: '/work/.rasplab-cache/rev-1/rev.learned.safetensors', cached: true },
  report: '/work/rasplab-report.html',
  cwd: '/work',
};

describe('demoSummary', () => {
  const d = sampleReport();
  const text = demoSummary(d, files);
  const zero = (m: number, c: string) => d.models[m].ablation.components.find((x) => formatComponents(x.component) === c && x.mode === 'zero')!.exactMatch;
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

  it('says where the models are and whether they came from the cache', () => {
    expect(text).toContain('compiled reverse: .rasplab-cache/rev-1/rev.compiled.safetensors  [compiled now]');
    expect(text).toContain('learned reverse:  .rasplab-cache/rev-1/rev.learned.safetensors  [from the cache (--fresh rebuilds)]');
  });

  it('gives agreement, each head’s match and what ablating either costs, and decodability', () => {
    expect(text).toContain('the two agree on 95.0% of 39 inputs of lengths 1–3');
    expect(text).toContain(
      `compiled 1.0 aggregate(flip, tokens) ≈ learned 1.1 (similarity 0.930); ablated: compiled ${pct(zero(0, '1.0'))}, learned ${pct(zero(1, '1.1'))}`,
    );
    expect(text).toContain('longer inputs: learned length 4 25.0% exact (compiled holds 3 tokens at most)');
    expect(text).toMatch(/opp_index\s+compiled after L0\s+learned after L1/);
  });

  it('compares the two on longer inputs when both can take them', () => {
    const c = d.comparison!;
    const beyond = { minLen: 4, maxLen: 4, inputs: 81, agreement: 0.1, aExact: 1, bExact: 0.1 };
    const both = { ...d, comparison: { ...c, outputs: { ...c.outputs, outOfRange: beyond } } };
    expect(demoSummary(both, files)).toContain('on longer inputs (length 4, 81 inputs): agree on 10.0%; exact match: compiled 100.0%, learned 10.0%');
  });

  it('names the head each model can least do without', () => {
    const worst = (m: number) => {
      const heads = d.models[m].ablation.components.filter((c) => c.mode === 'zero' && /^\d+\.\d+$/.test(formatComponents(c.component)));
      return heads.reduce((a, b) => (b.exactMatch < a.exactMatch ? b : a));
    };
    expect(text).toContain(
      `compiled ${formatComponents(worst(0).component)} (${pct(worst(0).exactMatch)} left), ` +
        `learned ${formatComponents(worst(1).component)} (${pct(worst(1).exactMatch)} left)`,
    );
  });

  it('ends with the commands to try next, paths relative to where the user is', () => {
    const next = text.slice(text.indexOf('next, try'));
    expect(next).toContain('npx rasplab tui .rasplab-cache/rev-1/rev.compiled.safetensors --vs .rasplab-cache/rev-1/rev.learned.safetensors');
    expect(next).toContain('npx rasplab compare .rasplab-cache/rev-1/rev.compiled.safetensors .rasplab-cache/rev-1/rev.learned.safetensors');
    expect(next).toContain('npx rasplab check --from-labels .rasplab-cache/rev-1/rev.compiled.safetensors .rasplab-cache/rev-1/rev.learned.safetensors');
    expect(text).toContain('report → rasplab-report.html');
  });

  it('says so when a compiled head has no match', () => {
    const c = d.comparison!;
    const unmatched = { ...d, comparison: { ...c, matches: [{ ...c.matches[1], matched: false, similarity: 0.41 }] } };
    expect(demoSummary(unmatched, files)).toContain('compiled 1.0 aggregate(flip, tokens): no learned head matches (best 1.1, similarity 0.410)');
  });
});

describe('shellPath', () => {
  it('is relative below the working folder, absolute elsewhere, quoted when it must be', () => {
    expect(shellPath('/a/b/c.safetensors', '/a')).toBe('b/c.safetensors');
    expect(shellPath('/x/c.safetensors', '/a/b')).toBe('/x/c.safetensors');
    expect(shellPath("/a/it's here.html", '/a')).toBe(`'it'\\''s here.html'`);
  });
});
