// The last asset-graph layout, kept in localStorage under a hash of everything it depends
// on (node ids and groups, edges, sizes): reloading the page, or coming back to it, skips
// the layout of thousands of nodes. One entry, so the cache never grows.

const STORAGE_KEY = "headwater:graph-layout";

/** A 53-bit string hash (cyrb53): cheap, well spread, good enough for a cache key. */
function hash(text) {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

function read(key) {
  try {
    const stored = JSON.parse(window.localStorage.getItem(STORAGE_KEY) || "null");
    return stored && stored.key === key ? stored : null;
  } catch {
    return null;
  }
}

function write(entry) {
  try {
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify(entry));
  } catch {
    // Storage full or disabled: the layout is simply computed again next time.
  }
}

/**
 * `layout(nodes, edges, sizes)`, or the stored result of the same call. Returns the layout
 * with `cached: true` when it came from storage.
 */
export function cachedLayout(layout, nodes, edges, sizes) {
  const key = hash(`${JSON.stringify(sizes)}\u0003${
    nodes.map((node) => `${node.id}\u0002${node.group}`).join("\u0001")}\u0003${
    edges.map(([from, to]) => `${from}\u0002${to}`).join("\u0001")}`);
  const stored = read(key);
  if (stored) {
    const positions = new Map();
    nodes.forEach((node, i) => {
      const [x, y, layer, order] = stored.positions.slice(4 * i, 4 * i + 4);
      positions.set(node.id, { x, y, layer, order });
    });
    const routes = new Map();
    stored.routes.forEach(([index, lanes]) => {
      const [from, to] = edges[index];
      routes.set(`${from}\u0000${to}`, lanes);
    });
    return { positions, routes, width: stored.width, height: stored.height,
      layers: stored.layers, cached: true };
  }
  const result = layout(nodes, edges, sizes);
  const positions = [];
  for (const node of nodes) {
    const p = result.positions.get(node.id);
    positions.push(p.x, p.y, p.layer, p.order);
  }
  const routes = [];
  edges.forEach(([from, to], index) => {
    const lanes = result.routes.get(`${from}\u0000${to}`);
    if (lanes) routes.push([index, lanes.map((y) => Math.round(y * 10) / 10)]);
  });
  write({ key, positions, routes, width: result.width, height: result.height,
    layers: result.layers });
  return result;
}
