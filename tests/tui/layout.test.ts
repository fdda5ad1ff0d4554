import { describe, expect, it } from 'vitest';
import { axisLabel, headerLine, heatCell, heatTitle, labelWidth } from '../../cli/tui/heatmap.ts';
import { FRAME_ROWS, heatmapWidth, layout, PANE_HEAD_ROWS } from '../../cli/tui/layout.ts';
import { viewportStart } from '../../cli/tui/tree.ts';

describe('TUI layout', () => {
  it('never fills the terminal (Ink would clear the screen: flicker)', () => {
    for (const [columns, rows] of [
      [80, 24],
      [100, 30],
      [200, 60],
      [60, 16],
    ])
      for (const panes of [1, 2])
        for (const len of [1, 5, 10]) {
          const l = layout({ columns, rows }, panes, heatmapWidth(11, 4), len + 2, 8);
          const body = l.wide ? Math.max(l.treeRows, l.heatRows) : l.treeRows + l.heatRows;
          expect(FRAME_ROWS + PANE_HEAD_ROWS + body).toBeLessThanOrEqual(rows - 1);
          expect(panes * l.paneWidth + panes - 1).toBeLessThanOrEqual(columns);
          if (l.wide) expect(l.treeWidth + 1 + heatmapWidth(11, 4)).toBeLessThanOrEqual(l.paneWidth);
        }
  });

  it('at 80 columns one model gets tree and heatmap side by side, two get them stacked', () => {
    expect(layout({ columns: 80, rows: 24 }, 1, heatmapWidth(11, 4), 12, 5).wide).toBe(true);
    const two = layout({ columns: 80, rows: 24 }, 2, heatmapWidth(9, 4), 10, 8);
    expect(two.wide).toBe(false);
    expect(two.heatRows).toBe(10);
    expect(two.treeRows).toBeGreaterThanOrEqual(3);
  });

  it('keeps the selected row in view', () => {
    expect(viewportStart(5, 4, 10)).toBe(0);
    expect(viewportStart(100, 0, 10)).toBe(0);
    expect(viewportStart(100, 50, 10)).toBe(45);
    expect(viewportStart(100, 99, 10)).toBe(90);
  });
});

describe('heatmap cells', () => {
  it('write weights as percent in 3 columns, on a background that brightens with weight', () => {
    expect(heatCell(0).text).toBe('  ·');
    expect(heatCell(0.004).text).toBe('  ·');
    expect(heatCell(0.333).text).toBe(' 33');
    expect(heatCell(1).text).toBe('100');
    const lum = (hex: string) => [1, 3, 5].reduce((s, i) => s + parseInt(hex.slice(i, i + 2), 16), 0);
    expect(lum(heatCell(1).bg)).toBeGreaterThan(lum(heatCell(0.5).bg));
    expect(lum(heatCell(0.5).bg)).toBeGreaterThan(lum(heatCell(0).bg));
    expect(heatCell(1).fg).toBe('black');
    expect(heatCell(0).fg).toBe('white');
  });

  it('labels both axes, BOS included, in cells of three', () => {
    const labels = ['BOS', 'a', 'long'];
    expect(axisLabel('long')).toBe('lon');
    const w = labelWidth(labels, '1.0');
    expect(w).toBe(4);
    expect(headerLine(labels, '1.0', w)).toBe('1.0 BOS  a lo');
  });

  it('titles the map with the longest wording that fits', () => {
    expect(heatTitle('1.0', 'x → y', 80)).toBe('attention of head 1.0: x → y');
    expect(heatTitle('1.0', 'x → y', 15)).toBe('head 1.0: x → y');
    expect(heatTitle('1.0', 'x → y', 6)).toBe('x → y');
  });
});
