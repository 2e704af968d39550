// A pannable, zoomable view of a laid-out graph that stays smooth at thousands of nodes.
//
// Edges and group boxes are drawn on a canvas under the SVG, only the parts inside the
// viewport, once per animation frame while panning or zooming. Nodes inside the viewport are
// SVG elements (clickable, styled by CSS, found by tests) while there are at most SVG_LIMIT of
// them; with more (a big graph zoomed out, where no label can be read anyway) they are
// painted on the canvas as coloured boxes and clicks are hit-tested against the layout.
// Level of detail: a node's second line is only built when zoomed in far enough to read it.

import { h, s } from "./dom.js";

/** Most nodes kept as SVG elements at once; above it nodes are painted on the canvas. */
export const SVG_LIMIT = 1000;
/** Zoom from which nodes show their details (second line, summaries). */
export const DETAIL_ZOOM = 0.8;
/** Zoom under which text is hidden: boxes only. */
export const FAR_ZOOM = 0.3;
const MARGIN = 60;
/** Zoom limits: far enough out to fit thousands of nodes (an overview), 4x in. */
const MIN_ZOOM = 0.004;
const MAX_ZOOM = 4;

/** Canvas colours of a node's status class (same as the CSS of the SVG nodes). */
export const STATUS_COLOURS = {
  "st-success": ["#e6f4ea", "#1a7f37"],
  "st-failure": ["#ffebe9", "#cf222e"],
  "st-running": ["#ddf4ff", "#0969da"],
  "st-none": ["#ffffff", "#8c959f"],
  match: ["#fbefff", "#8250df"],
  selected: ["#f3e8ff", "#8250df"],
};

/** The box around each group's nodes (`groupOf(node)`; null: no group), padded by `pad` with
 * room for a label above: `{ rects, labels }`, each label made by `labelOf(group, x, y)`. */
export function groupBoxes(nodes, positions, size, pad, groupOf, labelOf) {
  const bounds = new Map();
  for (const node of nodes) {
    const group = groupOf(node);
    if (!group) continue;
    const p = positions.get(node.id);
    const b = bounds.get(group) || { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
    b.x0 = Math.min(b.x0, p.x);
    b.y0 = Math.min(b.y0, p.y);
    b.x1 = Math.max(b.x1, p.x + size.nodeWidth);
    b.y1 = Math.max(b.y1, p.y + size.nodeHeight);
    bounds.set(group, b);
  }
  const rects = [];
  const labels = [];
  for (const [group, b] of bounds) {
    rects.push({ x: b.x0 - pad, y: b.y0 - pad - 18,
      width: b.x1 - b.x0 + 2 * pad, height: b.y1 - b.y0 + 2 * pad + 18 });
    labels.push(labelOf(group, b.x0 - pad + 6, b.y0 - 14));
  }
  return { rects, labels };
}

/**
 * Edge geometry as numbers: [x0, y0, then per cubic segment c1x, c1y, c2x, c2y, x, y].
 * `from`/`to` are node positions ({x, y}); `lanes` the y of the free slots of each layer the
 * edge crosses (routed around nodes), or none for a direct edge.
 */
export function edgeGeometry(from, to, lanes, size) {
  let x = from.x + size.nodeWidth;
  let y = from.y + size.nodeHeight / 2;
  const out = [x, y];
  const curveTo = (x2, y2) => {
    const mid = (x + x2) / 2;
    out.push(mid, y, mid, y2, x2, y2);
    x = x2;
    y = y2;
  };
  const list = lanes || [];
  const step = (to.x - from.x) / (list.length + 1);
  list.forEach((laneY, i) => {
    const left = from.x + step * (i + 1);
    curveTo(left, laneY);
    const right = left + size.nodeWidth;
    out.push(x, y, right, y, right, y);
    x = right;
  });
  curveTo(to.x, to.y + size.nodeHeight / 2);
  return out;
}

function bounds(points) {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < points.length; i += 2) {
    x0 = Math.min(x0, points[i]);
    x1 = Math.max(x1, points[i]);
    y0 = Math.min(y0, points[i + 1]);
    y1 = Math.max(y1, points[i + 1]);
  }
  return { x0, y0, x1, y1 };
}

export class GraphView {
  /**
   * options: size {nodeWidth, nodeHeight}; svg (attributes of the <svg>);
   * renderNode(id, detailed) -> SVG element; paintStyle(id) -> [fill, stroke];
   * onNode(id, event) for clicks on a node; onBackground(event) for other clicks (the
   * target is the SVG element clicked, e.g. a group label).
   */
  constructor(options) {
    this.options = options;
    this.size = options.size;
    this.view = { x: 20, y: 20, k: 1 };
    this.canvas = h("canvas", { class: "graph-canvas", "aria-hidden": "true" });
    this.overlay = s("g", { class: "groups" });
    this.nodeLayer = s("g", { class: "nodes" });
    this.viewport = s("g", { class: "viewport" }, this.overlay, this.nodeLayer);
    this.svg = s("svg", options.svg || {}, this.viewport);
    this.svg.graphView = this; // for tests and the console: positions, view, nodeAt()
    this.element = h("div", { class: "graph-wrap" }, this.canvas, this.svg);
    this.ids = [];
    this.positions = new Map();
    this.edges = [];
    this.boxes = [];
    this.shown = new Map();
    this.detailed = false;
    this.mode = "svg";
    this.frame = 0;
    this.interact();
    // The canvas has the SVG's pixel size: repaint when the window (or the layout) resizes it.
    new ResizeObserver(() => this.schedule()).observe(this.svg);
  }

  /**
   * Show a laid-out graph: ids (node order), positions (id -> {x, y}), edges
   * [{points, kind?}], boxes [{x, y, width, height}] drawn under everything, overlay: SVG
   * elements in graph coordinates (e.g. group labels). Repaints at once.
   */
  setGraph({ ids, positions, edges, boxes = [], overlay = [], width, height }) {
    this.ids = ids;
    this.positions = positions;
    this.edges = edges.map((edge) => ({ ...edge, box: bounds(edge.points) }));
    this.boxes = boxes;
    this.width = width;
    this.height = height;
    this.overlay.replaceChildren(...overlay);
    this.nodeLayer.replaceChildren();
    this.shown = new Map();
    this.paint();
  }

  /** Zoom and centre so the whole graph fits. */
  fit(maxZoom = 1.2) {
    const box = this.svg.getBoundingClientRect();
    const width = Math.max(1, this.width || 0);
    const height = Math.max(1, this.height || 0);
    const k = Math.min(maxZoom, Math.max(MIN_ZOOM, Math.min((box.width - 40) / width,
      (box.height - 40) / height)));
    this.view = { k, x: (box.width - width * k) / 2,
      y: Math.max(20, (box.height - height * k) / 2) };
    this.paint();
  }

  /** Centre on node `id`, zoomed in at least to 1. */
  centerOn(id) {
    const p = this.positions.get(id);
    if (!p) return;
    const box = this.svg.getBoundingClientRect();
    const k = Math.max(this.view.k, 1);
    this.view = { k, x: box.width / 2 - (p.x + this.size.nodeWidth / 2) * k,
      y: box.height / 2 - (p.y + this.size.nodeHeight / 2) * k };
    this.paint();
  }

  /** Rebuild the visible nodes (their state changed) and repaint. */
  refresh() {
    this.nodeLayer.replaceChildren();
    this.shown = new Map();
    this.paint();
  }

  /** Repaint on the next animation frame (coalescing many pan/zoom events into one). */
  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.paint();
    });
  }

  visibleRect() {
    const box = this.svg.getBoundingClientRect();
    const { x, y, k } = this.view;
    return { width: box.width, height: box.height, x0: (-x - MARGIN) / k,
      y0: (-y - MARGIN) / k, x1: (box.width - x + MARGIN) / k,
      y1: (box.height - y + MARGIN) / k };
  }

  paint() {
    if (this.frame) {
      cancelAnimationFrame(this.frame);
      this.frame = 0;
    }
    const { x, y, k } = this.view;
    this.viewport.setAttribute("transform", `translate(${x},${y}) scale(${k})`);
    this.svg.classList.toggle("zoomed-in", k >= DETAIL_ZOOM);
    this.svg.classList.toggle("far", k < FAR_ZOOM);
    const rect = this.visibleRect();
    const { nodeWidth, nodeHeight } = this.size;
    const visible = [];
    for (const id of this.ids) {
      const p = this.positions.get(id);
      if (p && p.x + nodeWidth >= rect.x0 && p.x <= rect.x1 && p.y + nodeHeight >= rect.y0 &&
          p.y <= rect.y1) visible.push(id);
    }
    this.mode = visible.length > SVG_LIMIT ? "canvas" : "svg";
    this.svg.dataset.mode = this.mode;
    this.drawCanvas(rect, this.mode === "canvas" ? visible : []);
    this.placeNodes(this.mode === "svg" ? visible : [], k >= DETAIL_ZOOM);
    this.svg.dataset.visible = String(visible.length);
  }

  placeNodes(visible, detailed) {
    if (detailed !== this.detailed) {
      this.detailed = detailed;
      this.nodeLayer.replaceChildren();
      this.shown = new Map();
    }
    const wanted = new Set(visible);
    for (const [id, element] of this.shown) {
      if (!wanted.has(id)) {
        element.remove();
        this.shown.delete(id);
      }
    }
    const added = [];
    for (const id of visible) {
      if (this.shown.has(id)) continue;
      const element = this.options.renderNode(id, detailed);
      this.shown.set(id, element);
      added.push(element);
    }
    if (added.length) this.nodeLayer.append(...added);
  }

  drawCanvas(rect, boxedNodes) {
    const ratio = window.devicePixelRatio || 1;
    const width = Math.round(rect.width * ratio);
    const height = Math.round(rect.height * ratio);
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
    }
    const ctx = this.canvas.getContext("2d");
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const { x, y, k } = this.view;
    ctx.setTransform(ratio * k, 0, 0, ratio * k, ratio * x, ratio * y);
    const inView = (b) => b.x1 >= rect.x0 && b.x0 <= rect.x1 && b.y1 >= rect.y0 &&
      b.y0 <= rect.y1;
    ctx.lineWidth = 1.5 / Math.max(k, 0.5);
    ctx.fillStyle = "rgba(31, 111, 235, 0.05)";
    ctx.strokeStyle = "rgba(31, 111, 235, 0.35)";
    for (const b of this.boxes) {
      if (!inView({ x0: b.x, y0: b.y, x1: b.x + b.width, y1: b.y + b.height })) continue;
      ctx.beginPath();
      ctx.rect(b.x, b.y, b.width, b.height);
      ctx.fill();
      ctx.stroke();
    }
    const byKind = new Map();
    for (const edge of this.edges) {
      if (!inView(edge.box)) continue;
      const kind = edge.kind || "";
      if (!byKind.has(kind)) byKind.set(kind, []);
      byKind.get(kind).push(edge.points);
    }
    ctx.lineWidth = Math.max(1.2, 0.8 / k);
    const far = k < FAR_ZOOM;
    for (const [kind, list] of byKind) {
      ctx.strokeStyle = kind === "dynamic" ? "#bc4c00" : "#aab4bf";
      ctx.setLineDash(kind === "dynamic" ? [6, 4] : []);
      ctx.beginPath();
      for (const pts of list) {
        ctx.moveTo(pts[0], pts[1]);
        // Zoomed far out a curve is a few pixels long: straight segments look the same and
        // rasterize much faster.
        for (let i = 2; i < pts.length; i += 6) {
          if (far) {
            ctx.lineTo(pts[i + 4], pts[i + 5]);
          } else {
            ctx.bezierCurveTo(pts[i], pts[i + 1], pts[i + 2], pts[i + 3], pts[i + 4],
              pts[i + 5]);
          }
        }
      }
      ctx.stroke();
    }
    ctx.setLineDash([]);
    if (!boxedNodes.length) return;
    // Boxes only, one path per colour: thousands of rectangles in a few draw calls.
    const { nodeWidth, nodeHeight } = this.size;
    const byStyle = new Map();
    for (const id of boxedNodes) {
      const style = this.options.paintStyle(id).join("|");
      if (!byStyle.has(style)) byStyle.set(style, []);
      byStyle.get(style).push(this.positions.get(id));
    }
    ctx.lineWidth = Math.max(1.5, 1 / k);
    for (const [style, list] of byStyle) {
      const [fill, stroke] = style.split("|");
      ctx.fillStyle = fill;
      ctx.strokeStyle = stroke;
      ctx.beginPath();
      for (const p of list) ctx.rect(p.x, p.y, nodeWidth, nodeHeight);
      ctx.fill();
      ctx.stroke();
    }
  }

  /** The node under a client point (for clicks on canvas-painted nodes). */
  nodeAt(clientX, clientY) {
    const box = this.svg.getBoundingClientRect();
    const gx = (clientX - box.left - this.view.x) / this.view.k;
    const gy = (clientY - box.top - this.view.y) / this.view.k;
    const { nodeWidth, nodeHeight } = this.size;
    for (const id of this.ids) {
      const p = this.positions.get(id);
      if (p && gx >= p.x && gx <= p.x + nodeWidth && gy >= p.y && gy <= p.y + nodeHeight) {
        return id;
      }
    }
    return null;
  }

  interact() {
    const svg = this.svg;
    let drag = null;
    svg.addEventListener("pointerdown", (event) => {
      if (event.button !== 0) return;
      drag = { x: event.clientX, y: event.clientY, vx: this.view.x, vy: this.view.y,
        moved: false };
    });
    svg.addEventListener("pointermove", (event) => {
      if (!drag) return;
      const dx = event.clientX - drag.x;
      const dy = event.clientY - drag.y;
      if (!drag.moved && Math.hypot(dx, dy) < 4) return;
      if (!drag.moved) svg.setPointerCapture(event.pointerId);
      drag.moved = true;
      svg.classList.add("dragging");
      this.view.x = drag.vx + dx;
      this.view.y = drag.vy + dy;
      this.viewport.setAttribute("transform",
        `translate(${this.view.x},${this.view.y}) scale(${this.view.k})`);
      this.schedule();
    });
    svg.addEventListener("pointerup", (event) => {
      const wasDrag = drag && drag.moved;
      drag = null;
      svg.classList.remove("dragging");
      if (wasDrag) return;
      const node = event.target.closest && event.target.closest(".node[data-id]");
      if (node && node.dataset.id && this.positions.has(node.dataset.id) &&
          !node.classList.contains("group-node")) {
        this.options.onNode(node.dataset.id, event);
        return;
      }
      if (this.options.onBackground && this.options.onBackground(event)) return;
      if (this.mode === "canvas") {
        const id = this.nodeAt(event.clientX, event.clientY);
        if (id) this.options.onNode(id, event);
      }
    });
    svg.addEventListener("wheel", (event) => {
      event.preventDefault();
      const box = svg.getBoundingClientRect();
      const px = event.clientX - box.left;
      const py = event.clientY - box.top;
      const factor = Math.exp(-event.deltaY * 0.0015);
      const k = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, this.view.k * factor));
      const ratio = k / this.view.k;
      this.view = { k, x: px - (px - this.view.x) * ratio, y: py - (py - this.view.y) * ratio };
      this.viewport.setAttribute("transform",
        `translate(${this.view.x},${this.view.y}) scale(${k})`);
      this.schedule();
    }, { passive: false });
  }
}
