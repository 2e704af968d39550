// Asset catalog: search, group and location filters, latest materialisation, materialize.

import { getJSON } from "../api.js";
import { assetHref, formatTime, h, keyText, replace, runLink, statusBadge } from "../dom.js";
import { action, every, setTitle, startPage } from "../layout.js";
import { materialize } from "../materialize.js";
import { healthBadges } from "../health.js";

// Rows drawn at first (search narrows the list); "Show more" adds as many again.
const PAGE_ROWS = 200;
const REFRESH_MS = 5000;

const state = { assets: [], selected: new Set(), search: "", group: "", location: "",
  limit: PAGE_ROWS };

const id = (asset) => `${asset.location}\u0000${keyText(asset.key)}`;

function options(select, values, allLabel) {
  const current = select.value;
  replace(select, h("option", { value: "" }, allLabel),
    values.map((value) => h("option", { value }, value)));
  select.value = values.includes(current) ? current : "";
}

function matches(asset) {
  if (state.group && asset.group !== state.group) return false;
  if (state.location && asset.location !== state.location) return false;
  if (!state.search) return true;
  const haystack = `${keyText(asset.key)} ${asset.description || ""} ${asset.group || ""}`;
  return haystack.toLowerCase().includes(state.search);
}

function row(asset) {
  const box = h("input", {
    type: "checkbox", class: "select-asset", checked: state.selected.has(id(asset)),
    "aria-label": `Select ${keyText(asset.key)}`,
    onchange: (event) => {
      if (event.target.checked) state.selected.add(id(asset));
      else state.selected.delete(id(asset));
      updateCount();
    },
  });
  const latest = asset.latest_materialization;
  return h("tr", { dataset: { key: keyText(asset.key), location: asset.location } },
    h("td", {}, box),
    h("td", {}, h("a", { href: assetHref(asset.key, asset.location) }, keyText(asset.key)),
      asset.description ? h("div", { class: "muted asset-description" },
        asset.description.split("\n")[0]) : null),
    h("td", {}, asset.group || "—"),
    h("td", {}, asset.location),
    h("td", {}, (asset.kinds || []).join(", ")),
    h("td", {}, latest ? formatTime(latest.timestamp) : "never",
      latest && latest.partition ? h("div", { class: "muted" }, latest.partition) : null),
    h("td", {}, latest ? runLink(latest.run_id) : "—"),
    h("td", {}, asset.latest_run_status ? statusBadge(asset.latest_run_status) : "—"),
    h("td", { class: "asset-health" }, healthBadges(asset)));
}

function updateCount() {
  document.getElementById("selected-count").textContent = `${state.selected.size} selected`;
}

function render() {
  const shown = state.assets.filter(matches);
  replace(document.getElementById("asset-rows"), shown.slice(0, state.limit).map(row));
  document.getElementById("asset-count").textContent = shown.length > state.limit
    ? `showing ${state.limit} of ${shown.length}` : `${shown.length} of ${state.assets.length} assets`;
  const more = document.getElementById("show-more");
  more.hidden = shown.length <= state.limit;
  updateCount();
}

async function load() {
  state.assets = (await getJSON("/api/assets")).assets;
  const known = new Set(state.assets.map(id));
  for (const key of state.selected) if (!known.has(key)) state.selected.delete(key);
  const unique = (values) => [...new Set(values.filter(Boolean))].sort();
  options(document.getElementById("group-filter"), unique(state.assets.map((a) => a.group)),
    "All groups");
  options(document.getElementById("location-filter"),
    unique(state.assets.map((a) => a.location)), "All locations");
  render();
}

startPage(async (container) => {
  setTitle("Assets");
  const search = h("input", { type: "search", id: "asset-search", placeholder: "Search assets",
    "aria-label": "Search assets" });
  search.addEventListener("input", () => {
    state.search = search.value.trim().toLowerCase();
    render();
  });
  const group = h("select", { id: "group-filter", "aria-label": "Group" });
  group.addEventListener("change", () => { state.group = group.value; render(); });
  const location = h("select", { id: "location-filter", "aria-label": "Location" });
  location.addEventListener("change", () => { state.location = location.value; render(); });
  const selectAll = h("input", { type: "checkbox", "aria-label": "Select all shown",
    onchange: (event) => {
      for (const asset of state.assets.filter(matches).slice(0, state.limit)) {
        if (event.target.checked) state.selected.add(id(asset));
        else state.selected.delete(id(asset));
      }
      render();
    } });
  const button = action(h("button", { class: "primary materialize-selected" },
    "Materialize selected"), () => materialize(
    state.assets.filter((asset) => state.selected.has(id(asset)))), "Launching…");
  replace(container,
    h("div", { class: "toolbar" }, search, group, location,
      h("span", { id: "asset-count", class: "muted" }), h("span", { class: "spacer" }),
      h("span", { id: "selected-count", class: "muted" }), button,
      h("a", { href: "/assets/graph" }, "Graph view")),
    h("table", { class: "asset-table" },
      h("thead", {}, h("tr", {}, h("th", {}, selectAll),
        ["Asset", "Group", "Location", "Kinds", "Last materialized", "Run", "Status",
          "Health"]
          .map((label) => h("th", { scope: "col" }, label)))),
      h("tbody", { id: "asset-rows" })),
    h("button", { id: "show-more", hidden: true, onclick: () => {
      state.limit += PAGE_ROWS;
      render();
    } }, "Show more"));
  await load();
  every(REFRESH_MS, load);
});
