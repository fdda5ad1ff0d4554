/**
 * Ablation modes that cannot see a kind of dependence say so next to their numbers: resample
 * partners have the input's length, so reverse's length head looks unused under resample ablation
 * while zero ablation shows it is needed; the CLI, the TUI and the report each say why.
 */
import { describe, expect, it } from 'vitest';
import { ablationFigure } from '../../cli/report/figures/ablation.ts';
import { summaryLine } from '../../cli/tui/AccuracyPanel.tsx';
import { parseComponent } from '../../src/model/components.ts';
import { cli } from '../cli/harness.ts';

const MODEL = 'fixtures/models/reverse.compiled.safetensors';
const ablate = async (...argv: string[]) => {
  const r = await cli('ablate', MODEL, '--samples', '60', '--backend', 'cpu', ...argv);
  expect(r.code, r.err).toBe(0);
  return r.out;
};

describe('ablation blind spots', () => {
  it('resample ablation cannot see the length head; the table says so beside the number', async () => {
    const zero = JSON.parse(await ablate('--head', '0.0', '--json'));
    expect(zero.components[0].exactMatch).toBeLessThan(0.5);
    expect(zero.components[0].cannotSee).toBeUndefined();
    const resample = JSON.parse(await ablate('--head', '0.0', '--mode', 'resample', '--json'));
    expect(resample.components[0].exactMatch).toBe(1);
    expect(resample.components[0].cannotSee).toMatch(/same length/);
    const table = await ablate('--head', '0.0', '--mode', 'resample');
    expect(table).toMatch(/100\.0% †/);
    expect(table).toMatch(/^† resample: .*same length.*/m);
  });

  it('mean ablation says what it hides; zero ablation has no note', async () => {
    expect(await ablate('--head', '1.0', '--mode', 'mean')).toMatch(/^† mean: .*average/m);
    expect(await ablate('--head', '1.0')).not.toContain('†');
  });

  it('the TUI and the report carry the note of the mode', () => {
    const view = { exactMatch: 1, tokenAccuracy: 1, perPosition: [1], baseline: { exactMatch: 1, tokenAccuracy: 1, loss: 0, perPosition: [1] } };
    expect(summaryLine(view, true, 100, 'resample')).toBe("exact 100.0%  token 100.0% · resample: can't see length-only use");
    expect(summaryLine(view, true, 100, 'zero')).not.toMatch(/length/);
    const fig = ablationFigure([{ name: 'm', color: '#000', baseline: 1, results: [{ component: [parseComponent('L0')], mode: 'mean', exactMatch: 1 }] }]);
    expect(fig.svg).toMatch(/>can(&#39;|&apos;|')t see output near its average</);
    expect(fig.caption).toMatch(/resample.*same length/);
  });
});
