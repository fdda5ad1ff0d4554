/**
 * Where things go on a screen of a given size. Every height is counted so the frame stays one row
 * short of the terminal: Ink clears the whole screen (a visible flicker) when a frame fills it.
 */

export interface ScreenSize {
  readonly columns: number;
  readonly rows: number;
}

export interface Layout {
  /** Width of one model's pane. */
  readonly paneWidth: number;
  /** Whether a pane has room for its tree and its heatmap side by side. */
  readonly wide: boolean;
  readonly treeWidth: number;
  readonly treeRows: number;
  /** Rows of the heatmap (header and title included), cut to what fits. */
  readonly heatRows: number;
  /** Whether the heatmap has a title row. */
  readonly heatTitle: boolean;
}

/** Title, input and program lines on top; status and help lines below. */
export const FRAME_ROWS = 5;
/** Each pane's name, accuracy, per-position and output lines. */
export const PANE_HEAD_ROWS = 4;
const MIN_TREE = 3;
const MIN_TREE_WIDTH = 34;
/** A pane's accuracy line ("exact 100.0%  token 100.0%") whole, and a tree row's name. */
const MIN_PANE_WIDTH = 28;

/** Columns of a heatmap with `positions` columns (BOS included) and row labels `labelWidth` wide. */
export const heatmapWidth = (positions: number, labelWidth: number): number => labelWidth + 3 * positions;

/**
 * The smallest screen on which every pane shows its heatmap and its numbers whole: a narrower
 * one would have Ink wrap them inside their boxes (18 read as 1), so the UI says what it needs.
 */
export function minimumSize(panes: number, heatWidth: number): ScreenSize {
  return { columns: panes * Math.max(heatWidth, MIN_PANE_WIDTH) + panes - 1, rows: 1 + FRAME_ROWS + PANE_HEAD_ROWS + MIN_TREE + 2 };
}

/**
 * `heatWidth`: the heatmap's width for the longest input (fixed so the layout does not jump when
 * the input changes); `heatNeed`: rows the current input's heatmap wants, without its title row.
 */
export function layout(size: ScreenSize, panes: number, heatWidth: number, heatNeed: number): Layout {
  const gap = panes - 1;
  const paneWidth = Math.max(20, Math.floor((size.columns - gap) / panes));
  const body = Math.max(MIN_TREE + 2, size.rows - 1 - FRAME_ROWS - PANE_HEAD_ROWS);
  const wide = paneWidth - heatWidth - 1 >= MIN_TREE_WIDTH;
  if (wide) {
    const heatTitle = heatNeed < body;
    return { paneWidth, wide, treeWidth: paneWidth - heatWidth - 1, treeRows: body, heatRows: Math.min(body, heatNeed + (heatTitle ? 1 : 0)), heatTitle };
  }
  // Stacked: the heatmap gets what it needs, the tree the rest (it scrolls); the title costs the
  // tree a row, so it stays while the tree keeps its minimum, however long the open tree is.
  const heatTitle = heatNeed + 1 <= body - MIN_TREE;
  const heatRows = Math.max(0, Math.min(heatNeed + (heatTitle ? 1 : 0), body - MIN_TREE));
  return { paneWidth, wide, treeWidth: paneWidth, treeRows: body - heatRows, heatRows, heatTitle };
}
