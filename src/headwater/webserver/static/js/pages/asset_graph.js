// Asset graph: layered lineage per location, grouped by group, coloured by status and health.
// Click opens an asset; shift-click (or "select mode") selects; wheel zooms; drag pans.
// A selection box takes the selection syntax (key:a+, group:x, tag:k=v, ...), search
// highlights and jumps to matches, "Focus" shows one asset with its upstream/downstream
// depth, group labels collapse a group into one node; zoomed in, nodes show details.

import { getJSON } from "../api.js";
import { assetHref, formatRelative, h, keyText, replace, s } from "../dom.js";
import { action, every, setTitle, startPage } from "../layout.js";
import { layeredLayout } from "../graph_layout.js";
import { materialize } from "../materialize.js";
import {
  collapsedNode, detailText, edgePath, graphMaps, groupOf, routedPath,
} from "../graph_parts.js";
import { evaluateSelection, SelectionError } from "../graph_select.js";

const NODE = { nodeWidth: 200, nodeHeight: 44, gapX: 80, gapY: 14 };
const DETAIL_ZOOM = 0.8;
const FAR_ZOOM = 0.3;
const GROUP_PAD = 12;
const REFRESH_MS = 5000;
const params = new URLSearchParams(window.location.search);
const state = {
  assets: [], byId: new Map(), selected: new Set(), location: "", signature: "",
  view: { x: 20, y: 20, k: 1 }, svg: null, viewport: null, maps: null,
  query: params.get("select") || "", collapsed: new Set(params.getAll("collapsed")),
  search: "", matches: [], matchIndex: -1, positions: new Map(), currentId: "",
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
  state.svg.classList.toggle("zoomed-in", k >= DETAIL_ZOOM);
  if (k >= DETAIL_ZOOM && state.lazyDetails) addDetails();
  state.svg.classList.toggle("far", k < FAR_ZOOM);
}

function fit(width, height) {
  const box = state.svg.getBoundingClientRect();
  const k = Math.min(1.2, Math.max(0.02, Math.min((box.width - 40) / Math.max(1, width),
    (box.height - 40) / Math.max(1, height))));
  state.view = { k, x: (box.width - width * k) / 2, y: Math.max(20, (box.height - height * k) / 2) };
  applyView();
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
  return [...boxes].map(([group, b]) => s("g", { class: "group", dataset: { group } },
    s("rect", { class: "group-box", x: b.x0 - GROUP_PAD, y: b.y0 - GROUP_PAD - 18,
      width: b.x1 - b.x0 + 2 * GROUP_PAD, height: b.y1 - b.y0 + 2 * GROUP_PAD + 18, rx: 8 }),
    s("text", { class: "group-label group-toggle", x: b.x0 - GROUP_PAD + 6, y: b.y0 - 14,
      dataset: { group } }, `▾ ${group}`, s("title", {}, "Collapse this group"))));
}

function nodeClass(asset, id) {
  return `node ${statusClass(asset)}${state.selected.has(id) ? " selected" : ""}${
    asset.location_reload_failed ? " reload-failed" : ""}${
    state.matches.includes(id) ? " match" : ""}${state.currentId === id ? " current" : ""}`;
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
  s("rect", { width: NODE.nodeWidth, height: NODE.nodeHeight, rx: 6 }),
  s("text", { x: 10, y: 19 }, shortLabel(label)),
  state.lazyDetails ? null
    : s("text", { class: "detail", x: 10, y: 35 }, detailText(asset, formatRelative)),
  s("g", { class: "marks" }, healthMarks(asset)));
}

function visibleAssets() {
  const inLocation = state.assets.filter((a) => !state.location || a.location === state.location);
  const error = document.getElementById("selection-error");
  try {
    const chosen = evaluateSelection(state.query, state.maps.items, state.maps);
    error.hidden = true;
    return inLocation.filter((asset) => chosen.has(nodeId(asset)));
  } catch (problem) {
    if (!(problem instanceof SelectionError)) throw problem;
    error.textContent = problem.message;
    error.hidden = false;
    return inLocation;
  }
}

function keepStateInUrl() {
  const next = new URL(window.location.href);
  next.searchParams.delete("select");
  next.searchParams.delete("collapsed");
  if (state.query) next.searchParams.set("select", state.query);
  for (const group of state.collapsed) next.searchParams.append("collapsed", group);
  window.history.replaceState(null, "", next);
}

// Big graphs draw without the second line of text (a quarter of their DOM) and add it the
// first time the view is zoomed in far enough to read it.
const LAZY_DETAILS = 800;

function addDetails() {
  state.lazyDetails = false;
  for (const node of state.viewport.querySelectorAll(".node[data-key]")) {
    const asset = state.byId.get(node.dataset.id);
    if (asset && !node.querySelector(".detail")) {
      node.insertBefore(s("text", { class: "detail", x: 10, y: 35 },
        detailText(asset, formatRelative)), node.querySelector(".marks"));
    }
  }
}

function draw() {
  const shown = visibleAssets();
  state.lazyDetails = shown.length > LAZY_DETAILS;
  const represent = new Map();
  const nodes = [];
  const groups = new Map();
  for (const asset of shown) {
    const group = groupOf(asset);
    const id = nodeId(asset);
    if (state.collapsed.has(group)) {
      const groupId = `group\u0000${group}`;
      if (!groups.has(group)) {
        groups.set(group, []);
        nodes.push({ id: groupId, group, collapsed: true });
      }
      groups.get(group).push(asset);
      represent.set(id, groupId);
    } else {
      nodes.push({ id, group });
      represent.set(id, id);
    }
  }
  const edges = [];
  const seenEdges = new Set();
  for (const asset of shown) {
    const to = represent.get(nodeId(asset));
    for (const dep of asset.deps || []) {
      const from = represent.get(`${asset.location}\u0000${keyText(dep)}`);
      const edgeKey = `${from}\u0000${to}`;
      if (from === undefined || from === to || seenEdges.has(edgeKey)) continue;
      seenEdges.add(edgeKey);
      edges.push([from, to]);
    }
  }
  const layoutStart = performance.now();
  const layout = layeredLayout(nodes, edges, NODE);
  document.body.dataset.graphLayoutMs = String(performance.now() - layoutStart);
  state.positions = layout.positions;
  const edgePaths = [];
  for (const [from, to] of edges) {
    const a = layout.positions.get(from);
    const b = layout.positions.get(to);
    if (!a || !b) continue;
    const lanes = layout.routes.get(`${from}\u0000${to}`);
    edgePaths.push(lanes ? routedPath(a, b, lanes, NODE) : edgePath(a, b, NODE));
  }
  const expanded = nodes.filter((node) => !node.collapsed);
  replace(state.viewport,
    s("g", { class: "groups" }, groupBoxes(expanded, layout.positions)),
    s("path", { class: "edge", d: edgePaths.join(" ") }),
    s("g", { class: "nodes" }, shown.filter((asset) => !state.collapsed.has(groupOf(asset)))
      .map((asset) => {
        const id = nodeId(asset);
        return nodeElement(asset, id, layout.positions.get(id));
      }),
    [...groups].map(([group, members]) => collapsedNode(group, members,
      layout.positions.get(`group\u0000${group}`), NODE))));
  document.getElementById("graph-empty").hidden = shown.length > 0;
  document.getElementById("graph-count").textContent =
    `${shown.length} of ${state.assets.length} assets`;
  fit(layout.width, layout.height);
  applySearch(false);
  keepStateInUrl();
  requestAnimationFrame(() => {
    state.svg.dataset.rendered = String(shown.length);
    document.body.dataset.graphRenderedMs = String(performance.now());
  });
}

function applySearch(jump) {
  const text = state.search.trim().toLowerCase();
  state.matches = [];
  for (const node of state.viewport.querySelectorAll(".node[data-key]")) {
    const hit = Boolean(text) && node.dataset.key.toLowerCase().includes(text);
    node.classList.toggle("match", hit);
    if (hit) state.matches.push(node.dataset.id);
  }
  document.getElementById("search-count").textContent = text
    ? `${state.matches.length} match${state.matches.length === 1 ? "" : "es"}` : "";
  if (jump && state.matches.length) {
    state.matchIndex = (state.matchIndex + 1) % state.matches.length;
    centerOn(state.matches[state.matchIndex]);
  }
}

function centerOn(id) {
  const p = state.positions.get(id);
  if (!p) return;
  const box = state.svg.getBoundingClientRect();
  const k = Math.max(state.view.k, 1);
  state.view = { k, x: box.width / 2 - (p.x + NODE.nodeWidth / 2) * k,
    y: box.height / 2 - (p.y + NODE.nodeHeight / 2) * k };
  applyView();
  for (const node of state.viewport.querySelectorAll(".node.current")) {
    node.classList.remove("current");
  }
  state.currentId = id;
  const node = [...state.viewport.querySelectorAll(".node[data-key]")]
    .find((candidate) => candidate.dataset.id === id);
  if (node) node.classList.add("current");
}

function setQuery(text) {
  state.query = text;
  document.getElementById("graph-selection").value = text;
  draw();
}

function focusQuery() {
  const id = state.matches[Math.max(0, state.matchIndex)];
  const asset = id && state.byId.get(id);
  if (!asset) return null;
  const up = Number(document.getElementById("focus-up").value) || 0;
  const down = Number(document.getElementById("focus-down").value) || 0;
  return `${up ? `${up}+` : ""}key:"${keyText(asset.key)}"${down ? `+${down}` : ""}`;
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
  state.maps = graphMaps(assets, nodeId);
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
    const toggle = event.target.closest &&
      (event.target.closest(".group-toggle") || event.target.closest(".group-node"));
    if (toggle) {
      const group = toggle.dataset.group;
      if (state.collapsed.has(group)) state.collapsed.delete(group);
      else state.collapsed.add(group);
      draw();
      return;
    }
    const node = event.target.closest && event.target.closest(".node[data-key]");
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
  const selection = h("input", { type: "search", id: "graph-selection", value: state.query,
    placeholder: "Selection: key:a+, 2+group:x, tag:k=v, not kind:dbt",
    "aria-label": "Asset selection", class: "selection-box" });
  selection.addEventListener("keydown", (event) => {
    if (event.key === "Enter") setQuery(selection.value.trim());
  });
  selection.addEventListener("search", () => setQuery(selection.value.trim()));
  const search = h("input", { type: "search", id: "graph-search", placeholder: "Search (Enter: next)",
    "aria-label": "Search assets in the graph" });
  search.addEventListener("input", () => {
    state.search = search.value;
    state.matchIndex = -1;
    applySearch(false);
  });
  search.addEventListener("keydown", (event) => {
    if (event.key === "Enter") applySearch(true);
  });
  const depth = (id, label) => h("input", { type: "number", id, min: 0, max: 99, value: 1,
    class: "depth", "aria-label": label });
  const focusButton = h("button", { id: "graph-focus", onclick: () => {
    if (state.matchIndex < 0) applySearch(true);
    const query = focusQuery();
    if (query) setQuery(query);
  } }, "Focus");
  const allGroups = () => [...new Set(state.assets.map(groupOf))];
  replace(container,
    h("div", { class: "toolbar" }, selection,
      h("button", { onclick: () => setQuery(selection.value.trim()) }, "Apply"),
      h("button", { id: "graph-show-all", onclick: () => setQuery("") }, "Show all"),
      search, h("span", { id: "search-count", class: "muted" }),
      h("label", {}, "up ", depth("focus-up", "Upstream depth")),
      h("label", {}, "down ", depth("focus-down", "Downstream depth")), focusButton,
      h("button", { id: "collapse-all", onclick: () => {
        state.collapsed = new Set(allGroups());
        draw();
      } }, "Collapse groups"),
      h("button", { id: "expand-all", onclick: () => {
        state.collapsed.clear();
        draw();
      } }, "Expand groups"),
      h("span", { id: "graph-count", class: "muted" })),
    h("p", { id: "selection-error", class: "errors", hidden: true }),
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
