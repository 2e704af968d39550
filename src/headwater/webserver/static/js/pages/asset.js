// One asset, in tabs: overview (definition, health, metadata as tables / safe markdown),
// partitions, events (history and a plot of every numeric metadata key), checks (latest
// result, blocking or not, history, "Execute" to run one check alone), lineage (upstream, downstream, column lineage) and
// automation. The tab is kept in the URL.

import { getJSON, postJSON } from "../api.js";
import {
  assetHref, drawAtWidth, formatTime, h, keyText, partitionKeyList, replace, runLink,
  statusBadge, table,
} from "../dom.js";
import { lineChart, numericSeries } from "../chart.js";
import { metadataList } from "../metadata.js";
import { action, every, health, setTitle, startPage } from "../layout.js";
import { materialize } from "../materialize.js";
import { evaluationTree } from "../automation_tree.js";
import { healthCard } from "../health.js";
import { showGrid } from "../partition_grid.js";

const REFRESH_MS = 5000;
const TABS = [["overview", "Overview"], ["partitions", "Partitions"], ["events", "Events"],
  ["checks", "Checks"], ["lineage", "Lineage"], ["automation", "Automation"]];
const tabState = { tab: new URLSearchParams(window.location.search).get("tab") || "overview" };

function showTab(name) {
  tabState.tab = TABS.some(([id]) => id === name) ? name : "overview";
  for (const section of document.querySelectorAll(".tab-panel")) {
    section.hidden = section.dataset.tab !== tabState.tab;
  }
  for (const button of document.querySelectorAll(".tabs button[data-tab]")) {
    button.setAttribute("aria-pressed", String(button.dataset.tab === tabState.tab));
  }
  const next = new URL(window.location.href);
  if (tabState.tab === "overview") next.searchParams.delete("tab");
  else next.searchParams.set("tab", tabState.tab);
  window.history.replaceState(null, "", next);
}

function tabBar() {
  return h("div", { class: "tabs", role: "tablist" }, TABS.map(([id, label]) =>
    h("button", { type: "button", role: "tab", dataset: { tab: id },
      onclick: () => showTab(id) }, label)));
}

function panel(id, ...children) {
  return h("section", { class: "tab-panel", dataset: { tab: id }, role: "tabpanel" }, children);
}

function keyLinks(keys, location) {
  if (!keys || !keys.length) return h("p", { class: "muted" }, "None.");
  return h("ul", { class: "key-list" }, keys.map((key) => h("li", {},
    h("a", { href: assetHref(key, location) }, keyText(key)))));
}

function partitionsPanel(asset, materializations) {
  const keys = partitionKeyList(asset.partitions);
  if (!asset.partitioned) return h("p", { class: "muted" }, "Not partitioned.");
  const done = new Set(materializations.map((m) => m.partition).filter(Boolean));
  return h("div", {}, h("p", {}, `${keys.length} partitions · ${
    keys.filter((key) => done.has(key)).length} materialized in the recent history`),
  h("div", { class: "partition-grid" }, keys.map((key) => h("span", {
    class: `partition ${done.has(key) ? "partition-done" : ""}`, title: key,
    dataset: { partition: key } }, key))));
}

function columnLineageOf(materializations, asset) {
  const latest = [...materializations].sort((a, b) => b.timestamp - a.timestamp)[0];
  const entries = Object.entries({ ...(asset.metadata || {}), ...((latest && latest.metadata) || {}) })
    .filter(([, entry]) => entry && entry.type === "column_lineage");
  return entries.length ? metadataList(Object.fromEntries(entries))
    : h("p", { class: "muted" }, "No column lineage (TableColumnLineage) recorded.");
}

function checksWithHistory(checks, asset) {
  return [checksTable(checks, asset), checks.filter((c) => (c.history || []).length).map((c) =>
    h("details", { class: "check-history", dataset: { check: c.name } },
      h("summary", {}, `History of ${c.name} (${c.history.length})`),
      table(["Time", "Result", "Run"], c.history.map((entry) => h("tr", {},
        h("td", {}, formatTime(entry.timestamp)),
        h("td", {}, statusBadge(entry.passed ? "PASSED" : "FAILED")),
        h("td", {}, runLink(entry.run_id))))))),
  h("p", { class: "muted note" }, "Checks run with their asset when it is materialized; " +
    "\"Execute\" evaluates one check alone against the asset's stored value.")];
}

// Run one check alone (no materialization), then open its run.
function executeButton(check, asset) {
  if (check.can_execute_individually === "REQUIRES_MATERIALIZATION") {
    return h("button", { type: "button", class: "execute-check", disabled: true,
      title: check.execute_blocked_reason || "Materialize the asset to evaluate this check." },
    "Execute");
  }
  return action(h("button", { type: "button", class: "execute-check",
    disabled: health.readOnly, dataset: { check: check.name } }, "Execute"), async () => {
    const body = await postJSON("/api/runs", { location: asset.location,
      asset_check_selection: [{ asset_key: asset.key, name: check.name }] });
    window.location.assign(`/runs/${encodeURIComponent(body.run_id)}`);
  }, "Launching…");
}

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

// Observable source assets: an "Observe" button (an observation run, launched like a
// materialization) and their observation history with data versions.
function observeButton(asset) {
  return action(h("button", { class: "primary observe" }, "Observe"),
    () => materialize([{ ...asset, partitioned: false }]), "Launching…");
}

function observationTable(observations) {
  if (!observations.length) return h("p", { class: "muted" }, "Never observed.");
  return table(["Time", "Run", "Partition", "Data version", "Metadata"], observations.map((o) =>
    h("tr", {}, h("td", {}, formatTime(o.timestamp)), h("td", {}, runLink(o.run_id)),
      h("td", {}, o.partition || "—"), h("td", {}, h("code", {}, o.data_version || "—")),
      h("td", { class: "metadata" }, metadataList(o.metadata, "—")))), { class: "observations" });
}

function checksTable(checks, asset) {
  if (!checks.length) return h("p", { class: "muted" }, "No check results.");
  return table(["Check", "Kind", "Result", "Time", "Run", "Metadata", ""], checks.map((c) =>
    h("tr", { dataset: { check: c.name } }, h("td", {}, c.name),
      h("td", {}, h("span", { class: `severity severity-${c.blocking ? "error" : "warn"}` },
        c.blocking ? "blocking" : "non-blocking"),
      c.passed === false ? h("div", { class: "muted" },
        c.severity === "WARN" ? "warn severity" : "error severity") : null),
      h("td", {}, c.passed === null || c.passed === undefined ? statusBadge("PENDING")
        : statusBadge(c.passed ? "PASSED" : "FAILED")),
      h("td", {}, formatTime(c.timestamp)), h("td", {}, runLink(c.run_id)),
      h("td", { class: "metadata" }, metadataList(c.metadata, "—")),
      h("td", {}, executeButton(c, asset)))), { class: "checks" });
}

function allPlots(materializations) {
  const series = numericSeries(materializations);
  const labels = [...series.keys()].sort();
  if (labels.length < 2) return null;
  return h("div", { class: "all-plots" }, labels.map((label) => {
    const holder = h("div", { class: "plot-cell", dataset: { label } });
    requestAnimationFrame(() => drawAtWidth(holder,
      (width) => lineChart(series.get(label), label, width)));
    return holder;
  }));
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

function freshnessText(policy) {
  const hours = (seconds) => `${Math.round((seconds / 3600) * 100) / 100} h`;
  if (policy.kind === "cron") {
    return `materialized within ${hours(policy.lower_bound_seconds)} before each ` +
      `"${policy.deadline_cron}" (${policy.timezone})`;
  }
  return `fail after ${hours(policy.fail_seconds)}` +
    (policy.warn_seconds ? `, warn after ${hours(policy.warn_seconds)}` : "");
}

function evaluationSummary(latest) {
  return h("p", { class: "muted" },
    `Evaluation ${latest.evaluation_id} by ${latest.sensor_name}, ${formatTime(latest.timestamp)}` +
    ` (${latest.num_requested ? `${latest.num_requested} requested` : "nothing requested"})`);
}

function automationSection(asset, evaluations, checkEvaluations) {
  const checks = Object.entries(checkEvaluations || {});
  if (!asset.automation_condition && !checks.length) return null;
  const latest = (evaluations || [])[0];
  return [h("h2", {}, "Automation"),
    asset.automation_condition ? h("section", { class: "card automation",
      dataset: { condition: asset.automation_condition } },
    latest ? [evaluationSummary(latest), evaluationTree(latest.tree)]
      : h("p", { class: "muted" }, `${asset.automation_condition}: not evaluated yet.`)) : null,
    // Checks with their own automation condition: the newest evaluation of each.
    checks.map(([name, evaluation]) => h("section", { class: "card automation check-automation",
      dataset: { check: name } }, h("h3", {}, `Check ${name}`), evaluationSummary(evaluation),
    evaluationTree(evaluation.tree)))];
}

function render(container, body, location, evaluations) {
  const asset = body.asset;
  setTitle(keyText(asset.key));
  const deps = (asset.deps || []).map((key) => h("div", {},
    h("a", { href: assetHref(key, location || asset.location) }, keyText(key))));
  const button = asset.is_observable ? observeButton(asset)
    : action(h("button", { class: "primary materialize" }, "Materialize"),
      () => materialize([asset]), "Launching…");
  const plotLabel = document.getElementById("plot-label");
  const keepLabel = plotLabel ? plotLabel.value : null;
  const materializations = body.materializations || [];
  replace(container,
    h("div", { class: "toolbar" }, h("a", { href: "/assets/graph" }, "Asset graph"),
      h("a", { href: `/assets/graph?select=${encodeURIComponent(
        `2+key:"${keyText(asset.key)}"+2`)}` }, "Focus in graph"),
      h("span", { class: "spacer" }), button),
    tabBar(),
    panel("overview", h("section", { class: "card" },
      asset.description ? h("p", { class: "description" }, asset.description)
        : h("p", { class: "muted" }, "No description."),
      definitionList([
        ["Location", asset.location], ["Group", asset.group],
        ["Kinds", (asset.kinds || []).join(", ") || null],
        ["Owners", (asset.owners || []).join(", ") || null],
        ["Code version", asset.code_version],
        ["Data version", asset.data_version ? h("code", { class: "data-version" },
          asset.data_version) : null],
        ["Freshness", asset.freshness ? h("span", { class: "freshness" },
          statusBadge(asset.freshness.status), " ", freshnessText(asset.freshness.policy)) : null],
        ["Jobs", (asset.job_names || []).join(", ") || null],
        ["Partitioned", asset.partitioned
          ? `yes (${partitionKeyList(asset.partitions).length} keys)` : "no"],
        ["Upstream", deps.length ? deps : null],
        ["Tags", Object.entries(asset.tags || {}).map(([k, v]) => `${k}=${v}`).join(", ") || null],
      ])),
    healthCard(asset),
    h("h2", {}, "Definition metadata"),
    h("div", { class: "metadata" }, metadataList(asset.metadata)),
    h("h2", {}, "Downstream assets"), keyLinks(asset.downstream, location || asset.location)),
    panel("partitions", partitionsPanel(asset, materializations)),
    panel("events", h("h2", {}, "Plot"), plotSection(materializations), allPlots(materializations),
      h("h2", {}, "Materializations"), historyTable(materializations),
      asset.is_observable ? [h("h2", {}, "Observations"),
        observationTable(body.observations || [])] : null),
    panel("checks", checksWithHistory(body.checks || [], asset)),
    panel("lineage", h("h2", {}, "Upstream"), keyLinks(asset.deps, location || asset.location),
      h("h2", {}, "Downstream"), keyLinks(asset.downstream, location || asset.location),
      h("h2", {}, "Column lineage"), columnLineageOf(materializations, asset)),
    panel("automation", definitionList([
      ["Automation condition", asset.automation_condition || "none"],
      ["Jobs", (asset.job_names || []).join(", ") || "none"],
    ]), automationSection(asset, evaluations.asset, evaluations.checks)));
  showTab(tabState.tab);
  const newLabel = document.getElementById("plot-label");
  if (keepLabel && newLabel && [...newLabel.options].some((o) => o.value === keepLabel)) {
    newLabel.value = keepLabel;
    newLabel.dispatchEvent(new Event("change"));
  }
}

// Launch a run of one selected partition, or a backfill of several.
async function launchSelection(view, selection) {
  const base = { location: view.location, asset_selection: [view.asset_key] };
  if (selection.count === 1) {
    const body = await postJSON("/api/runs", { ...base, partition: selection.start });
    window.location.assign(`/runs/${encodeURIComponent(body.run_id)}`);
    return;
  }
  const request = view.dimensions ? { ...base, partitions: selection.keys }
    : { ...base, partition_range: { start: selection.start, end: selection.end } };
  const body = await postJSON("/api/backfills", request);
  window.location.assign(`/backfills/${encodeURIComponent(body.backfill_id)}`);
}

function partitionsSection(section) {
  const holder = h("div", { class: "partition-grid-holder" });
  const actions = h("div", { class: "partition-actions" },
    h("span", { class: "muted" }, "Drag over the grid (or type From/To) to select partitions."));
  let view = null;
  let shown = "";
  const onSelection = (selection) => {
    // The same selection again (a field's change event on blur): keep the button in place.
    const signature = `${selection.count}:${selection.start}:${selection.end}`;
    if (signature === shown) return;
    shown = signature;
    const label = selection.count === 1 ? `Materialize ${selection.start}`
      : `Backfill ${selection.count} partitions (${selection.start} … ${selection.end})`;
    const button = action(h("button", { class: "primary launch-partitions" }, label),
      () => launchSelection(view, selection), "Launching…");
    replace(actions, h("span", { class: "selection", dataset: { count: String(selection.count) } },
      `${selection.count} selected`), button);
  };
  replace(section, h("h2", {}, "Partitions"), actions, holder);
  return (next) => {
    view = next;
    showGrid(holder, next, onSelection);
  };
}

startPage(async (container, params) => {
  const key = params.assetKey.split("/").filter(Boolean);
  const location = new URLSearchParams(window.location.search).get("location");
  setTitle(keyText(key));
  const url = `/api${assetHref(key, location)}`;
  const details = h("div", { class: "asset-details" });
  const partitions = h("section", { id: "partitions", hidden: true });
  replace(container, details, partitions);
  let showPartitions = null;
  let last = "";
  const load = async () => {
    const body = await getJSON(url);
    const answer = body.asset.automation_condition || (body.checks || []).length
      ? await getJSON(`/api/automation/evaluations/${key.map(encodeURIComponent).join("/")}`)
      : { evaluations: [], checks: {} };
    const evaluations = { asset: answer.evaluations, checks: answer.checks };
    const text = JSON.stringify([body, evaluations]);
    if (text !== last) {
      last = text;
      render(details, body, location, evaluations);
    }
    if (body.asset.partitioned) {
      if (!showPartitions) {
        partitions.hidden = false;
        showPartitions = partitionsSection(partitions);
      }
      const suffix = location ? `?location=${encodeURIComponent(location)}` : "";
      const path = body.asset.key.map(encodeURIComponent).join("/");
      showPartitions(await getJSON(`/api/asset-partitions/${path}${suffix}`));
    }
  };
  await load();
  every(REFRESH_MS, load);
});
