// Layered (Sugiyama-style) layout of a DAG: longest-path layering, then barycentre ordering
// within each layer, keeping each group's nodes together. Pure: no DOM.

const SWEEPS = 4;

/**
 * Lay out `nodes` ([{id, group}]) with `edges` ([[upstreamId, downstreamId]]).
 * Returns {positions: Map id -> {layer, order, x, y}, width, height, layers}.
 * Edges closing a cycle are ignored for layering; unknown ids are skipped.
 */
export function layeredLayout(nodes, edges, sizes = {}) {
  const nodeWidth = sizes.nodeWidth ?? 200;
  const nodeHeight = sizes.nodeHeight ?? 36;
  const gapX = sizes.gapX ?? 80;
  const gapY = sizes.gapY ?? 14;
  const index = new Map(nodes.map((node, i) => [node.id, i]));
  const ups = nodes.map(() => []);
  const downs = nodes.map(() => []);
  for (const [from, to] of edges) {
    const a = index.get(from);
    const b = index.get(to);
    if (a === undefined || b === undefined || a === b) continue;
    ups[b].push(a);
    downs[a].push(b);
  }
  const layer = assignLayers(nodes.length, ups, downs);
  const sparse = [];
  layer.forEach((l, i) => (sparse[l] ||= []).push(i));
  const layers = sparse.filter(Boolean);
  orderLayers(layers, nodes, ups, downs);
  const tallest = Math.max(0, ...layers.map((members) => members.length));
  const positions = new Map();
  layers.forEach((members, l) => {
    const offset = ((tallest - members.length) * (nodeHeight + gapY)) / 2;
    members.forEach((i, order) => {
      positions.set(nodes[i].id, {
        layer: l, order, x: l * (nodeWidth + gapX), y: offset + order * (nodeHeight + gapY),
      });
    });
  });
  return {
    positions, layers: layers.length,
    width: Math.max(0, layers.length * (nodeWidth + gapX) - gapX),
    height: Math.max(0, tallest * (nodeHeight + gapY) - gapY),
  };
}

/** Longest path from the sources (Kahn's order); nodes left on a cycle get their own layer. */
function assignLayers(count, ups, downs) {
  const layer = new Array(count).fill(0);
  const pending = ups.map((list) => list.length);
  const queue = [];
  for (let i = 0; i < count; i++) if (pending[i] === 0) queue.push(i);
  let visited = 0;
  for (let head = 0; head < queue.length; head++) {
    const i = queue[head];
    visited++;
    for (const d of downs[i]) {
      layer[d] = Math.max(layer[d], layer[i] + 1);
      if (--pending[d] === 0) queue.push(d);
    }
  }
  if (visited < count) {
    // A cycle: place the remaining nodes after everything already layered.
    const next = Math.max(0, ...layer) + 1;
    for (let i = 0; i < count; i++) if (pending[i] > 0) layer[i] = next;
  }
  return layer;
}

function orderLayers(layers, nodes, ups, downs) {
  const position = new Float64Array(nodes.length);
  const groupRank = new Map();
  for (const node of nodes) if (!groupRank.has(node.group)) groupRank.set(node.group, 0);
  [...groupRank.keys()].sort((a, b) => String(a).localeCompare(String(b)))
    .forEach((group, rank) => groupRank.set(group, rank));
  for (const members of layers) {
    members.sort((a, b) => groupRank.get(nodes[a].group) - groupRank.get(nodes[b].group) ||
      (nodes[a].id < nodes[b].id ? -1 : 1));
    members.forEach((i, order) => { position[i] = order / Math.max(1, members.length); });
  }
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    const down = sweep % 2 === 0;
    const sequence = down ? layers.slice(1) : layers.slice(0, -1).reverse();
    for (const members of sequence) {
      reorder(members, down ? ups : downs, position, nodes, groupRank);
    }
  }
}

function reorder(members, neighbours, position, nodes, groupRank) {
  const bary = new Map();
  for (const i of members) {
    const list = neighbours[i];
    let sum = 0;
    for (const n of list) sum += position[n];
    bary.set(i, list.length ? sum / list.length : position[i]);
  }
  // Keep groups together: order groups by their mean barycentre, then nodes within a group.
  const groupSum = new Map();
  for (const i of members) {
    const g = nodes[i].group;
    const [total, count] = groupSum.get(g) || [0, 0];
    groupSum.set(g, [total + bary.get(i), count + 1]);
  }
  const groupKey = (i) => {
    const [total, count] = groupSum.get(nodes[i].group);
    return total / count + groupRank.get(nodes[i].group) * 1e-9;
  };
  members.sort((a, b) => groupKey(a) - groupKey(b) || bary.get(a) - bary.get(b) ||
    (nodes[a].id < nodes[b].id ? -1 : 1));
  members.forEach((i, order) => { position[i] = order / Math.max(1, members.length); });
}
