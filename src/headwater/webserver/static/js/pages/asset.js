// One asset: definition, metadata, materialisation history, checks and a metadata plot.

import { getJSON } from "../api.js";
import {
  assetHref, drawAtWidth, formatTime, h, keyText, partitionKeyList, replace, runLink,
  statusBadge, table,
} from "../dom.js";
import { lineChart, numericSeries } from "../chart.js";
import { metadataList } from "../metadata.js";
import { action, every, setTitle, startPage } from "../layout.js";
import { materialize } from "../materialize.js";
import { healthCard } from "../health.js";

const REFRESH_MS = 5000;

function definitionList(pairs) {
  return h("dl", { class: "kv" }, pairs.filter(([, value]) => value !== null && value !== undefined)
    .map(([label, value]) => [h("dt", {}, label), h("dd", {}, value)]));
}

function historyTable(materializations) {
  if (!materializations.length) return h("p", { class: "muted" }, "Never materialized.");
  const rows = [...materializations].sort((a, b) => b.timestamp - a.timestamp).map((m) =>
    h("tr", {}, h("td", {}, formatTime(m.timestamp)), h("td", {}, runLink(m.run_id)),
      h("td", {}, m.partition || "—"),
      h("td", { class: "metadata" }, metadataList(m.metadata, "—"))));
  return table(["Time", "Run", "Partition", "Metadata"], rows, { class: "history" });
}

function checksTable(checks) {
  if (!checks.length) return h("p", { class: "muted" }, "No check results.");
  return table(["Check", "Kind", "Result", "Time", "Run", "Metadata"], checks.map((c) =>
    h("tr", { dataset: { check: c.name } }, h("td", {}, c.name),
      h("td", {}, h("span", { class: `severity severity-${c.blocking ? "error" : "warn"}` },
        c.blocking ? "blocking" : "non-blocking"),
      c.passed === false ? h("div", { class: "muted" },
        c.severity === "WARN" ? "warn severity" : "error severity") : null),
      h("td", {}, c.passed === null || c.passed === undefined ? statusBadge("PENDING")
        : statusBadge(c.passed ? "PASSED" : "FAILED")),
      h("td", {}, formatTime(c.timestamp)), h("td", {}, runLink(c.run_id)),
      h("td", { class: "metadata" }, metadataList(c.metadata, "—")))), { class: "checks" });
}

function plotSection(materializations) {
  const series = numericSeries(materializations);
  if (!series.size) return h("p", { class: "muted" }, "No numeric metadata to plot.");
  const labels = [...series.keys()].sort();
  const select = h("select", { id: "plot-label", "aria-label": "Metadata to plot" },
    labels.map((label) => h("option", { value: label }, label)));
  const holder = h("div", { id: "plot" });
  const draw = () => drawAtWidth(holder,
    (width) => lineChart(series.get(select.value), select.value, width));
  select.addEventListener("change", draw);
  draw();
  return h("div", {}, h("label", {}, "Plot ", select), holder);
}

function render(container, body, location) {
  const asset = body.asset;
  setTitle(keyText(asset.key));
  const deps = (asset.deps || []).map((key) => h("div", {},
    h("a", { href: assetHref(key, location || asset.location) }, keyText(key))));
  const button = action(h("button", { class: "primary materialize" }, "Materialize"),
    () => materialize([asset]), "Launching…");
  const plotLabel = document.getElementById("plot-label");
  const keepLabel = plotLabel ? plotLabel.value : null;
  replace(container,
    h("div", { class: "toolbar" }, h("a", { href: "/assets/graph" }, "Asset graph"),
      h("span", { class: "spacer" }), button),
    h("section", { class: "card" },
      asset.description ? h("p", { class: "description" }, asset.description)
        : h("p", { class: "muted" }, "No description."),
      definitionList([
        ["Location", asset.location], ["Group", asset.group],
        ["Kinds", (asset.kinds || []).join(", ") || null],
        ["Owners", (asset.owners || []).join(", ") || null],
        ["Code version", asset.code_version],
        ["Jobs", (asset.job_names || []).join(", ") || null],
        ["Partitioned", asset.partitioned
          ? `yes (${partitionKeyList(asset.partitions).length} keys)` : "no"],
        ["Upstream", deps.length ? deps : null],
        ["Tags", Object.entries(asset.tags || {}).map(([k, v]) => `${k}=${v}`).join(", ") || null],
      ])),
    healthCard(asset),
    h("h2", {}, "Definition metadata"),
    h("div", { class: "metadata" }, metadataList(asset.metadata)),
    h("h2", {}, "Plot"), plotSection(body.materializations || []),
    h("h2", {}, "Materializations"), historyTable(body.materializations || []),
    h("h2", {}, "Checks"), checksTable(body.checks || []));
  const newLabel = document.getElementById("plot-label");
  if (keepLabel && newLabel && [...newLabel.options].some((o) => o.value === keepLabel)) {
    newLabel.value = keepLabel;
    newLabel.dispatchEvent(new Event("change"));
  }
}

startPage(async (container, params) => {
  const key = params.assetKey.split("/").filter(Boolean);
  const location = new URLSearchParams(window.location.search).get("location");
  setTitle(keyText(key));
  const url = `/api${assetHref(key, location)}`;
  let last = "";
  const load = async () => {
    const body = await getJSON(url);
    const text = JSON.stringify(body);
    if (text === last) return;
    last = text;
    render(container, body, location);
  };
  await load();
  every(REFRESH_MS, load);
});
