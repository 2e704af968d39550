// Runs: newest first, filtered by status, job, tag, launched-by, creation date and backfill
// (all kept in the URL), refreshed while open; select runs to cancel or re-execute them in
// bulk; the runs of one backfill are grouped under it.

import { getJSON, postJSON, query } from "../api.js";
import { formatDuration, formatTime, h, replace, runLink, statusBadge, table } from "../dom.js";
import { action, every, notify, setTitle, startPage } from "../layout.js";

const STATUSES = ["QUEUED", "STARTING", "STARTED", "SUCCESS", "FAILURE", "CANCELING", "CANCELED"];
const ORIGIN_TAGS = [
  ["headwater/schedule_name", "schedule"], ["headwater/sensor_name", "sensor"],
  ["headwater/backfill", "backfill"],
];
const BACKFILL_TAG = "headwater/backfill";
const PAGE_SIZE = 100;
const REFRESH_MS = 2000;
const TEXT_FILTERS = [["job", "Job"], ["tag", "Tag k=v"], ["launched_by", "schedule:NAME"],
  ["backfill", "Backfill id"]];

const url = new URLSearchParams(window.location.search);
const state = {
  statuses: new Set((url.get("status") || "").split(",").filter(Boolean)), limit: PAGE_SIZE,
  filters: Object.fromEntries([...TEXT_FILTERS.map(([name]) => [name, url.get(name) || ""]),
    ["location", url.get("location") || ""], ["after", url.get("after") || ""],
    ["before", url.get("before") || ""]]),
  picked: new Set(),
};

function launchedBy(tags) {
  for (const [tag, label] of ORIGIN_TAGS) {
    if (tags && tags[tag]) {
      const value = tags[tag];
      return label === "backfill"
        ? h("a", { href: `/backfills/${encodeURIComponent(value)}` }, `${label}: ${value}`)
        : `${label}: ${value}`;
    }
  }
  return "manual";
}

function duration(run) {
  if (!run.start_time) return "—";
  return formatDuration((run.end_time || Date.now() / 1000) - run.start_time);
}

function row(run) {
  const target = run.asset_selection && run.asset_selection.length
    ? run.asset_selection.map((key) => key.join("/")).join(", ") : run.job_name;
  return h("tr", { dataset: { runId: run.run_id, status: run.status } },
    h("td", {}, h("input", { type: "checkbox", class: "run-pick", "aria-label":
      `Select run ${run.run_id.slice(0, 8)}`, checked: state.picked.has(run.run_id),
    onchange: (event) => {
      if (event.target.checked) state.picked.add(run.run_id);
      else state.picked.delete(run.run_id);
      updatePicked();
    } })),
    h("td", {}, runLink(run.run_id)), h("td", {}, statusBadge(run.status)),
    h("td", {}, target), h("td", {}, run.location || "—"), h("td", {}, run.partition || "—"),
    h("td", {}, launchedBy(run.tags)), h("td", {}, formatTime(run.created_at)),
    h("td", {}, duration(run)),
    h("td", { class: "muted" }, run.failure_message || ""));
}

/** Rows, with the runs of one backfill together under a header row (first seen order). */
function groupedRows(runs) {
  const rows = [];
  const seen = new Set();
  for (const run of runs) {
    const backfill = (run.tags || {})[BACKFILL_TAG];
    if (!backfill) {
      rows.push(row(run));
      continue;
    }
    if (seen.has(backfill)) continue;
    seen.add(backfill);
    const members = runs.filter((other) => (other.tags || {})[BACKFILL_TAG] === backfill);
    rows.push(h("tr", { class: "backfill-group", dataset: { backfill } },
      h("td", { colspan: 10 }, h("a", { href: `/backfills/${encodeURIComponent(backfill)}` },
        `Backfill ${backfill}`), h("span", { class: "muted" }, ` · ${members.length} runs`))));
    rows.push(...members.map((member) => {
      const node = row(member);
      node.classList.add("in-backfill");
      return node;
    }));
  }
  return rows;
}

function dateSeconds(text, endOfDay) {
  if (!text) return null;
  const time = new Date(`${text}T${endOfDay ? "23:59:59" : "00:00:00"}`).getTime();
  return Number.isNaN(time) ? null : time / 1000;
}

function keepInUrl() {
  const next = new URL(window.location.href);
  next.search = "";
  if (state.statuses.size) next.searchParams.set("status", [...state.statuses].join(","));
  for (const [name, value] of Object.entries(state.filters)) {
    if (value) next.searchParams.set(name, value);
  }
  window.history.replaceState(null, "", next);
}

async function load() {
  const f = state.filters;
  const body = await getJSON(`/api/runs${query({
    status: [...state.statuses].join(","), limit: state.limit, job: f.job, location: f.location,
    tag: f.tag, launched_by: f.launched_by, backfill: f.backfill,
    created_after: dateSeconds(f.after, false), created_before: dateSeconds(f.before, true),
  })}`);
  replace(document.getElementById("run-rows"), groupedRows(body.runs));
  document.getElementById("runs-empty").hidden = body.runs.length > 0;
  document.getElementById("more-runs").hidden = body.runs.length < state.limit;
}

function updatePicked() {
  document.getElementById("picked-count").textContent = `${state.picked.size} selected`;
  for (const button of document.querySelectorAll(".bulk")) button.disabled = !state.picked.size;
}

async function bulk(actionName) {
  const { results } = await postJSON("/api/runs/bulk", { action: actionName,
    run_ids: [...state.picked] });
  const failed = results.filter((result) => !result.ok);
  state.picked.clear();
  updatePicked();
  notify(failed.length ? failed.map((r) => `${r.run_id.slice(0, 8)}: ${r.error}`).join("\n")
    : `${actionName === "cancel" ? "Canceled" : "Re-executed"} ${results.length} runs.`,
  failed.length ? "error" : "info");
  await load();
}

function filterBar() {
  const changed = () => { keepInUrl(); state.limit = PAGE_SIZE; load(); };
  const text = TEXT_FILTERS.map(([name, label]) => {
    const input = h("input", { type: "search", id: `filter-${name}`, placeholder: label,
      "aria-label": label, value: state.filters[name], class: "run-filter" });
    input.addEventListener("change", () => { state.filters[name] = input.value.trim(); changed(); });
    return input;
  });
  const dates = [["after", "Created from"], ["before", "Created until"]].map(([name, label]) => {
    const input = h("input", { type: "date", id: `filter-${name}`, "aria-label": label,
      value: state.filters[name] });
    input.addEventListener("change", () => { state.filters[name] = input.value; changed(); });
    return h("label", {}, `${label} `, input);
  });
  const statuses = STATUSES.map((status) => h("label", { class: "switch" },
    h("input", { type: "checkbox", class: "status-filter", value: status,
      checked: state.statuses.has(status), onchange: (event) => {
        if (event.target.checked) state.statuses.add(status);
        else state.statuses.delete(status);
        changed();
      } }), status));
  return [h("div", { class: "toolbar" }, h("span", { class: "muted" }, "Status:"), statuses),
    h("div", { class: "toolbar" }, text, dates, h("span", { class: "spacer" }),
      h("a", { href: "/jobs" }, "Launch a job"))];
}

startPage(async (container) => {
  setTitle("Runs");
  replace(container, filterBar(),
    h("div", { class: "toolbar" }, h("span", { id: "picked-count", class: "muted" }, "0 selected"),
      action(h("button", { class: "bulk danger", id: "bulk-cancel", disabled: true },
        "Cancel selected"), () => bulk("cancel"), "Canceling…"),
      action(h("button", { class: "bulk", id: "bulk-reexecute", disabled: true },
        "Re-execute selected"), () => bulk("reexecute"), "Launching…")),
    table(["", "Run", "Status", "Job / assets", "Location", "Partition", "Launched by",
      "Created", "Duration", "Failure"], [], { class: "runs" }),
    h("p", { id: "runs-empty", class: "muted", hidden: true }, "No runs."),
    h("button", { id: "more-runs", hidden: true,
      onclick: () => { state.limit += PAGE_SIZE; load(); } }, "Show more"));
  container.querySelector("table.runs tbody").id = "run-rows";
  await load();
  every(REFRESH_MS, load);
});
