// Asset graph: layered lineage per location, grouped by group, coloured by status.
// Click opens an asset; shift-click (or "select mode") selects; wheel zooms; drag pans.

import { getJSON } from "../api.js";
import { assetHref, h, keyText, replace, s } from "../dom.js";
import { action, every, setTitle, startPage } from "../layout.js";
import { layeredLayout } from "../graph_layout.js";
import { materialize } from "../materialize.js";

const NODE = { nodeWidth: 200, nodeHeight: 36, gapX: 80, gapY: 14 };
const GROUP_PAD = 12;
const REFRESH_MS = 5000;
const state = {
  assets: [], byId: new Map(), selected: new Set(), location: "", signature: "",
  view: { x: 20, y: 20, k: 1 }, svg: null, viewport: null,
};

const nodeId = (asset) => `${asset.location}\u0000${keyText(asset.key)}`;

function statusClass(asset) {
  const status = asset.latest_run_status;
  if (asset.in_progress) return "st-running";
  if (status === "FAILURE") return "st-failure";
  if (["QUEUED", "STARTING", "STARTED", "CANCELING"].includes(status)) return "st-running";
  if (status === "SUCCESS" || asset.latest_materialization) return "st-success";
  return "st-none";
}

function shortLabel(text) {
  return text.length > 28 ? `…${text.slice(text.length - 27)}` : text;
}

function applyView() {
  const { x, y, k } = state.view;
  state.viewport.setAttribute("transform", `translate(${x},${y}) scale(${k})`);
}

function fit(width, height) {
  const box = state.svg.getBoundingClientRect();
  const k = Math.min(1.2, Math.max(0.02, Math.min((box.width - 40) / Math.max(1, width),
    (box.height - 40) / Math.max(1, height))));
  state.view = { k, x: (box.width - width * k) / 2, y: Math.max(20, (box.height - height * k) / 2) };
  applyView();
}

function edgePath(a, b) {
  const x1 = a.x + NODE.nodeWidth;
  const y1 = a.y + NODE.nodeHeight / 2;
  const x2 = b.x;
  const y2 = b.y + NODE.nodeHeight / 2;
  const mid = (x1 + x2) / 2;
  return `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`;
}

function groupBoxes(nodes, positions) {
  const boxes = new Map();
  for (const node of nodes) {
    const p = positions.get(node.id);
    const box = boxes.get(node.group) || { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
    box.x0 = Math.min(box.x0, p.x);
    box.y0 = Math.min(box.y0, p.y);
    box.x1 = Math.max(box.x1, p.x + NODE.nodeWidth);
    box.y1 = Math.max(box.y1, p.y + NODE.nodeHeight);
    boxes.set(node.group, box);
  }
  return [...boxes].map(([group, b]) => s("g", {},
    s("rect", { class: "group-box", x: b.x0 - GROUP_PAD, y: b.y0 - GROUP_PAD - 18,
      width: b.x1 - b.x0 + 2 * GROUP_PAD, height: b.y1 - b.y0 + 2 * GROUP_PAD + 18, rx: 8 }),
    s("text", { class: "group-label", x: b.x0 - GROUP_PAD + 6, y: b.y0 - 14 }, group)));
}

function nodeClass(asset, id) {
  return `node ${statusClass(asset)}${state.selected.has(id) ? " selected" : ""}${
    asset.location_reload_failed ? " reload-failed" : ""}`;
}

/** Small marks at the node's right edge: checks (failed/warning/passed) and stale. */
function healthMarks(asset) {
  const marks = [];
  let x = NODE.nodeWidth - 10;
  if ((asset.stale_reasons || []).length) {
    marks.push(s("circle", { class: "mark mark-stale", cx: x, cy: 10, r: 5 },
      s("title", {}, asset.stale_reasons.join("\n"))));
    x -= 13;
  }
  if (asset.check_status) {
    marks.push(s("circle", { class: `mark mark-check-${asset.check_status}`, cx: x, cy: 10, r: 5 },
      s("title", {}, `checks ${asset.check_status}`)));
  }
  return marks;
}

function nodeElement(asset, id, p) {
  const label = keyText(asset.key);
  return s("g", {
    class: nodeClass(asset, id),
    transform: `translate(${p.x},${p.y})`, dataset: { id, key: label, location: asset.location },
  },
  s("title", {}, `${label} (${asset.location})${asset.description ? `\n${asset.description}` : ""}`),
  s("rect", { width: NODE.nodeWidth, height: NODE.nodeHeight, rx: 6 }),
  s("text", { x: 10, y: 23 }, shortLabel(label)),
  s("g", { class: "marks" }, healthMarks(asset)));
}

function draw() {
  const shown = state.assets.filter((a) => !state.location || a.location === state.location);
  const nodes = shown.map((asset) => ({
    id: nodeId(asset), group: `${asset.location} / ${asset.group || "default"}`,
  }));
  const edges = [];
  for (const asset of shown) {
    for (const dep of asset.deps || []) {
      edges.push([`${asset.location}\u0000${keyText(dep)}`, nodeId(asset)]);
    }
  }
  const layoutStart = performance.now();
  const layout = layeredLayout(nodes, edges, NODE);
  document.body.dataset.graphLayoutMs = String(performance.now() - layoutStart);
  const edgePaths = [];
  for (const [from, to] of edges) {
    const a = layout.positions.get(from);
    const b = layout.positions.get(to);
    if (a && b) edgePaths.push(`${edgePath(a, b)}`);
  }
  replace(state.viewport,
    s("g", { class: "groups" }, groupBoxes(nodes, layout.positions)),
    s("path", { class: "edge", d: edgePaths.join(" ") }),
    s("g", { class: "nodes" }, shown.map((asset) => {
      const id = nodeId(asset);
      return nodeElement(asset, id, layout.positions.get(id));
    })));
  document.getElementById("graph-empty").hidden = shown.length > 0;
  fit(layout.width, layout.height);
  requestAnimationFrame(() => {
    state.svg.dataset.rendered = String(shown.length);
    document.body.dataset.graphRenderedMs = String(performance.now());
  });
}

function refreshStatuses() {
  for (const node of state.viewport.querySelectorAll(".node")) {
    const asset = state.byId.get(node.dataset.id);
    if (!asset) continue;
    node.setAttribute("class", nodeClass(asset, node.dataset.id));
    replace(node.querySelector(".marks"), healthMarks(asset));
  }
}

function updateSelection() {
  document.getElementById("selected-count").textContent = `${state.selected.size} selected`;
  refreshStatuses();
}

async function load() {
  const assets = (await getJSON("/api/assets")).assets;
  state.assets = assets;
  state.byId = new Map(assets.map((asset) => [nodeId(asset), asset]));
  for (const id of state.selected) if (!state.byId.has(id)) state.selected.delete(id);
  const signature = assets.map((a) => `${nodeId(a)}>${(a.deps || []).map(keyText).join(",")}`)
    .join("|");
  const select = document.getElementById("graph-location");
  const locations = [...new Set(assets.map((a) => a.location))].sort();
  if (select.options.length !== locations.length + 1) {
    replace(select, h("option", { value: "" }, "All locations"),
      locations.map((name) => h("option", { value: name }, name)));
    select.value = state.location;
  }
  if (signature !== state.signature) {
    state.signature = signature;
    draw();
  } else {
    refreshStatuses();
  }
}

function onNodeClick(node, event) {
  const id = node.dataset.id;
  const selecting = event.shiftKey || document.getElementById("select-mode").checked;
  if (!selecting) {
    const asset = state.byId.get(id);
    window.location.assign(assetHref(asset.key, asset.location));
    return;
  }
  if (state.selected.has(id)) state.selected.delete(id);
  else state.selected.add(id);
  updateSelection();
}

function interact(svg) {
  let drag = null;
  svg.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    drag = { x: event.clientX, y: event.clientY, vx: state.view.x, vy: state.view.y, moved: false };
  });
  svg.addEventListener("pointermove", (event) => {
    if (!drag) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (!drag.moved && Math.hypot(dx, dy) < 4) return;
    if (!drag.moved) svg.setPointerCapture(event.pointerId);
    drag.moved = true;
    svg.classList.add("dragging");
    state.view.x = drag.vx + dx;
    state.view.y = drag.vy + dy;
    applyView();
  });
  svg.addEventListener("pointerup", (event) => {
    const wasDrag = drag && drag.moved;
    drag = null;
    svg.classList.remove("dragging");
    if (wasDrag) return;
    const node = event.target.closest && event.target.closest(".node");
    if (node) onNodeClick(node, event);
  });
  svg.addEventListener("wheel", (event) => {
    event.preventDefault();
    const box = svg.getBoundingClientRect();
    const px = event.clientX - box.left;
    const py = event.clientY - box.top;
    const factor = Math.exp(-event.deltaY * 0.0015);
    const k = Math.min(4, Math.max(0.01, state.view.k * factor));
    const ratio = k / state.view.k;
    state.view = { k, x: px - (px - state.view.x) * ratio, y: py - (py - state.view.y) * ratio };
    applyView();
  }, { passive: false });
}

startPage(async (container) => {
  setTitle("Asset graph");
  document.getElementById("main").classList.add("wide");
  state.viewport = s("g", { class: "viewport" });
  state.svg = s("svg", { id: "asset-graph", role: "img", "aria-label": "Asset graph" },
    state.viewport);
  interact(state.svg);
  const select = h("select", { id: "graph-location", "aria-label": "Location" });
  select.addEventListener("change", () => { state.location = select.value; draw(); });
  const materializeButton = action(h("button", { class: "primary materialize-selected" },
    "Materialize selected"), () => materialize([...state.selected].map((id) => state.byId.get(id))),
  "Launching…");
  const shownAssets = () => state.assets.filter((a) => !state.location || a.location === state.location);
  replace(container,
    h("div", { class: "toolbar" }, select,
      h("label", { class: "switch" }, h("input", { type: "checkbox", id: "select-mode" }),
        "Select mode (or shift-click)"),
      h("button", { onclick: () => { for (const a of shownAssets()) state.selected.add(nodeId(a));
        updateSelection(); } }, "Select all"),
      h("button", { onclick: () => { state.selected.clear(); updateSelection(); } }, "Clear"),
      h("span", { id: "selected-count", class: "muted" }, "0 selected"), materializeButton,
      h("span", { class: "spacer" }),
      h("div", { class: "legend" }, h("span", { class: "l-success" }, "materialized"),
        h("span", { class: "l-failure" }, "failed"), h("span", { class: "l-running" }, "running"),
        h("span", {}, "never")),
      h("a", { href: "/assets" }, "Catalog")),
    h("p", { id: "graph-empty", class: "muted", hidden: true }, "No assets."),
    h("div", { class: "graph-wrap" }, state.svg));
  await load();
  every(REFRESH_MS, load);
});
