import { afterEach, describe, expect, it } from 'vitest';
import { LEARNED } from './session.ts';
import { mount } from './ui.ts';

let ui: Awaited<ReturnType<typeof mount>> | undefined;
afterEach(() => {
  ui?.close();
  ui = undefined;
});

describe('the terminal UI on a terminal too small for its panes', () => {
  it('says in one line how many columns two panes need, instead of cutting their numbers', async () => {
    ui = await mount({ vs: LEARNED, columns: 60, ready: (f) => f.includes('needs') });
    const lines = ui.frame().split('\n');
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(60);
    // Two panes of the 1–8 heatmap (31 columns each) and the gap between them.
    expect(lines.join(' ')).toBe('rasplab tui needs 63 columns for two models; this terminal has 60 (q quits)');
  });

  it('says how many rows it needs on a terminal too short for a tree', async () => {
    ui = await mount({ columns: 80, rows: 12, ready: (f) => f.includes('needs') });
    expect(ui.frame().split('\n').join(' ')).toBe('rasplab tui needs 15 rows; this terminal has 12 (q quits)');
  });
});

describe('the terminal UI on a narrow terminal that fits one pane', () => {
  it('drops whole parts of the title rather than cutting one (and a number in it)', async () => {
    ui = await mount({ columns: 60 });
    const [title] = ui.frame().split('\n');
    expect(title).toBe('rasplab tui · program reverse · mode zero');
  });
});
