import { afterEach, describe, expect, it } from 'vitest';
import { cursorLine, exactMatches, KEY, mount } from './ui.ts';

const SPINNER = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/;

let ui: Awaited<ReturnType<typeof mount>> | undefined;
afterEach(() => {
  ui?.close();
  ui = undefined;
});

describe('the terminal UI on the compiled reverse model', () => {
  it('ablating the flip head 1.0 drops exact match far below 50%; restoring it brings back 100%', async () => {
    ui = await mount();
    expect(exactMatches(ui.frame())).toEqual([100]);
    await ui.press(KEY.down + KEY.down + KEY.down, (f) => cursorLine(f).includes('head 1.0'), 'the cursor on head 1.0');
    const seen = ui.r.frames.length;
    const broken = await ui.press(' ', (f) => exactMatches(f)[0] < 50, 'exact match to fall');
    // While it computed, a spinner showed; once done, none is left ticking.
    expect(ui.r.frames.slice(seen).some((f) => SPINNER.test(f))).toBe(true);
    expect(SPINNER.test(broken)).toBe(false);
    expect(exactMatches(broken)[0]).toBeLessThan(50);
    expect(cursorLine(broken)).toMatch(/✗\s+head 1\.0/);
    expect(broken).toMatch(/model .*✗ \d+ wrong/);
    const fixed = await ui.press(' ', (f) => exactMatches(f)[0] === 100, 'exact match back at 100%');
    expect(fixed).not.toMatch(/✗\s+head/);
    expect(fixed).toMatch(/model .*✓/);
  });

  it('moves with the arrows, j/k, PgUp/PgDn and Home/End; opens and closes the MLP', async () => {
    ui = await mount();
    expect(cursorLine(ui.frame())).toContain('head 0.0');
    await ui.press(KEY.down, (f) => cursorLine(f).includes('mlp0'), 'down');
    await ui.press(KEY.up, (f) => cursorLine(f).includes('head 0.0'), 'up');
    await ui.press('j', (f) => cursorLine(f).includes('mlp0'), 'j');
    await ui.press('k', (f) => cursorLine(f).includes('head 0.0'), 'k');
    await ui.press(KEY.end, (f) => cursorLine(f).includes('head 1.0'), 'End');
    await ui.press(KEY.home, (f) => cursorLine(f).includes('L0'), 'Home');
    await ui.press(KEY.down + KEY.down + KEY.right, (f) => /▾ mlp0/.test(f) && f.includes(' n0'), 'the neurons');
    await ui.press(KEY.pageDown, (f) => cursorLine(f).includes('n9'), 'PgDn');
    await ui.press(KEY.pageUp, (f) => cursorLine(f).includes('mlp0'), 'PgUp');
    await ui.press(KEY.left, (f) => /▸ mlp0/.test(f) && !f.includes(' n0'), 'neurons closed');
    await ui.press(KEY.left, (f) => cursorLine(f).includes('L0'), 'left goes to the parent');
    await ui.press('h', (f) => /▸ L0/.test(f) && !/head 0\.0 {2}length/.test(f), 'h closes the layer');
    await ui.press('l', (f) => /▾ L0/.test(f) && /head 0\.0 {2}length/.test(f), 'l opens it');
  });

  it('m cycles the mode, c clears every ablation', async () => {
    ui = await mount();
    await ui.press(' ', (f) => cursorLine(f).includes('✗'), 'head 0.0 ablated');
    await ui.press('m', (f) => f.includes('mode mean') && f.includes('ablation mode: mean'), 'mean mode');
    await ui.press('m', (f) => f.includes('mode resample'), 'resample mode');
    await ui.press('m', (f) => f.includes('mode zero'), 'zero mode again');
    const cleared = await ui.press('c', (f) => f.includes('cleared 1 ablation'), 'cleared');
    expect(cleared).not.toContain('✗ 1');
    await ui.until((f) => exactMatches(f)[0] === 100, 'accuracy restored');
  });

  it('e edits the input (a bad token shows an error, Esc cancels), r draws a new one', async () => {
    ui = await mount();
    await ui.press('e', (f) => f.includes('input>') && f.includes('Enter accept'), 'the editor');
    const erase = KEY.backspace.repeat(30);
    await ui.press(erase + 'a b zz', (f) => f.includes('input> ') && f.includes('a b zz'), 'typed text');
    await ui.press(KEY.enter, (f) => f.includes("'zz' is not in the vocabulary"), 'the error line');
    await ui.press(KEY.escape, (f) => f.includes('edit cancelled') && !f.includes('input>'), 'cancelled');
    await ui.press('e' + erase + 'a b c', (f) => /input> +a b c/.test(f), 'typed again');
    const done = await ui.press(KEY.enter, (f) => /input +a b c/.test(f) && /program +c b a/.test(f) && /model +c b a +✓/.test(f), 'the new input run');
    expect(done).not.toContain('input>');
    const before = done.split('\n').find((l) => l.startsWith('input'));
    const drawn = await ui.press('r', (f) => f.includes('random input #1'), 'a random input');
    expect(drawn.split('\n').find((l) => l.startsWith('input'))).not.toBe(before);
  });

  it("draws the selected head's attention with token labels on both axes", async () => {
    ui = await mount();
    await ui.press('e' + KEY.backspace.repeat(30) + 'a b c' + KEY.enter, (f) => /model +c b a/.test(f), 'input a b c');
    const f = await ui.press(KEY.end, (x) => x.includes('aggregate(flip, tokens) → reverse\n') && /1\.0 BOS {2}a {2}b {2}c/.test(x), 'the flip head');
    // Query a (position 1) attends to key c (position 3), and so on: the flip.
    expect(f).toMatch(/ {2}a {3}· {2}· {2}·100/);
    expect(f).toMatch(/ {2}b {3}· {2}·100 {2}·/);
    expect(f).toMatch(/ {2}c {3}·100 {2}· {2}·/);
    expect(f).toMatch(/BOS100 {2}· {2}· {2}·|BOS 100/);
  });

  it('? shows every key, tab explains itself without --vs, q quits', async () => {
    ui = await mount();
    const help = await ui.press('?', (f) => f.includes('PgUp PgDn Home End'), 'the help screen');
    for (const k of ['space', 'tab', 'q', 'Esc cancels']) expect(help).toContain(k);
    await ui.press('?', (f) => f.includes('head 0.0'), 'help closed');
    await ui.press(KEY.tab, (f) => f.includes('start with --vs'), 'tab explained');
    const listening = () => ui!.r.stdin.listenerCount('readable');
    expect(listening()).toBeGreaterThan(0);
    ui.r.stdin.write('q');
    await ui.until(() => listening() === 0, 'the app to exit and stop reading keys');
  });
});
