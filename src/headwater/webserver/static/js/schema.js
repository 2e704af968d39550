// A JSON Schema validator for the subset our config schemas use: type, properties,
// required, additionalProperties, enum, const, items, anyOf/oneOf/allOf, $ref to #/$defs,
// minimum/maximum; `default` only fills in the editor's starting document.

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

function checkObject(schema, value, path, root, errors) {
  const properties = schema.properties || {};
  for (const name of schema.required || []) {
    if (!(name in value)) errors.push({ path: where(path), message: `missing required "${name}"` });
  }
  for (const [name, item] of Object.entries(value)) {
    const childPath = path ? `${path}.${name}` : name;
    if (name in properties) validateInto(properties[name], item, childPath, root, errors);
    else if (schema.additionalProperties === false) {
      const known = Object.keys(properties);
      errors.push({ path: where(path), message: `unexpected key "${name}"` +
        (known.length ? ` (expected one of: ${known.join(", ")})` : "") });
    } else if (schema.additionalProperties && typeof schema.additionalProperties === "object") {
      validateInto(schema.additionalProperties, item, childPath, root, errors);
    }
  }
}

function checkAlternatives(schema, value, path, root, errors) {
  for (const keyword of ["anyOf", "oneOf"]) {
    if (!Array.isArray(schema[keyword])) continue;
    const fits = schema[keyword].filter((option) => validate(option, value, path, root).length === 0);
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
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((type) => typeMatches(type, value))) {
      errors.push({ path: where(path), message: `expected ${types.join(" or ")}, got ${typeOf(value)}` });
      return;
    }
  }
  if (schema.enum && !schema.enum.some((option) => JSON.stringify(option) === JSON.stringify(value))) {
    errors.push({ path: where(path), message: `must be one of ${schema.enum.map((v) => JSON.stringify(v)).join(", ")}` });
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

/** Problems of `value` against `schema`: [{path, message}] (empty when valid). */
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
