// The partition status grid: one cell per partition on a <canvas> (100k cells draw in a few
// milliseconds; DOM nodes would not), a drag or the From/To fields select a range.
//
// `view` is the API's partitions item: {keys, dimensions, statuses} where `statuses` has one
// letter per partition (M materialized, F failed, P in progress, - missing). One-dimensional
// partitions fill rows left to right; two dimensions make rows of the first dimension's keys
// and columns of the second's.

import { h, replace } from "./dom.js";

export const COLORS = { M: "#1a7f37", F: "#cf222e", P: "#0969da", "-": "#d0d7de" };
const NAMES = { M: "materialized", F: "failed", P: "in progress", "-": "missing" };
const COUNT_NAMES = { M: "materialized", F: "failed", P: "in_progress", "-": "missing" };

function countOf(view, letter) {
  if (view.counts && view.counts[COUNT_NAMES[letter]] !== undefined) {
    return view.counts[COUNT_NAMES[letter]];
  }
  let n = 0;
  for (let i = view.statuses.indexOf(letter); i !== -1; i = view.statuses.indexOf(letter, i + 1)) n += 1;
  return n;
}
const SEPARATOR = "|";

function layout(view, width) {
  const count = view.statuses.length;
  if (view.dimensions) {
    const rows = view.dimensions[0].keys.length;
    const cols = view.dimensions[1].keys.length;
    const cell = Math.max(3, Math.min(16, Math.floor(width / Math.max(cols, 1))));
    return { cols, rows, cell };
  }
  const cell = count <= 2000 ? 14 : count <= 20000 ? 7 : 4;
  const cols = Math.max(1, Math.floor(width / cell));
  return { cols, rows: Math.ceil(count / cols), cell };
}

/** The partition key of cell `index`. */
export function keyAt(view, index) {
  if (!view.dimensions) return view.keys[index];
  const [first, second] = view.dimensions;
  const cols = second.keys.length;
  const row = first.keys[Math.floor(index / cols)];
  const col = second.keys[index % cols];
  return first.name < second.name ? row + SEPARATOR + col : col + SEPARATOR + row;
}

function draw(canvas, view, grid) {
  const gap = grid.cell > 5 ? 1 : 0;
  const size = grid.cell - gap;
  const ratio = window.devicePixelRatio || 1;
  canvas.width = grid.cols * grid.cell * ratio;
  canvas.height = grid.rows * grid.cell * ratio;
  canvas.style.width = `${grid.cols * grid.cell}px`;
  canvas.style.height = `${grid.rows * grid.cell}px`;
  const context = canvas.getContext("2d");
  context.scale(ratio, ratio);
  const statuses = view.statuses;
  // One path per colour: a fill per status instead of one per cell.
  for (const [letter, color] of Object.entries(COLORS)) {
    context.beginPath();
    let index = statuses.indexOf(letter);
    while (index !== -1) {
      context.rect((index % grid.cols) * grid.cell, Math.floor(index / grid.cols) * grid.cell,
        size, size);
      index = statuses.indexOf(letter, index + 1);
    }
    context.fillStyle = color;
    context.fill();
  }
}

function cellIndexes(grid, first, last) {
  // 1-D: every index between; 2-D: the rectangle spanned by the two cells.
  if (!grid.twoD) {
    const [lo, hi] = first <= last ? [first, last] : [last, first];
    return { lo, hi, indexes: null };
  }
  const [r1, r2] = [Math.floor(first / grid.cols), Math.floor(last / grid.cols)].sort((a, b) => a - b);
  const [c1, c2] = [first % grid.cols, last % grid.cols].sort((a, b) => a - b);
  const indexes = [];
  for (let r = r1; r <= r2; r += 1) for (let c = c1; c <= c2; c += 1) indexes.push(r * grid.cols + c);
  return { lo: Math.min(...indexes), hi: Math.max(...indexes), indexes, r1, r2, c1, c2 };
}

/**
 * A grid element for `view`; `onSelection({keys, start, end, count})` is called when the
 * selection changes (start/end: the range's ends in 1-D; keys: every selected key).
 * The element's `dataset.renderMs` is the time the canvas took to draw.
 */
export function partitionGrid(view, onSelection, width = 960) {
  const began = performance.now();
  const grid = { ...layout(view, width), twoD: Boolean(view.dimensions) };
  const canvas = h("canvas", { class: "partition-canvas", role: "img",
    "aria-label": `Status of ${view.statuses.length} partitions` });
  const overlay = h("canvas", { class: "partition-overlay", "aria-hidden": "true" });
  draw(canvas, view, grid);
  overlay.width = canvas.width;
  overlay.height = canvas.height;
  overlay.style.width = canvas.style.width;
  overlay.style.height = canvas.style.height;
  const info = h("span", { class: "partition-hover muted" }, "Hover a cell to see its key.");
  const from = h("input", { type: "text", class: "partition-from", "aria-label": "First partition" });
  const to = h("input", { type: "text", class: "partition-to", "aria-label": "Last partition" });
  const count = view.statuses.length;
  const positions = new Map();
  const indexOfKey = (key) => {
    if (!positions.size) for (let i = 0; i < count; i += 1) positions.set(keyAt(view, i), i);
    return positions.get(key);
  };
  const highlight = (selection) => {
    const context = overlay.getContext("2d");
    const ratio = window.devicePixelRatio || 1;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, overlay.width, overlay.height);
    if (!selection) return;
    context.fillStyle = "rgba(31, 111, 235, 0.35)";
    const cells = selection.indexes || Array.from(
      { length: selection.hi - selection.lo + 1 }, (_, i) => selection.lo + i);
    for (const index of cells) {
      context.fillRect((index % grid.cols) * grid.cell, Math.floor(index / grid.cols) * grid.cell,
        grid.cell, grid.cell);
    }
  };
  const select = (first, last, typedIn = false) => {
    const selection = cellIndexes(grid, first, last);
    highlight(selection);
    const keys = selection.indexes ? selection.indexes.map((i) => keyAt(view, i))
      : Array.from({ length: selection.hi - selection.lo + 1 }, (_, i) => keyAt(view, selection.lo + i));
    if (!typedIn) {
      from.value = keyAt(view, selection.indexes ? first : selection.lo);
      to.value = keyAt(view, selection.indexes ? last : selection.hi);
    }
    onSelection({ keys, start: keys[0], end: keys[keys.length - 1], count: keys.length });
  };
  const cellAt = (event) => {
    const bounds = canvas.getBoundingClientRect();
    const col = Math.floor((event.clientX - bounds.left) / grid.cell);
    const row = Math.floor((event.clientY - bounds.top) / grid.cell);
    const index = row * grid.cols + col;
    return col >= 0 && col < grid.cols && index >= 0 && index < count ? index : null;
  };
  let anchor = null;
  const holder = h("div", { class: "partition-grid-canvas" }, canvas, overlay);
  const rowLabels = grid.twoD && grid.cell >= 12 && grid.rows <= 500
    ? h("div", { class: "partition-row-labels", "aria-hidden": "true" },
      view.dimensions[0].keys.map((key) => {
        const label = h("div", { class: "partition-row-label" }, key);
        label.style.height = `${grid.cell}px`;
        label.style.lineHeight = `${grid.cell}px`;
        return label;
      }))
    : null;
  const columns = grid.twoD ? view.dimensions[1].keys : [];
  const columnRange = columns.length ? h("p", { class: "muted partition-columns" },
    `${view.dimensions[1].name}: ${columns[0]} → ${columns[columns.length - 1]}`) : null;
  holder.addEventListener("mousedown", (event) => {
    anchor = cellAt(event);
    if (anchor !== null) select(anchor, anchor);
  });
  holder.addEventListener("mousemove", (event) => {
    const index = cellAt(event);
    if (index === null) return;
    info.textContent = `${keyAt(view, index)}: ${NAMES[view.statuses[index]]}`;
    if (anchor !== null && event.buttons === 1) select(anchor, index);
  });
  window.addEventListener("mouseup", () => { anchor = null; });
  const typed = () => {
    const first = indexOfKey(from.value.trim());
    const last = indexOfKey((to.value || from.value).trim());
    if (first !== undefined && last !== undefined) select(first, last, true);
  };
  from.addEventListener("change", typed);
  to.addEventListener("change", typed);
  const legend = h("div", { class: "partition-legend" }, Object.keys(COLORS).map(
    (letter) => h("span", { class: "legend-item", dataset: { status: COUNT_NAMES[letter] } },
      h("span", { class: `swatch swatch-${COUNT_NAMES[letter]}` }),
      `${NAMES[letter]} ${countOf(view, letter)}`)));
  const element = h("div", { class: "partition-grid", dataset: { cells: String(count) } },
    legend,
    view.dimensions ? h("p", { class: "muted" },
      `Rows: ${view.dimensions[0].name} (${view.dimensions[0].keys.length}), columns: `
      + `${view.dimensions[1].name} (${view.dimensions[1].keys.length})`) : null,
    h("div", { class: "row" }, h("label", {}, "From ", from), h("label", {}, "To ", to), info),
    columnRange,
    h("div", { class: "partition-grid-body" }, rowLabels, holder));
  element.dataset.renderMs = (performance.now() - began).toFixed(1);
  return element;
}

/** Replace `holder`'s content with a grid (kept as is when the statuses did not change). */
export function showGrid(holder, view, onSelection) {
  const signature = `${view.statuses.length}:${view.statuses}`;
  if (holder.dataset.signature === signature) return;
  holder.dataset.signature = signature;
  const width = Math.max(320, Math.min(holder.clientWidth || 960, 1400));
  replace(holder, partitionGrid(view, onSelection, width));
  // For benchmarks and tests: when (since navigation start) the newest grid was on screen.
  requestAnimationFrame(() => {
    document.body.dataset.partitionGridMs = performance.now().toFixed(1);
  });
}
