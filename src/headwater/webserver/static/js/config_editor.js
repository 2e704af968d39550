// The launchpad's run config editor: YAML (or JSON, detected by a leading "{"), scaffolded
// from the job's default config or schema, checked against the schema as you type with each
// error marked at its line in a gutter, and the keys allowed where the cursor is offered
// for completion. Parsing uses the vendored "yaml" package (see scripts/vendor-yaml).

import { LineCounter, parseDocument, stringify } from "../vendor/yaml/index.js";
import { h, replace } from "./dom.js";
import { validate } from "./schema.js";

function resolve(schema, root) {
  let current = schema || {};
  for (let i = 0; i < 20 && current.$ref; i++) {
    const parts = current.$ref.replace(/^#\//, "").split("/");
    current = parts.reduce((node, part) => (node ? node[part] : undefined), root) || {};
  }
  return current;
}

function pathParts(path) {
  if (!path || path === "(root)") return [];
  return path.split(".").flatMap((part) => {
    const pieces = [];
    const name = part.replace(/\[(\d+)\]/g, (_, index) => { pieces.push(Number(index)); return ""; });
    return [name, ...pieces].filter((piece) => piece !== "");
  });
}

/** The 1-based line of the node at `path` (the deepest part of it that exists). */
function lineOf(doc, counter, path) {
  const parts = pathParts(path);
  for (let n = parts.length; n >= 0; n--) {
    const node = n ? doc.getIn(parts.slice(0, n), true) : doc.contents;
    if (node && node.range) {
      // A key's line: ask for the pair when the value starts on a later line.
      const pair = n && doc.getIn(parts.slice(0, n - 1), true);
      const item = pair && pair.items && pair.items.find((p) => p.key && p.key.value === parts[n - 1]);
      const offset = item && item.key && item.key.range ? item.key.range[0] : node.range[0];
      return counter.linePos(offset).line;
    }
  }
  return 1;
}

function jsonError(text, error) {
  const match = /position (\d+)/.exec(error.message);
  const offset = match ? Number(match[1]) : 0;
  return { line: text.slice(0, offset).split("\n").length, path: "run config",
    message: `not valid JSON: ${error.message}` };
}

/** Parse and check `text`: {value, errors: [{line, path, message}], doc, counter}. */
export function checkConfig(text, schema) {
  const counter = new LineCounter();
  if (!text.trim()) return { value: {}, errors: [], doc: null, counter };
  const isJson = text.trimStart().startsWith("{");
  if (isJson) {
    try {
      JSON.parse(text);
    } catch (error) {
      return { value: null, errors: [jsonError(text, error)], doc: null, counter };
    }
  }
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  if (doc.errors.length) {
    return { value: null, doc: null, counter, errors: doc.errors.map((error) => ({
      line: error.linePos ? error.linePos[0].line : 1, path: "run config",
      message: `not valid YAML: ${error.message.split("\n")[0]}` })) };
  }
  const value = doc.toJS();
  const errors = [];
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    errors.push({ line: 1, path: "run config", message: "must be a mapping of keys" });
  } else if (schema) {
    for (const problem of validate(schema, value)) {
      errors.push({ ...problem, line: lineOf(doc, counter, problem.path) });
    }
  }
  return { value, errors, doc, counter };
}

/** The scaffold shown first: the default config (or schema skeleton) as YAML. */
export function scaffold(config) {
  return Object.keys(config || {}).length ? stringify(config) : "{}\n";
}

/** The config as the other format (YAML <-> JSON); unchanged when it does not parse. */
export function convert(text, toJson) {
  const doc = parseDocument(text);
  if (doc.errors.length) return text;
  const value = doc.toJS() || {};
  return toJson ? `${JSON.stringify(value, null, 2)}\n` : stringify(value);
}

/** The mapping path around `offset` in a parsed document, as key names. */
function pathAt(doc, offset) {
  const path = [];
  let node = doc && doc.contents;
  while (node && node.items) {
    const item = node.items.find((pair) => pair.value && pair.value.range &&
      pair.value.range[0] <= offset && offset <= pair.value.range[2] && pair.value.items);
    if (!item) break;
    path.push(item.key.value);
    node = item.value;
  }
  return { path, node };
}

/** Keys the schema allows at `offset` that are not there yet: [name, description]. */
export function keysAt(text, offset, schema) {
  if (!schema) return { path: [], keys: [] };
  const doc = parseDocument(text);
  const { path, node } = doc.errors.length ? { path: [], node: null } : pathAt(doc, offset);
  let current = resolve(schema, schema);
  for (const name of path) current = resolve((current.properties || {})[name], schema);
  const present = new Set(((node && node.items) || []).map((pair) => pair.key && pair.key.value));
  const keys = Object.entries(current.properties || {}).filter(([name]) => !present.has(name))
    .map(([name, sub]) => [name, resolve(sub, schema).description || ""]);
  return { path, keys };
}

/** Draw line numbers beside the editor, error lines marked with their messages. */
export function drawGutter(gutter, text, errors) {
  const byLine = new Map();
  for (const error of errors) {
    if (!byLine.has(error.line)) byLine.set(error.line, []);
    byLine.get(error.line).push(`${error.path}: ${error.message}`);
  }
  const count = Math.max(1, text.split("\n").length);
  replace(gutter, Array.from({ length: count }, (_, i) => {
    const messages = byLine.get(i + 1);
    return h("div", { class: messages ? "gutter-line error-line" : "gutter-line",
      dataset: { line: String(i + 1) }, title: messages ? messages.join("\n") : null },
    messages ? `● ${i + 1}` : String(i + 1));
  }));
}
