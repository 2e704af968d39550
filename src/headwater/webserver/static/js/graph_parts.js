// Pieces of the asset graph page: collapsed group nodes, node detail text and the
// upstream/downstream maps the selection syntax walks (edge geometry is in graph_view.js).

import { keyText, s } from "./dom.js";

/** "location / group": what the graph groups (and collapses) by. */
export function groupOf(asset) {
  return `${asset.location} / ${asset.group || "default"}`;
}

/** The second line of a node, shown when zoomed in: latest materialization, checks, kind. */
export function detailText(asset, relative) {
  const parts = [];
  const latest = asset.latest_materialization;
  parts.push(latest ? `materialized ${relative(latest.timestamp)}` : "never materialized");
  const checks = asset.checks || [];
  if (checks.length) {
    const passed = checks.filter((check) => check.passed === true).length;
    parts.push(`checks ${passed}/${checks.length}`);
  }
  if (asset.partitioned) parts.push("partitioned");
  return parts.join(" · ");
}

/** One node standing for a collapsed group; clicking its label expands it. */
export function collapsedNode(group, members, p, size) {
  const failed = members.filter((asset) => asset.latest_run_status === "FAILURE").length;
  const running = members.filter((asset) => asset.in_progress).length;
  const state = failed ? "st-failure" : running ? "st-running" : "st-none";
  const summary = [`${members.length} assets`, failed ? `${failed} failed` : null,
    running ? `${running} running` : null].filter(Boolean).join(" · ");
  return s("g", { class: `node group-node ${state}`, transform: `translate(${p.x},${p.y})`,
    dataset: { group, count: String(members.length) } },
  s("rect", { width: size.nodeWidth, height: size.nodeHeight, rx: 6 }),
  s("text", { x: 10, y: 19, class: "group-toggle", dataset: { group } },
    `▸ ${group.split(" / ").pop()}`, s("title", {}, `Expand ${group}`)),
  s("text", { x: 10, y: 35, class: "group-summary" }, summary));
}

/**
 * Give each asset its node `id` and `depIds` (computed once per load, read by every redraw)
 * and return {items, ups, downs}: the selection items and id -> upstream / downstream ids.
 */
export function graphMaps(assets, nodeId) {
  const ups = new Map();
  const downs = new Map();
  for (const asset of assets) {
    const id = nodeId(asset);
    asset.id = id;
    asset.depIds = (asset.deps || []).map((dep) => `${asset.location}\u0000${keyText(dep)}`);
    if (asset.depIds.length) ups.set(id, asset.depIds);
    for (const depId of asset.depIds) {
      if (!downs.has(depId)) downs.set(depId, []);
      downs.get(depId).push(id);
    }
  }
  return { items: assets, ups, downs };
}
