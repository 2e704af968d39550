// Layered (Sugiyama-style) layout of a DAG: longest-path layering, then barycentre ordering
// within each layer, keeping each group's nodes together. Pure: no DOM.

const SWEEPS = 4;

/**
 * Lay out `nodes` ([{id, group}]) with `edges` ([[upstreamId, downstreamId]]).
 * Returns {positions: Map id -> {layer, order, x, y}, routes, width, height, layers}.
 * An edge that skips layers gets a thin virtual node in every layer it crosses (shared by
 * the edges leaving the same node), ordered with the real ones, so it is routed through a
 * free slot instead of across nodes: `routes` maps
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
  const { chains, ups: allUps, downs: allDowns } = addVirtualNodes(pairs, layer, all,
    sizes.maxVirtual ?? 40000);
  const sparse = [];
  layer.forEach((l, i) => (sparse[l] ||= []).push(i));
  const layers = sparse.filter(Boolean);
  orderLayers(layers, all, allUps, allDowns);
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

/**
 * Route each edge spanning several layers through virtual nodes, one per crossed layer.
 * Edges leaving the same node share them (a trunk that the edges branch off), so a node
 * feeding thousands of later layers adds a handful of virtual nodes, not one per edge and
 * layer. Returns the chains and the adjacency rebuilt over real and virtual nodes.
 */
function addVirtualNodes(pairs, layer, all, maxVirtual) {
  const chains = new Map();
  const trunks = new Map();
  const links = [];
  let added = 0;
  for (const [a, b] of pairs) {
    const need = layer[b] - layer[a] - 1;
    const trunk = trunks.get(a) || [];
    if (need <= 0 || added + need - trunk.length > maxVirtual) {
      links.push(a, b);
      continue;
    }
    trunks.set(a, trunk);
    while (trunk.length < need) {
      const v = all.length;
      all.push({ id: null, group: all[a].group, virtual: true });
      layer.push(layer[a] + trunk.length + 1);
      links.push(trunk.length ? trunk[trunk.length - 1] : a, v);
      trunk.push(v);
      added++;
    }
    links.push(trunk[need - 1], b);
    chains.set(`${all[a].id}\u0000${all[b].id}`, trunk.slice(0, need));
  }
  const ups = all.map(() => []);
  const downs = all.map(() => []);
  for (let i = 0; i < links.length; i += 2) {
    downs[links[i]].push(links[i + 1]);
    ups[links[i + 1]].push(links[i]);
  }
  return { chains, ups, downs };
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
  const count = nodes.length;
  const position = new Float64Array(count);
  // Sort keys live in typed arrays indexed by node: comparators only read numbers (the
  // sorts below run over tens of thousands of real and virtual nodes per sweep).
  const names = [...new Set(nodes.map((node) => String(node.group)))].sort((a, b) =>
    a.localeCompare(b));
  const rankOf = new Map(names.map((name, rank) => [name, rank]));
  const group = new Int32Array(count);
  const tie = new Float64Array(count);
  const real = [];
  nodes.forEach((node, i) => {
    group[i] = rankOf.get(String(node.group));
    if (node.virtual) tie[i] = count + i;
    else real.push(i);
  });
  real.sort((a, b) => (nodes[a].id < nodes[b].id ? -1 : nodes[a].id > nodes[b].id ? 1 : 0))
    .forEach((i, rank) => { tie[i] = rank; });
  for (const members of layers) {
    members.sort((a, b) => group[a] - group[b] || tie[a] - tie[b]);
    members.forEach((i, order) => { position[i] = order / Math.max(1, members.length); });
  }
  const keys = { group, tie, bary: new Float64Array(count), primary: new Float64Array(count),
    sums: new Float64Array(names.length), counts: new Float64Array(names.length) };
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    const down = sweep % 2 === 0;
    const sequence = down ? layers.slice(1) : layers.slice(0, -1).reverse();
    for (const members of sequence) reorder(members, down ? ups : downs, position, keys);
  }
}

function reorder(members, neighbours, position, keys) {
  const { group, tie, bary, primary, sums, counts } = keys;
  for (const i of members) {
    const list = neighbours[i];
    let sum = 0;
    for (const n of list) sum += position[n];
    bary[i] = list.length ? sum / list.length : position[i];
    sums[group[i]] += bary[i];
    counts[group[i]] += 1;
  }
  // Keep groups together: order groups by their mean barycentre, then nodes within a group.
  for (const i of members) primary[i] = sums[group[i]] / counts[group[i]] + group[i] * 1e-9;
  for (const i of members) {
    sums[group[i]] = 0;
    counts[group[i]] = 0;
  }
  members.sort((a, b) => primary[a] - primary[b] || bary[a] - bary[b] || tie[a] - tie[b]);
  members.forEach((i, order) => { position[i] = order / Math.max(1, members.length); });
}
