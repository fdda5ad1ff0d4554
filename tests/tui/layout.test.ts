import { describe, expect, it } from 'vitest';
import { axisLabel, headerLine, heatCell, heatTitle, labelWidth } from '../../cli/tui/heatmap.ts';
import { FRAME_ROWS, heatmapWidth, layout, minimumSize, PANE_HEAD_ROWS } from '../../cli/tui/layout.ts';
import { positionCells } from '../../cli/tui/AccuracyPanel.tsx';
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
          const l = layout({ columns, rows }, panes, heatmapWidth(11, 4), len + 2);
          const body = l.wide ? Math.max(l.treeRows, l.heatRows) : l.treeRows + l.heatRows;
          expect(FRAME_ROWS + PANE_HEAD_ROWS + body).toBeLessThanOrEqual(rows - 1);
          expect(panes * l.paneWidth + panes - 1).toBeLessThanOrEqual(columns);
          if (l.wide) expect(l.treeWidth + 1 + heatmapWidth(11, 4)).toBeLessThanOrEqual(l.paneWidth);
        }
  });

  it('at 80 columns one model gets tree and heatmap side by side, two get them stacked', () => {
    expect(layout({ columns: 80, rows: 24 }, 1, heatmapWidth(11, 4), 12).wide).toBe(true);
    const two = layout({ columns: 80, rows: 24 }, 2, heatmapWidth(9, 4), 10);
    expect(two.wide).toBe(false);
    expect(two.heatRows).toBe(11); // the title and the map's 10 rows
    expect(two.heatTitle).toBe(true);
    expect(two.treeRows).toBeGreaterThanOrEqual(3);
  });

  it('with two panes at 80×24 the heatmap keeps its title, whatever the input, however long the open tree is', () => {
    for (let len = 1; len <= 8; len++) expect(layout({ columns: 80, rows: 24 }, 2, heatmapWidth(9, 4), len + 2).heatTitle).toBe(true);
  });

  it("needs room for every pane's whole heatmap; from that size on, each one fits", () => {
    const heat = heatmapWidth(9, 4);
    expect(minimumSize(1, heat).columns).toBe(heat);
    expect(minimumSize(2, heat).columns).toBe(2 * heat + 1);
    for (const panes of [1, 2])
      for (let columns = minimumSize(panes, heat).columns; columns <= 120; columns++) {
        const l = layout({ columns, rows: minimumSize(panes, heat).rows }, panes, heat, 10);
        expect(l.paneWidth).toBeGreaterThanOrEqual(heat);
        expect(panes * l.paneWidth + panes - 1).toBeLessThanOrEqual(columns);
      }
  });

  it('cuts the per-position line at whole numbers', () => {
    for (const width of [12, 21, 30]) {
      const { lead, cells } = positionCells(Array(10).fill(0.18), width);
      expect((lead + cells.join(' ')).length).toBeLessThanOrEqual(width);
      expect(cells.at(-1)).toBe('…');
      for (const c of cells.slice(0, -1)) expect(c).toBe(' 18');
    }
    expect(positionCells(Array(3).fill(1), 30)).toEqual({ lead: 'pos% ', cells: ['100', '100', '100'] });
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
