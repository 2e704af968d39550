// Completion of run config keys (and enum values) at the cursor from the job's JSON Schema.
// What one is typing rarely parses, so the path to the cursor is read from the text itself:
// from indentation in YAML, from the open braces and brackets in JSON.

const ITEM = Symbol("item"); // a path step into a list

function resolve(schema, root) {
  let current = schema;
  for (let depth = 0; current && current.$ref && depth < 32; depth++) {
    if (!current.$ref.startsWith("#/")) return {};
    current = current.$ref.slice(2).split("/")
      .reduce((node, part) => (node ? node[part] : undefined), root);
  }
  return current && typeof current === "object" ? current : {};
}

/** The node with its anyOf/oneOf/allOf alternatives (a Noneable's inner type, a union). */
function alternatives(schema, root, depth = 0) {
  const node = resolve(schema, root);
  const out = [node];
  if (depth > 8) return out;
  for (const keyword of ["anyOf", "oneOf", "allOf"]) {
    for (const option of node[keyword] || []) out.push(...alternatives(option, root, depth + 1));
  }
  return out;
}

function child(schema, root, step) {
  for (const node of alternatives(schema, root)) {
    if (step === ITEM) {
      if (node.items && typeof node.items === "object") return node.items;
    } else if (node.properties && step in node.properties) {
      return node.properties[step];
    } else if (node.additionalProperties && typeof node.additionalProperties === "object") {
      return node.additionalProperties;
    }
  }
  return null;
}

/** The schema of the value at `path` (null where the schema says nothing). */
export function schemaAt(schema, path) {
  let current = schema;
  for (const step of path) {
    current = child(current, schema, step);
    if (!current) return null;
  }
  return current;
}

function isObject(schema, root) {
  return alternatives(schema, root).some((node) => node.type === "object" || node.properties);
}

function typeLabel(schema, root) {
  const node = resolve(schema, root);
  if (node["x-headwater-type"]) return node["x-headwater-type"];
  if (node.enum) return "enum";
  const types = alternatives(schema, root).map((option) => option.type).filter(Boolean);
  return [...new Set(types.flat())].join(" | ");
}

// ---------------------------------------------------------------------------------------- YAML

const YAML_LINE = /^( *)((?:- +)*)(.*)$/;
const KEY_ONLY = /^([^\s:#'"][^:#]*?|"[^"]*"|'[^']*'):\s*(#.*)?$/; // "key:" opening a block
const KEY_ANY = /^([^\s:#'"][^:#]*?|"[^"]*"|'[^']*'):(\s|$)/;

function yamlLine(line) {
  const [, indent, dashes, rest] = YAML_LINE.exec(line);
  const key = KEY_ANY.exec(rest);
  return { indent: indent.length, dashes: dashes.length, column: indent.length + dashes.length,
    rest, key: key ? key[1].replace(/^(["'])(.*)\1$/, "$2") : null, opens: KEY_ONLY.test(rest) };
}

const blank = (line) => !line.trim() || line.trim().startsWith("#");

/** The keys already written beside the cursor's line (same column, same block). */
function yamlSiblings(lines, index, column, startsItem) {
  const present = new Set();
  for (const step of startsItem ? [1] : [-1, 1]) { // a new list item: none above are its
    for (let i = index + step; i >= 0 && i < lines.length; i += step) {
      if (blank(lines[i])) continue;
      const line = yamlLine(lines[i]);
      if (line.column < column || (line.column === column && line.dashes && step > 0)) break;
      if (line.column === column && line.key) present.add(line.key);
      if (line.column === column && line.dashes) break; // the start of the cursor's list item
    }
  }
  return present;
}

/** The mapping path of a YAML line at `column`, from the lines above it. */
function yamlPath(lines, index, column, dashesHere) {
  const path = dashesHere ? [ITEM] : [];
  let limit = column - dashesHere; // a parent sits left of this column
  let inItem = false;
  for (let i = index - 1; i >= 0; i--) {
    if (blank(lines[i])) continue;
    const line = yamlLine(lines[i]);
    if (!inItem && line.column === limit && line.dashes && !dashesHere) {
      path.unshift(ITEM); // the cursor's line continues a list item started here
      limit = line.indent;
      inItem = true;
      continue;
    }
    const parent = line.column < limit || (line.column === limit && path[0] === ITEM &&
      !line.dashes && line.opens);
    if (!parent) continue;
    if (!line.opens) return null; // over-indented under a scalar: no sensible path
    path.unshift(line.key);
    if (line.dashes) path.unshift(ITEM);
    limit = line.indent;
  }
  return path;
}

/** Where the cursor is in YAML: {kind: "key"|"value", path, from, to, word, present}. */
export function yamlContext(text, offset) {
  const lines = text.split("\n");
  const index = text.slice(0, offset).split("\n").length - 1;
  const lineStart = offset - text.slice(0, offset).split("\n")[index].length;
  const before = text.slice(lineStart, offset);
  const [, indent, dashes, rest] = YAML_LINE.exec(before);
  const column = indent.length + dashes.length;
  const path = yamlPath(lines, index, column, dashes.length);
  if (!path) return null;
  const after = /^[\w.-]*/.exec(text.slice(offset))[0];
  if (/^[\w.-]*$/.test(rest)) {
    return { kind: "key", path, from: offset - rest.length, to: offset + after.length, word: rest,
      present: yamlSiblings(lines, index, column, dashes.length > 0), indent: " ".repeat(column),
      keyed: /^[\w.-]*\s*:/.test(text.slice(offset)) };
  }
  const value = /^([^\s:#'"][^:#]*?):\s+([\w.-]*)$/.exec(rest);
  if (!value) return null;
  return { kind: "value", path: [...path, value[1]], from: offset - value[2].length,
    to: offset + after.length, word: value[2] };
}

// ---------------------------------------------------------------------------------------- JSON

/** Tokens of (possibly unfinished) JSON up to the end: strings, punctuation, bare words. */
function* jsonTokens(text) {
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if (char === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"' && text[j] !== "\n") j += text[j] === "\\" ? 2 : 1;
      const closed = text[j] === '"';
      yield { type: "string", from: i, to: closed ? j + 1 : j, closed,
        value: text.slice(i + 1, Math.min(j, text.length)) };
      i = closed ? j + 1 : j;
    } else if ("{}[]:,".includes(char)) {
      yield { type: char, from: i, to: i + 1 };
      i++;
    } else if (/[\w.+-]/.test(char)) {
      const word = /^[\w.+-]+/.exec(text.slice(i))[0];
      yield { type: "word", from: i, to: i + word.length, value: word };
      i += word.length;
    } else i++;
  }
}

/** Where the cursor is in JSON: {kind: "key"|"value", path, from, to, word, present, quoted}. */
export function jsonContext(text, offset) {
  const stack = [];
  let found = null;
  const top = () => stack[stack.length - 1];
  const pathOf = () => stack.slice(0, -1).map((frame) => (frame.type === "{" ? frame.key : ITEM));
  const at = (frame, from, to, quoted) => {
    const isKey = frame.type === "{" && frame.expect === "key";
    return { frame, kind: isKey ? "key" : "value", from, to, quoted,
      word: text.slice(quoted ? from + 1 : from, offset),
      path: isKey ? pathOf() : [...pathOf(), frame.type === "{" ? frame.key : ITEM] };
  };
  for (const token of jsonTokens(text)) {
    let frame = top();
    const holds = token.from < offset && offset <= token.to &&
      (token.type === "word" || (token.type === "string" && (!token.closed || offset < token.to)));
    if (!found && frame && holds) found = at(frame, token.from, token.to, token.type === "string");
    else if (!found && frame && token.from >= offset) found = at(frame, offset, offset, false);
    if (token.type === "{" || token.type === "[") {
      stack.push({ type: token.type, expect: "key", key: null, keys: new Set() });
    } else if (token.type === "}" || token.type === "]") stack.pop();
    else if (token.type === ":" && frame) frame.expect = "value";
    else if (token.type === "," && frame) frame.expect = "key";
    else if (token.type === "string" && frame && frame.type === "{" && frame.expect === "key") {
      frame.key = token.value;
      if (!(holds && found.frame === frame)) frame.keys.add(token.value);
    }
    frame = top();
    if (found && !frame) break;
  }
  if (!found && top()) found = at(top(), offset, offset, false);
  if (!found) return null;
  return { ...found, present: found.frame.keys, keyed: /^\s*:/.test(text.slice(found.to)) };
}

// ------------------------------------------------------------------------------------ options

function valueText(value, isJson) {
  if (isJson || typeof value !== "string") return JSON.stringify(value);
  const plain = /^[A-Za-z_][\w.-]*$/.test(value) &&
    !/^(true|false|null|yes|no|on|off|y|n|~)$/i.test(value);
  return plain ? value : JSON.stringify(value);
}

function keyOptions(schema, context, isJson) {
  const node = schemaAt(schema, context.path);
  if (!node) return [];
  const required = new Set(alternatives(node, schema).flatMap((option) => option.required || []));
  const fields = Object.assign({}, ...alternatives(node, schema).reverse()
    .map((option) => option.properties || {}));
  const wanted = Object.entries(fields).filter(([name]) => !context.present.has(name));
  return wanted.map(([name, sub]) => {
    const nested = isObject(sub, schema);
    let apply = isJson ? `"${name}": ` : nested ? `${name}:\n${context.indent}  ` : `${name}: `;
    if (context.keyed) apply = isJson ? `"${name}"` : name;
    const type = typeLabel(sub, schema);
    return { label: name, apply, type: "property", boost: required.has(name) ? 1 : 0,
      detail: required.has(name) ? `${type} (required)` : type,
      info: resolve(sub, schema).description || undefined };
  });
}

function valueOptions(schema, context, isJson) {
  const node = schemaAt(schema, context.path);
  if (!node) return [];
  const values = [];
  for (const option of alternatives(node, schema)) {
    if (option.enum) values.push(...option.enum);
    if ("const" in option) values.push(option.const);
    if (option.type === "boolean") values.push(true, false);
  }
  return [...new Set(values.map((value) => JSON.stringify(value)))].map((shown) => {
    const value = JSON.parse(shown);
    return { label: String(value), apply: valueText(value, isJson), type: "enum" };
  });
}

/**
 * The completions at `offset`: {from, to, word, quoted, options: [{label, apply, detail, info,
 * type}]}, or null when the schema offers nothing there. `from`..`to` is the word completed
 * (inside the quotes of a JSON string: each option's `apply` then replaces the quotes too,
 * `quoted` being [quote before, quote after]). Keys already written beside the cursor are left
 * out; a key whose value is a mapping opens its block in YAML.
 */
export function completionsAt(text, offset, schema, isJson) {
  if (!schema) return null;
  const context = isJson ? jsonContext(text, offset) : yamlContext(text, offset);
  if (!context) return null;
  const options = context.kind === "key" ? keyOptions(schema, context, isJson)
    : valueOptions(schema, context, isJson);
  if (!options.length) return null;
  const closed = Boolean(context.quoted) && context.to - 1 > context.from &&
    text[context.to - 1] === '"';
  return { from: context.from + (context.quoted ? 1 : 0), to: context.to - (closed ? 1 : 0),
    quoted: [Boolean(context.quoted), closed], word: context.word, options };
}
