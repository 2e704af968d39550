// Asset graph: layered lineage per location, grouped by group, coloured by status and health.
// Click opens an asset; shift-click (or "select mode") selects; wheel zooms; drag pans.
// A selection box takes the selection syntax (key:a+, group:x, tag:k=v, ...), search
// highlights and jumps to matches, "Focus" shows one asset with its upstream/downstream
// depth, group labels collapse a group into one node; zoomed in, nodes show details.
// Drawing is graph_view.js's: only what is in view, big views painted on a canvas.

import { getJSON } from "../api.js";
import { assetHref, formatRelative, h, keyText, replace, s } from "../dom.js";
import { action, every, setTitle, startPage } from "../layout.js";
import { layeredLayout } from "../graph_layout.js";
import { cachedLayout } from "../layout_cache.js";
import { materialize } from "../materialize.js";
import { collapsedNode, detailText, graphMaps, groupOf } from "../graph_parts.js";
import { edgeGeometry, GraphView, groupBoxes, STATUS_COLOURS } from "../graph_view.js";
import { evaluateSelection, SelectionError } from "../graph_select.js";

const NODE = { nodeWidth: 200, nodeHeight: 44, gapX: 80, gapY: 14 };
const GROUP_PAD = 12;
const REFRESH_MS = 5000;
const GROUP_PREFIX = "group\u0000";
const params = new URLSearchParams(window.location.search);
const state = {
  assets: [], byId: new Map(), selected: new Set(), location: "", signature: "",
  view: null, maps: null, groupMembers: new Map(), expandedIds: [],
  query: params.get("select") || "", collapsed: new Set(params.getAll("collapsed")),
  search: "", matches: [], matchSet: new Set(), matchIndex: -1, currentId: "",
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

/** Group boxes (painted on the canvas) and their labels (SVG: a click collapses the group). */
function groupLabels(nodes, positions) {
  return groupBoxes(nodes, positions, NODE, GROUP_PAD, (node) => node.group,
    (group, x, y) => s("g", { class: "group", dataset: { group } },
      s("text", { class: "group-label group-toggle", x, y, dataset: { group } },
        `▾ ${group}`, s("title", {}, "Collapse this group"))));
}

function nodeClass(asset, id) {
  return `node ${statusClass(asset)}${state.selected.has(id) ? " selected" : ""}${
    asset.location_reload_failed ? " reload-failed" : ""}${
    state.matchSet.has(id) ? " match" : ""}${state.currentId === id ? " current" : ""}`;
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

function nodeElement(asset, id, p, detailed) {
  const label = keyText(asset.key);
  return s("g", {
    class: nodeClass(asset, id),
    transform: `translate(${p.x},${p.y})`, dataset: { id, key: label, location: asset.location },
  },
  s("rect", { width: NODE.nodeWidth, height: NODE.nodeHeight, rx: 6 }),
  s("text", { x: 10, y: 19 }, shortLabel(label)),
  detailed ? s("text", { class: "detail", x: 10, y: 35 }, detailText(asset, formatRelative))
    : null,
  s("g", { class: "marks" }, healthMarks(asset)));
}

/** The SVG of node `id` (an asset or a collapsed group), built when it scrolls into view. */
function renderNode(id, detailed) {
  const p = state.view.positions.get(id);
  if (id.startsWith(GROUP_PREFIX)) {
    const group = id.slice(GROUP_PREFIX.length);
    return collapsedNode(group, state.groupMembers.get(group) || [], p, NODE);
  }
  return nodeElement(state.byId.get(id), id, p, detailed);
}

/** Fill and stroke of a node painted on the canvas (a big graph zoomed out). */
function paintStyle(id) {
  if (id.startsWith(GROUP_PREFIX)) return ["#f0f2f5", "#8c959f"];
  if (state.matchSet.has(id) || state.currentId === id) return STATUS_COLOURS.match;
  if (state.selected.has(id)) return STATUS_COLOURS.selected;
  return STATUS_COLOURS[statusClass(state.byId.get(id))];
}

function visibleAssets() {
  const inLocation = state.assets.filter((a) => !state.location || a.location === state.location);
  const error = document.getElementById("selection-error");
  try {
    const chosen = evaluateSelection(state.query, state.maps.items, state.maps);
    error.hidden = true;
    return inLocation.filter((asset) => chosen.has(asset.id));
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

function draw() {
  const shown = visibleAssets();
  const represent = new Map();
  const nodes = [];
  const groups = new Map();
  for (const asset of shown) {
    const group = groupOf(asset);
    const id = asset.id;
    if (state.collapsed.has(group)) {
      const groupId = `${GROUP_PREFIX}${group}`;
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
    const to = represent.get(asset.id);
    for (const depId of asset.depIds) {
      const from = represent.get(depId);
      const edgeKey = `${from}\u0000${to}`;
      if (from === undefined || from === to || seenEdges.has(edgeKey)) continue;
      seenEdges.add(edgeKey);
      edges.push([from, to]);
    }
  }
  const layoutStart = performance.now();
  const layout = cachedLayout(layeredLayout, nodes, edges, NODE);
  document.body.dataset.graphLayoutMs = String(performance.now() - layoutStart);
  document.body.dataset.graphLayoutCached = String(Boolean(layout.cached));
  const lines = [];
  for (const [from, to] of edges) {
    const a = layout.positions.get(from);
    const b = layout.positions.get(to);
    if (!a || !b) continue;
    lines.push({ points: edgeGeometry(a, b, layout.routes.get(`${from}\u0000${to}`), NODE) });
  }
  const expanded = nodes.filter((node) => !node.collapsed);
  state.groupMembers = groups;
  state.expandedIds = expanded.map((node) => node.id);
  const { rects, labels } = groupLabels(expanded, layout.positions);
  computeMatches();
  state.view.setGraph({ ids: nodes.map((node) => node.id), positions: layout.positions,
    edges: lines, boxes: rects, overlay: labels, width: layout.width, height: layout.height });
  document.getElementById("graph-empty").hidden = shown.length > 0;
  document.getElementById("graph-count").textContent =
    `${shown.length} of ${state.assets.length} assets`;
  state.view.fit();
  keepStateInUrl();
  requestAnimationFrame(() => {
    state.view.svg.dataset.rendered = String(shown.length);
    document.body.dataset.graphRenderedMs = String(performance.now());
  });
}

/** Matches of the search text among the shown (expanded) assets, searched in the data. */
function computeMatches() {
  const text = state.search.trim().toLowerCase();
  state.matches = text ? state.expandedIds.filter((id) =>
    keyText(state.byId.get(id).key).toLowerCase().includes(text)) : [];
  state.matchSet = new Set(state.matches);
  document.getElementById("search-count").textContent = text
    ? `${state.matches.length} match${state.matches.length === 1 ? "" : "es"}` : "";
}

function applySearch(jump) {
  computeMatches();
  if (jump && state.matches.length) {
    state.matchIndex = (state.matchIndex + 1) % state.matches.length;
    centerOn(state.matches[state.matchIndex]);
  } else {
    state.view.refresh();
  }
}

function centerOn(id) {
  state.currentId = id;
  state.view.centerOn(id);
  state.view.refresh();
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

function updateSelection() {
  document.getElementById("selected-count").textContent = `${state.selected.size} selected`;
  state.view.refresh();
}

async function load() {
  const assets = (await getJSON("/api/assets")).assets;
  state.assets = assets;
  state.maps = graphMaps(assets, nodeId);
  state.byId = new Map(assets.map((asset) => [asset.id, asset]));
  for (const id of state.selected) if (!state.byId.has(id)) state.selected.delete(id);
  const signature = assets.map((a) => `${a.id}>${a.depIds.join(",")}`).join("|");
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
    state.view.refresh();
  }
}

function toggleGroup(group) {
  if (state.collapsed.has(group)) state.collapsed.delete(group);
  else state.collapsed.add(group);
  draw();
}

function onNode(id, event) {
  if (id.startsWith(GROUP_PREFIX)) {
    toggleGroup(id.slice(GROUP_PREFIX.length));
    return;
  }
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

function onBackground(event) {
  const toggle = event.target.closest &&
    (event.target.closest(".group-toggle") || event.target.closest(".group-node"));
  if (!toggle) return false;
  toggleGroup(toggle.dataset.group);
  return true;
}

startPage(async (container) => {
  setTitle("Asset graph");
  document.getElementById("main").classList.add("wide");
  state.view = new GraphView({ size: NODE, renderNode, paintStyle, onNode, onBackground,
    svg: { id: "asset-graph", role: "img", "aria-label": "Asset graph" } });
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
      h("button", { onclick: () => { for (const a of shownAssets()) state.selected.add(a.id);
        updateSelection(); } }, "Select all"),
      h("button", { onclick: () => { state.selected.clear(); updateSelection(); } }, "Clear"),
      h("span", { id: "selected-count", class: "muted" }, "0 selected"), materializeButton,
      h("span", { class: "spacer" }),
      h("div", { class: "legend" }, h("span", { class: "l-success" }, "materialized"),
        h("span", { class: "l-failure" }, "failed"), h("span", { class: "l-running" }, "running"),
        h("span", {}, "never")),
      h("a", { href: "/assets" }, "Catalog")),
    h("p", { id: "graph-empty", class: "muted", hidden: true }, "No assets."),
    state.view.element);
  await load();
  every(REFRESH_MS, load);
});
