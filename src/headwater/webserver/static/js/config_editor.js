// The launchpad's run config, as text: YAML (or JSON, detected by a leading "{"), scaffolded
// from the job's default config or schema, converted between the two, and checked against the
// schema with each error located at the key it is about. Parsing uses the vendored "yaml"
// package (see scripts/vendor-yaml); js/code_editor.js shows all this in the code editor.

import { LineCounter, parseDocument, stringify } from "../vendor/yaml/index.js";
import { validate } from "./schema.js";

/** A server-style path ("ops.a.config.m['k'][0]") as its steps. */
export function pathParts(path) {
  if (!path || path === "(root)") return [];
  const steps = [];
  const step = /([^.[\]]+)|\[(\d+)\]|\[('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\]/g;
  for (const [, name, index, quoted] of path.matchAll(step)) {
    if (name !== undefined) steps.push(name);
    else if (index !== undefined) steps.push(Number(index));
    else steps.push(quoted.slice(1, -1).replace(/\\(.)/g, "$1"));
  }
  return steps;
}

/**
 * Where the error at `path` (and unexpected `key`) is in the document: {line, from, to}, the
 * range of the deepest key of it that exists (a missing entry marks its mapping's key).
 */
function locate(doc, counter, path, key) {
  const parts = pathParts(path);
  if (key !== undefined) parts.push(key);
  for (let n = parts.length; n > 0; n--) {
    const parent = n > 1 ? doc.getIn(parts.slice(0, n - 1), true) : doc.contents;
    const item = parent && parent.items && parent.items.find((pair) => pair.key &&
      (pair.key.value ?? pair.key.source) === parts[n - 1]);
    const node = item ? item.key : parent && parent.items && parent.items[parts[n - 1]];
    if (node && node.range) {
      return { line: counter.linePos(node.range[0]).line, from: node.range[0],
        to: Math.max(node.range[1], node.range[0] + 1) };
    }
  }
  const range = doc.contents && doc.contents.range ? doc.contents.range : [0, 1];
  return { line: counter.linePos(range[0]).line, from: range[0],
    to: Math.min(range[1], range[0] + 1) };
}

function jsonError(text, error) {
  const match = /position (\d+)/.exec(error.message);
  const offset = Math.min(match ? Number(match[1]) : 0, text.length);
  return { line: text.slice(0, offset).split("\n").length, from: offset, to: offset + 1,
    path: "run config", message: `not valid JSON: ${error.message}` };
}

/** YAML when it does not start with "{", else JSON (any JSON document is YAML too). */
export function isJsonText(text) {
  return text.trimStart().startsWith("{");
}

/**
 * Parse and check `text`: {value, errors: [{line, from, to, path, message}], doc, counter};
 * `from`/`to` are the offsets of what each error is about.
 */
export function checkConfig(text, schema) {
  const counter = new LineCounter();
  if (isJsonText(text)) {
    try {
      JSON.parse(text);
    } catch (error) {
      return { value: null, errors: [jsonError(text, error)], doc: null, counter };
    }
  }
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  if (doc.errors.length) {
    return { value: null, doc: null, counter, errors: doc.errors.map((error) => ({
      line: counter.linePos(error.pos[0]).line, from: error.pos[0],
      to: Math.max(error.pos[1], error.pos[0] + 1), path: "run config",
      message: `not valid YAML: ${error.message.split("\n")[0]}` })) };
  }
  const value = doc.contents === null ? {} : doc.toJS(); // nothing (or comments): no config
  const errors = [];
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    errors.push({ ...locate(doc, counter, ""), path: "run config",
      message: "must be a mapping of keys" });
  } else if (schema) {
    for (const problem of validate(schema, value)) {
      errors.push({ ...problem, ...locate(doc, counter, problem.path, problem.key) });
    }
  }
  return { value, errors, doc, counter };
}

/** The scaffold shown first: the default config (or schema skeleton) as YAML. */
export function scaffold(config) {
  return format(config, false);
}

/** The config as the other format (YAML <-> JSON); unchanged when it does not parse. */
export function convert(text, toJson) {
  const doc = parseDocument(text);
  if (doc.errors.length) return text;
  return format(doc.toJS() || {}, toJson);
}

/** `value` with what `defaults` has and it lacks added, recursively (mappings only). */
export function fillMissing(value, defaults) {
  const isMapping = (item) => item !== null && typeof item === "object" && !Array.isArray(item);
  if (!isMapping(value) || !isMapping(defaults)) return value === undefined ? defaults : value;
  const out = { ...value };
  for (const [name, item] of Object.entries(defaults)) {
    out[name] = name in value ? fillMissing(value[name], item) : item;
  }
  return out;
}

/** The config in the given format (YAML or JSON). */
export function format(value, asJson) {
  if (asJson) return `${JSON.stringify(value, null, 2)}\n`;
  return Object.keys(value || {}).length ? stringify(value) : "{}\n";
}
