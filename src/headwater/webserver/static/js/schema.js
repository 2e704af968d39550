// A JSON Schema validator for the subset our config schemas use: type, properties,
// required, additionalProperties, min/maxProperties, enum, const, items, anyOf/oneOf/allOf,
// $ref to #/$defs, minimum/maximum; `default` only fills in the editor's starting document.
//
// Nodes of old-style config schemas carry the server's wording (x-headwater-expected,
// x-headwater-type); errors there read exactly as the server's ("Invalid value at path
// ops.my_op.config.limit: expected Int, got 'three' (str)."), with `full: true`.

function typeOf(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function typeMatches(expected, value) {
  const actual = typeOf(value);
  return expected === actual || (expected === "number" && actual === "integer");
}

function resolve(schema, root) {
  let current = schema;
  for (let depth = 0; current && current.$ref && depth < 32; depth++) {
    const ref = current.$ref;
    if (!ref.startsWith("#/")) return {};
    current = ref.slice(2).split("/").map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce((node, part) => (node ? node[part] : undefined), root);
  }
  return current || {};
}

const where = (path) => path || "(root)";
const at = (path) => (path ? `at path ${path}` : "at the root");

/** A JSON value as Python's repr shows it (the server's messages quote values so). */
export function pyRepr(value) {
  if (value === null) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "string") {
    const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
    const body = value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
    return quote + (quote === "'" ? body.replace(/'/g, "\\'") : body) + quote;
  }
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(", ")}]`;
  if (typeof value === "object") {
    return `{${Object.entries(value).map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(", ")}}`;
  }
  return String(value);
}

const PY_TYPES = { null: "NoneType", boolean: "bool", string: "str", integer: "int",
  number: "float", array: "list", object: "dict" };

function shown(value) {
  let text = pyRepr(value);
  if (text.length > 80) text = text.slice(0, 77) + "...";
  return `${text} (${PY_TYPES[typeOf(value)]})`;
}

function mismatch(schema, value, path) {
  return { path: where(path), full: true, message:
    `Invalid value ${at(path)}: expected ${schema["x-headwater-expected"]}, got ${shown(value)}.` };
}

// difflib.get_close_matches' cut-off, with a longest-common-subsequence ratio.
function closeMatch(word, options) {
  let best = null;
  let bestRatio = 0.6;
  for (const option of options) {
    const rows = Array.from({ length: word.length + 1 }, () => new Array(option.length + 1).fill(0));
    for (let i = 1; i <= word.length; i++) {
      for (let j = 1; j <= option.length; j++) {
        rows[i][j] = word[i - 1] === option[j - 1] ? rows[i - 1][j - 1] + 1
          : Math.max(rows[i - 1][j], rows[i][j - 1]);
      }
    }
    const ratio = (2 * rows[word.length][option.length]) / (word.length + option.length);
    if (ratio >= bestRatio) { best = option; bestRatio = ratio; }
  }
  return best;
}

function unexpected(schema, name, path) {
  const known = Object.keys(schema.properties || {});
  if (!schema["x-headwater-expected"]) {
    return { path: where(path), key: name, message: `unexpected key "${name}"` +
      (known.length ? ` (expected one of: ${known.join(", ")})` : "") };
  }
  const sorted = [...known].sort();
  const close = closeMatch(String(name), sorted);
  const hint = close ? ` Did you mean "${close}"?` : "";
  return { path: where(path), key: name, full: true,
    message: `Unexpected config entry "${name}" ${at(path)}; ` +
    `the fields there are ${sorted.join(", ") || "none"}.${hint} Remove it or fix its name.` };
}

function missing(schema, root, name, path) {
  const childPath = path ? `${path}.${name}` : name;
  const field = resolve((schema.properties || {})[name] || {}, root);
  const typeName = field["x-headwater-type"];
  if (!typeName) return { path: where(path), message: `missing required "${name}"` };
  return { path: childPath, full: true,
    message: `Missing required config entry ${at(childPath)}: expected ${typeName}. Add it to the config.` };
}

function selectorCount(schema, value, path) {
  const count = Object.keys(value).length;
  const tooMany = schema.maxProperties !== undefined && count > schema.maxProperties;
  const tooFew = schema.minProperties !== undefined && count < schema.minProperties;
  if (!tooMany && !tooFew) return null;
  const names = Object.keys(schema.properties || {}).sort().join(", ");
  const given = count ? Object.keys(value).join(", ") : "none";
  return { path: where(path), full: Boolean(schema["x-headwater-expected"]),
    message: `Invalid value ${at(path)}: give exactly one of the fields ${names}; got ${given}.` };
}

function checkObject(schema, value, path, root, errors) {
  const properties = schema.properties || {};
  const count = selectorCount(schema, value, path);
  if (count) {
    errors.push(count);
    return;
  }
  for (const [name, item] of Object.entries(value)) {
    const childPath = path ? `${path}.${name}` : name;
    if (name in properties) validateInto(properties[name], item, childPath, root, errors);
    else if (schema.additionalProperties === false) {
      errors.push(unexpected(schema, name, path));
    } else if (schema.additionalProperties && typeof schema.additionalProperties === "object") {
      // A Map's entries are named like the server names them: path['key'].
      const entryPath = schema["x-headwater-expected"] ? `${path}[${pyRepr(name)}]` : childPath;
      validateInto(schema.additionalProperties, item, entryPath, root, errors);
    }
  }
  for (const name of schema.required || []) {
    if (!(name in value)) errors.push(missing(schema, root, name, path));
  }
}

function checkAlternatives(schema, value, path, root, errors) {
  for (const keyword of ["anyOf", "oneOf"]) {
    if (!Array.isArray(schema[keyword])) continue;
    const fits = schema[keyword].filter((option) => validate(option, value, path, root).length === 0);
    if (fits.length === 0 && schema["x-headwater-expected"]) {
      errors.push(mismatch(schema, value, path));
      continue;
    }
    const nonNull = schema[keyword].filter((option) => resolve(option, root).type !== "null");
    if (fits.length === 0 && value !== null && nonNull.length === 1) {
      validateInto(nonNull[0], value, path, root, errors); // Noneable: the inner type's error
      continue;
    }
    if (fits.length === 0 || (keyword === "oneOf" && fits.length > 1)) {
      errors.push({ path: where(path), message: `does not match ${keyword === "oneOf"
        ? "exactly one" : "any"} of the allowed forms` });
    }
  }
  for (const option of schema.allOf || []) validateInto(option, value, path, root, errors);
}

function validateInto(rawSchema, value, path, root, errors) {
  const schema = resolve(rawSchema, root);
  if (schema === true || !schema || typeof schema !== "object") return;
  const hinted = Boolean(schema["x-headwater-expected"]);
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((type) => typeMatches(type, value))) {
      errors.push(hinted ? mismatch(schema, value, path) : { path: where(path),
        message: `expected ${types.join(" or ")}, got ${typeOf(value)}` });
      return;
    }
  }
  if (schema.enum && !schema.enum.some((option) => JSON.stringify(option) === JSON.stringify(value))) {
    errors.push(hinted ? mismatch(schema, value, path) : { path: where(path),
      message: `must be one of ${schema.enum.map((v) => JSON.stringify(v)).join(", ")}` });
    return;
  }
  if ("const" in schema && JSON.stringify(schema.const) !== JSON.stringify(value)) {
    errors.push({ path: where(path), message: `must be ${JSON.stringify(schema.const)}` });
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) {
      errors.push({ path: where(path), message: `must be ≥ ${schema.minimum}` });
    }
    if (schema.maximum !== undefined && value > schema.maximum) {
      errors.push({ path: where(path), message: `must be ≤ ${schema.maximum}` });
    }
  }
  if (typeOf(value) === "object") checkObject(schema, value, path, root, errors);
  if (Array.isArray(value) && schema.items && typeof schema.items === "object") {
    value.forEach((item, i) => validateInto(schema.items, item, `${path}[${i}]`, root, errors));
  }
  checkAlternatives(schema, value, path, root, errors);
}

/**
 * Problems of `value` against `schema`: [{path, message, full?, key?}] (empty when valid);
 * `key` names an unexpected entry (the path is its mapping's, as the server words it).
 */
export function validate(schema, value, path = "", root = schema) {
  const errors = [];
  validateInto(schema, value, path, root, errors);
  return errors;
}

/**
 * A starting document for `schema`: defaults where given, required objects filled in.
 * Optional sections without defaults are left out.
 */
export function skeleton(schema, root = schema, depth = 0) {
  const resolved = resolve(schema, root);
  if (!resolved || typeof resolved !== "object" || depth > 16) return undefined;
  if ("default" in resolved) return resolved.default;
  if (resolved.type !== "object" && !resolved.properties) return undefined;
  const out = {};
  for (const name of resolved.required || []) {
    const child = skeleton((resolved.properties || {})[name] || {}, root, depth + 1);
    if (child !== undefined) out[name] = child;
  }
  return out;
}
