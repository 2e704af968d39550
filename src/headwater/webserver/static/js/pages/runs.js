// Runs: newest first, filtered by status (and job / location), refreshed while open.

import { getJSON, query } from "../api.js";
import { formatDuration, formatTime, h, replace, runLink, statusBadge, table } from "../dom.js";
import { every, setTitle, startPage } from "../layout.js";

const STATUSES = ["QUEUED", "STARTING", "STARTED", "SUCCESS", "FAILURE", "CANCELING", "CANCELED"];
const ORIGIN_TAGS = [
  ["headwater/schedule_name", "schedule"], ["headwater/sensor_name", "sensor"],
  ["headwater/backfill", "backfill"],
];
const PAGE_SIZE = 100;
const REFRESH_MS = 2000;

const state = { statuses: new Set(), limit: PAGE_SIZE };

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
    h("td", {}, runLink(run.run_id)), h("td", {}, statusBadge(run.status)),
    h("td", {}, target), h("td", {}, run.location || "—"), h("td", {}, run.partition || "—"),
    h("td", {}, launchedBy(run.tags)), h("td", {}, formatTime(run.created_at)),
    h("td", {}, duration(run)),
    h("td", { class: "muted" }, run.failure_message || ""));
}

async function load() {
  const params = new URLSearchParams(window.location.search);
  const body = await getJSON(`/api/runs${query({
    status: [...state.statuses].join(","), limit: state.limit, job: params.get("job"),
    location: params.get("location"),
  })}`);
  replace(document.getElementById("run-rows"), body.runs.map(row));
  document.getElementById("runs-empty").hidden = body.runs.length > 0;
  document.getElementById("more-runs").hidden = body.runs.length < state.limit;
}

startPage(async (container) => {
  setTitle("Runs");
  const filters = STATUSES.map((status) => h("label", { class: "switch" },
    h("input", { type: "checkbox", class: "status-filter", value: status,
      onchange: (event) => {
        if (event.target.checked) state.statuses.add(status);
        else state.statuses.delete(status);
        load();
      } }), status));
  replace(container,
    h("div", { class: "toolbar" }, h("span", { class: "muted" }, "Status:"), filters,
      h("span", { class: "spacer" }), h("a", { href: "/jobs" }, "Launch a job")),
    table(["Run", "Status", "Job / assets", "Location", "Partition", "Launched by", "Created",
      "Duration", "Failure"], [], { class: "runs" }),
    h("p", { id: "runs-empty", class: "muted", hidden: true }, "No runs."),
    h("button", { id: "more-runs", hidden: true,
      onclick: () => { state.limit += PAGE_SIZE; load(); } }, "Show more"));
  container.querySelector("table.runs tbody").id = "run-rows";
  await load();
  every(REFRESH_MS, load);
});
