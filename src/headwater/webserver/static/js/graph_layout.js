// Layered (Sugiyama-style) layout of a DAG: longest-path layering, then barycentre ordering
// within each layer, keeping each group's nodes together. Pure: no DOM.

const SWEEPS = 4;

/**
 * Lay out `nodes` ([{id, group}]) with `edges` ([[upstreamId, downstreamId]]).
 * Returns {positions: Map id -> {layer, order, x, y}, routes, width, height, layers}.
 * An edge that skips layers gets a thin virtual node in every layer it crosses, ordered with
 * the real ones, so it is routed through a free slot instead of across nodes: `routes` maps
 * "from\u0000to" to the y of each slot it passes (one per crossed layer, left to right).
 * Edges closing a cycle are ignored for layering; unknown ids are skipped.
 */
export function layeredLayout(nodes, edges, sizes = {}) {
  const nodeWidth = sizes.nodeWidth ?? 200;
  const nodeHeight = sizes.nodeHeight ?? 36;
  const gapX = sizes.gapX ?? 80;
  const gapY = sizes.gapY ?? 14;
  const laneHeight = sizes.laneHeight ?? 6;
  const index = new Map(nodes.map((node, i) => [node.id, i]));
  const ups = nodes.map(() => []);
  const downs = nodes.map(() => []);
  const pairs = [];
  for (const [from, to] of edges) {
    const a = index.get(from);
    const b = index.get(to);
    if (a === undefined || b === undefined || a === b) continue;
    ups[b].push(a);
    downs[a].push(b);
    pairs.push([a, b]);
  }
  const layer = assignLayers(nodes.length, ups, downs);
  const all = nodes.map((node) => ({ id: node.id, group: node.group, virtual: false }));
  const chains = addVirtualNodes(pairs, layer, all, ups, downs, sizes.maxVirtual ?? 40000);
  const sparse = [];
  layer.forEach((l, i) => (sparse[l] ||= []).push(i));
  const layers = sparse.filter(Boolean);
  orderLayers(layers, all, ups, downs);
  const heightOf = (i) => (all[i].virtual ? laneHeight : nodeHeight);
  const extent = layers.map((members) => members.reduce((sum, i) => sum + heightOf(i) + gapY,
    -gapY));
  const tallest = Math.max(0, ...extent);
  const positions = new Map();
  const slotY = new Float64Array(all.length);
  layers.forEach((members, l) => {
    let y = (tallest - extent[l]) / 2;
    members.forEach((i, order) => {
      slotY[i] = y + heightOf(i) / 2;
      if (!all[i].virtual) {
        positions.set(all[i].id, { layer: l, order, x: l * (nodeWidth + gapX), y });
      }
      y += heightOf(i) + gapY;
    });
  });
  const routes = new Map();
  for (const [key, chain] of chains) routes.set(key, chain.map((i) => slotY[i]));
  return {
    positions, routes, layers: layers.length,
    width: Math.max(0, layers.length * (nodeWidth + gapX) - gapX),
    height: Math.max(0, tallest),
  };
}

/** Split each edge spanning several layers into a chain through virtual nodes. */
function addVirtualNodes(pairs, layer, all, ups, downs, maxVirtual) {
  const chains = new Map();
  let added = 0;
  for (const [a, b] of pairs) {
    const span = layer[b] - layer[a];
    if (span <= 1 || added + span - 1 > maxVirtual) continue;
    ups[b].splice(ups[b].indexOf(a), 1);
    downs[a].splice(downs[a].indexOf(b), 1);
    const chain = [];
    let previous = a;
    for (let l = layer[a] + 1; l < layer[b]; l++) {
      const v = all.length;
      all.push({ id: `\u0001${all[a].id}\u0000${all[b].id}\u0000${l}`, group: all[b].group,
        virtual: true });
      layer.push(l);
      ups.push([previous]);
      downs.push([]);
      downs[previous].push(v);
      chain.push(v);
      previous = v;
      added++;
    }
    downs[previous].push(b);
    ups[b].push(previous);
    chains.set(`${all[a].id}\u0000${all[b].id}`, chain);
  }
  return chains;
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
