// Metadata entries ({type, value}) rendered by type: every piece of text via textContent.

import { formatNumber } from "./chart.js";
import { assetHref, formatTime, h, keyText, runHref } from "./dom.js";
import { markdown } from "./markdown.js";

const MAX_TABLE_ROWS = 50;
const SHORT_TEXT = 120;

function block(text, type) {
  return h("pre", { class: "meta-block", dataset: { metaType: type } }, text);
}

function isHttpUrl(value) {
  return typeof value === "string" && /^https?:\/\//i.test(value.trim());
}

function recordsTable(value) {
  const records = Array.isArray(value && value.records) ? value.records : [];
  const columns = value && value.schema && Array.isArray(value.schema.columns)
    ? value.schema.columns.map((column) => column.name)
    : [...new Set(records.flatMap((record) => Object.keys(record || {})))];
  const shown = records.slice(0, MAX_TABLE_ROWS);
  return h("div", { class: "meta-table-wrap" },
    h("table", { class: "meta-records" },
      h("thead", {}, h("tr", {}, columns.map((name) => h("th", { scope: "col" }, name)))),
      h("tbody", {}, shown.map((record) => h("tr", {}, columns.map((name) =>
        h("td", {}, cellText((record || {})[name]))))))),
    records.length > shown.length
      ? h("p", { class: "muted" }, `${records.length - shown.length} more rows`) : null);
}

function cellText(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return formatNumber(value);
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** Each column with the upstream columns it comes from (TableColumnLineage). */
function columnLineage(value) {
  const deps = (value && value.deps_by_column) || {};
  return h("table", { class: "meta-records column-lineage" },
    h("thead", {}, h("tr", {}, h("th", {}, "Column"), h("th", {}, "Comes from"))),
    h("tbody", {}, Object.entries(deps).map(([column, sources]) => h("tr", {
      dataset: { column } }, h("td", {}, h("code", {}, column)),
    h("td", {}, (sources || []).map((dep) => h("div", {},
      h("a", { href: assetHref(dep.asset_key) }, keyText(dep.asset_key)), " · ",
      h("code", {}, dep.column_name))))))));
}

/** Where an asset's code lives: links for URLs, path:line for local files. */
function codeReferences(value) {
  const references = Array.isArray(value) ? value : [];
  return h("ul", { class: "code-refs" }, references.map((ref) => {
    const label = ref.label ? `${ref.label}: ` : "";
    if (isHttpUrl(ref.url)) {
      return h("li", {}, label, h("a", { href: ref.url.trim(), rel: "noopener noreferrer",
        target: "_blank" }, ref.url));
    }
    const where = ref.line_number ? `${ref.file_path}:${ref.line_number}` : ref.file_path;
    return h("li", {}, label, h("code", {}, String(where || ref.url || "")));
  }));
}

function textValue(value, type) {
  const text = String(value);
  if (type === "md" || text.includes("\n") || text.length > SHORT_TEXT) return block(text, type);
  return h("span", {}, text);
}

const RENDERERS = {
  int: (value) => h("span", { class: "num" }, formatNumber(value)),
  float: (value) => h("span", { class: "num" }, formatNumber(value)),
  bool: (value) => h("span", {}, String(value)),
  timestamp: (value) => h("span", { title: String(value) },
    typeof value === "number" ? formatTime(value) : String(value)),
  null: () => h("span", { class: "muted" }, "null"),
  text: (value) => textValue(value, "text"),
  md: (value) => markdown(value),
  column_lineage: (value) => columnLineage(value),
  path: (value) => h("code", {}, String(value)),
  notebook: (value) => h("code", {}, String(value)),
  url: (value) => (isHttpUrl(value)
    ? h("a", { href: value.trim(), rel: "noopener noreferrer", target: "_blank" }, value)
    : h("code", {}, String(value))),
  asset: (value) => (Array.isArray(value)
    ? h("a", { href: assetHref(value) }, keyText(value)) : h("span", {}, String(value))),
  job: (value) => h("span", {}, value && typeof value === "object"
    ? [value.job_name, value.location_name].filter(Boolean).join(" @ ") : String(value)),
  python_artifact: (value) => h("code", {}, value && typeof value === "object"
    ? `${value.module}.${value.name}` : String(value)),
  dagster_run: (value) => h("a", { href: runHref(String(value)) }, String(value)),
  code_references: (value) => codeReferences(value),
  table: (value) => recordsTable(value),
  table_schema: (value) => recordsTable({ records: ((value && value.columns) || []).map(
    (column) => ({ column: column.name, type: column.type, description: column.description }),
  ) }),
};

/** One metadata value ({type, value} or a bare value) as a DOM node, chosen by its type. */
export function metadataValue(entry) {
  const typed = entry && typeof entry === "object" && !Array.isArray(entry) && "type" in entry;
  const type = typed ? entry.type : null;
  const value = typed ? entry.value : entry;
  if (value === null || value === undefined) return h("span", { class: "muted" }, "—");
  const render = RENDERERS[type];
  if (render) return render(value);
  if (typeof value === "number") return RENDERERS.float(value);
  if (typeof value === "string") return textValue(value, type || "text");
  return block(JSON.stringify(value, null, 2), type || "json");
}

/** A compact label/value table of `metadata`, or a muted note when there is none. */
export function metadataList(metadata, emptyText = "No metadata.") {
  const entries = Object.entries(metadata || {});
  if (!entries.length) return h("span", { class: "muted" }, emptyText);
  return h("table", { class: "meta-kv" }, h("tbody", {}, entries.map(([label, entry]) =>
    h("tr", { dataset: { label, metaType: (entry && entry.type) || "" } },
      h("th", { scope: "row" }, label), h("td", {}, metadataValue(entry))))));
}
