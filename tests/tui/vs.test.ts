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

  it('labels each learned head with the compiled head it matches, once the session has compared them', async () => {
    ui = await mount({ vs: LEARNED });
    const f = await ui.until((x) => x.includes('≈'), 'the head matches');
    const learned = f.split('\n').map((l) => l.slice(40));
    // compare: compiled 0.0 (length) ≈ learned 0.1, compiled 1.0 (the flip) ≈ learned 1.0.
    expect(learned.find((l) => l.includes('head 0.1'))).toMatch(/head 0\.1 {2}≈ 0\.0 length/);
    expect(learned.find((l) => l.includes('head 1.0'))).toMatch(/head 1\.0 {2}≈ 1\.0 aggregate/);
    expect(learned.find((l) => l.includes('head 0.0'))).toContain('(unlabelled)');
    await ui.press(KEY.tab + KEY.down, (x) => cursorLine(x, 1).includes('head 0.1'), "the learned model's head 0.1");
    await ui.until((x) => x.includes('head 0.1: ≈ 0.0 length'), "the heatmap's title");
  });

  it('keeps both heatmap titles at 80×24 when a tree is opened', async () => {
    ui = await mount({ vs: LEARNED });
    expect(ui.frame().match(/attention of head 0\.0/g)).toHaveLength(2);
    const open = await ui.press(KEY.down + KEY.right, (f) => /▾ mlp0/.test(f) && f.includes(' n0'), "the compiled MLP's neurons");
    expect(open.match(/attention of head 0\.0/g)).toHaveLength(2);
  });

  it('fits 80×24 without wrapping', async () => {
    ui = await mount({ vs: LEARNED });
    const lines = ui.frame().split('\n');
    expect(lines.length).toBeLessThanOrEqual(23);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(80);
  });
});
