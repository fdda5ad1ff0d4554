import { afterEach, describe, expect, it } from 'vitest';
import { LEARNED } from './session.ts';
import { cursorLine, exactMatches, KEY, mount } from './ui.ts';

let ui: Awaited<ReturnType<typeof mount>> | undefined;
afterEach(() => {
  ui?.close();
  ui = undefined;
});

describe('the terminal UI with --vs: compiled and learned reverse side by side', () => {
  it('shows both models, each with its own ablations; tab moves between them', async () => {
    ui = await mount({ vs: LEARNED });
    const f0 = ui.frame();
    expect(f0).toMatch(/▶ reverse\.compiled \(compiled\) +reverse\.learned \(learned\)/);
    expect(f0).toContain('tab model');
    const [c0, l0] = exactMatches(f0);
    expect(c0).toBe(100);
    expect(l0).toBeGreaterThan(90);
    // Both are scored on the lengths both take: the learned model's 1–8.
    expect(ui.set.inputs.every((x) => x.length <= 8)).toBe(true);

    await ui.press(KEY.end + ' ', (f) => exactMatches(f)[0] < 50, "the compiled model's flip head ablated");
    expect(exactMatches(ui.frame())[1]).toBe(l0);

    await ui.press(KEY.tab, (f) => /reverse\.compiled \(compiled\) +✗ 1 +▶ reverse\.learned/.test(f), 'focus on the learned model');
    await ui.press(KEY.end, (f) => cursorLine(f, 1).includes('mlp1'), "the learned model's last row");
    await ui.press(KEY.up + KEY.up, (f) => cursorLine(f, 1).includes('head 1.0'), "the learned model's head 1.0");
    const both = await ui.press(' ', (f) => exactMatches(f)[1] !== l0, 'the learned model ablated too');
    expect(cursorLine(both, 1)).toMatch(/✗\s+head 1\.0/);
    expect(exactMatches(both)[0]).toBeLessThan(50);
    expect(both).toMatch(/attention of head 1\.0: \(unlabelled\)|1\.0 BOS/);

    const cleared = await ui.press('c', (f) => f.includes('cleared 2 ablations'), 'clear both');
    await ui.until((f) => exactMatches(f)[0] === 100 && exactMatches(f)[1] === l0, 'both restored');
    expect(cleared).not.toMatch(/✗ \d/);
  });

  it('fits 80×24 without wrapping', async () => {
    ui = await mount({ vs: LEARNED });
    const lines = ui.frame().split('\n');
    expect(lines.length).toBeLessThanOrEqual(23);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(80);
  });
});
