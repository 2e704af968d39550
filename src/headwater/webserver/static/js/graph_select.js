// The asset selection syntax, evaluated in the browser over the asset list. Pure: no DOM.
//
//   key:raw_orders        the asset (a bare word means key: too; * is a wildcard)
//   +key:a  2+key:a       with one / two layers of upstream assets
//   key:a+  key:a+3       with one / three layers of downstream assets
//   key:raw_*             * is a wildcard in any value
//   group:x  tag:k  tag:k=v  kind:dbt  owner:me  code_location:loc
//   a or b, a b (either), a and b (both), not a, ( ... )

const ATTRIBUTES = new Set(["key", "group", "tag", "kind", "owner", "code_location",
  "location"]);
const MAX_DEPTH = 1e6;

export class SelectionError extends Error {}

function tokenize(text) {
  const tokens = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === "(" || c === ")" || c === ",") { tokens.push({ kind: c, at: i }); i++; continue; }
    let j = i;
    let quoted = false;
    while (j < text.length) {
      const d = text[j];
      if (d === '"') quoted = !quoted;
      else if (!quoted && (/\s/.test(d) || d === "(" || d === ")" || d === ",")) break;
      j++;
    }
    if (quoted) throw new SelectionError(`Unclosed quote starting at character ${i + 1}.`);
    const word = text.slice(i, j);
    const lower = word.toLowerCase();
    tokens.push(["and", "or", "not"].includes(lower) ? { kind: lower, at: i }
      : { kind: "atom", text: word, at: i });
    i = j;
  }
  return tokens;
}

const ATOM = /^(\d*\+)?(?:([a-z_]+):)?("[^"]*"|[^"]*?)(\+\d*)?$/i;

function parseAtom(token) {
  const match = ATOM.exec(token.text);
  if (!match || !match[3]) {
    throw new SelectionError(`Cannot read "${token.text}" at character ${token.at + 1}; ` +
      "write e.g. key:name, 2+key:name+1, group:name or tag:key=value.");
  }
  const [, up, attr = "key", rawValue, down] = match;
  const attribute = attr.toLowerCase();
  if (!ATTRIBUTES.has(attribute)) {
    throw new SelectionError(`Unknown attribute "${attr}" at character ${token.at + 1}; ` +
      `use one of ${[...ATTRIBUTES].join(", ")}.`);
  }
  const value = rawValue.startsWith('"') ? rawValue.slice(1, -1) : rawValue;
  const depth = (part) => {
    if (!part) return 0;
    const digits = part.replace("+", "");
    return digits ? Math.min(Number(digits), MAX_DEPTH) : 1;
  };
  return { kind: "atom", attribute, value, up: depth(up), down: depth(down) };
}

/** Parse `text` into a tree; throws SelectionError saying what and where. */
export function parseSelection(text) {
  const tokens = tokenize(text);
  let position = 0;
  const peek = () => tokens[position];
  const take = () => tokens[position++];
  function primary() {
    const token = take();
    if (!token) throw new SelectionError("The selection ends too early.");
    if (token.kind === "(") {
      const inner = orExpr();
      if (!peek() || peek().kind !== ")") {
        throw new SelectionError(`Missing ")" for the "(" at character ${token.at + 1}.`);
      }
      take();
      return inner;
    }
    if (token.kind === "not") return { kind: "not", of: primary() };
    if (token.kind !== "atom") {
      throw new SelectionError(`Unexpected "${token.kind}" at character ${token.at + 1}.`);
    }
    return parseAtom(token);
  }
  function andExpr() {
    let left = primary();
    while (peek() && peek().kind === "and") {
      take();
      left = { kind: "and", left, right: primary() };
    }
    return left;
  }
  function orExpr() {
    let left = andExpr();
    while (peek() && (peek().kind === "or" || peek().kind === "," || peek().kind === "atom" ||
        peek().kind === "(" || peek().kind === "not")) {
      if (peek().kind === "or" || peek().kind === ",") take();
      left = { kind: "or", left, right: andExpr() };
    }
    return left;
  }
  if (!tokens.length) return null;
  const tree = orExpr();
  if (position < tokens.length) {
    throw new SelectionError(`Unexpected "${tokens[position].text || tokens[position].kind}" ` +
      `at character ${tokens[position].at + 1}.`);
  }
  return tree;
}

function wildcard(pattern) {
  const escaped = pattern.split("*").map((part) => part.replace(/[.?^${}()|[\]\\/+]/g, "\\$&"));
  return new RegExp(`^${escaped.join(".*")}$`, "i");
}

function matchesAttribute(asset, attribute, value) {
  const pattern = wildcard(value);
  switch (attribute) {
    case "key": return pattern.test(asset.key.join("/"));
    case "group": return pattern.test(asset.group || "default");
    case "kind": return (asset.kinds || []).some((kind) => pattern.test(kind));
    case "owner": return (asset.owners || []).some((owner) => pattern.test(owner));
    case "code_location":
    case "location": return pattern.test(asset.location);
    case "tag": {
      const [name, tagValue] = value.split("=");
      const tags = asset.tags || {};
      return Object.entries(tags).some(([k, v]) => wildcard(name).test(k) &&
        (tagValue === undefined || wildcard(tagValue).test(v)));
    }
    default: return false;
  }
}

/** Ids within `depth` steps of `start` following `next(id) -> ids`. */
export function reach(start, next, depth) {
  const seen = new Set(start);
  let frontier = [...start];
  for (let level = 0; level < depth && frontier.length; level++) {
    const following = [];
    for (const id of frontier) {
      for (const n of next(id) || []) {
        if (!seen.has(n)) { seen.add(n); following.push(n); }
      }
    }
    frontier = following;
  }
  return seen;
}

/**
 * The ids of `assets` (items with `id`) that `text` selects; `graph` is {ups, downs}
 * (Map id -> ids). Null text selects everything. Throws SelectionError.
 */
export function evaluateSelection(text, assets, graph) {
  const tree = parseSelection(text || "");
  if (!tree) return new Set(assets.map((asset) => asset.id));
  const everything = assets.map((asset) => asset.id);
  function evaluate(node) {
    if (node.kind === "or") return new Set([...evaluate(node.left), ...evaluate(node.right)]);
    if (node.kind === "and") {
      const right = evaluate(node.right);
      return new Set([...evaluate(node.left)].filter((id) => right.has(id)));
    }
    if (node.kind === "not") {
      const excluded = evaluate(node.of);
      return new Set(everything.filter((id) => !excluded.has(id)));
    }
    const base = assets.filter((asset) => matchesAttribute(asset, node.attribute, node.value))
      .map((asset) => asset.id);
    const result = new Set(base);
    if (node.up) for (const id of reach(base, (id) => graph.ups.get(id), node.up)) result.add(id);
    if (node.down) {
      for (const id of reach(base, (id) => graph.downs.get(id), node.down)) result.add(id);
    }
    return result;
  }
  return evaluate(tree);
}
