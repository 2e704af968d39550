// One run: status, live event log over SSE, step timeline, cancel and re-execute.

import { getJSON, postJSON, query } from "../api.js";
import {
  drawAtWidth, formatDuration, formatTime, h, replace, runHref, runLink, statusBadge, table,
} from "../dom.js";
import { gantt } from "../gantt.js";
import { action, every, health, notify, setTitle, startPage } from "../layout.js";

const FINISHED = new Set(["SUCCESS", "FAILURE", "CANCELED"]);
const POLL_MS = 1000;
const state = { runId: "", run: null, steps: [], seen: new Set(), lastId: null, refreshing: null,
  expanded: new Set() };

function details(run) {
  const selection = (run.asset_selection || []).map((key) => key.join("/")).join(", ");
  const tags = Object.entries(run.tags || {}).map(([k, v]) => h("div", {}, `${k} = ${v}`));
  const pairs = [
    ["Job", run.job_name], ["Location", run.location], ["Assets", selection || null],
    ["Partition", run.partition], ["Created", formatTime(run.created_at)],
    ["Started", formatTime(run.start_time)], ["Ended", formatTime(run.end_time)],
    ["Duration", run.start_time ? formatDuration((run.end_time || Date.now() / 1000) -
      run.start_time) : null],
    ["Tags", tags.length ? tags : null],
  ];
  return h("dl", { class: "kv" }, pairs.filter(([, v]) => v !== null && v !== undefined && v !== "")
    .map(([label, value]) => [h("dt", {}, label), h("dd", {}, value)]));
}

async function reexecute(fromFailure) {
  const { run_id: runId } = await postJSON(
    `/api/runs/${encodeURIComponent(state.runId)}/reexecute`, { from_failure: fromFailure });
  window.location.assign(runHref(runId));
}

function renderRun() {
  const run = state.run;
  const finished = FINISHED.has(run.status);
  const buttons = [];
  if (!finished) {
    buttons.push(action(h("button", { class: "danger cancel-run", disabled: health.readOnly ||
      run.status === "CANCELING" }, "Cancel"), async () => {
      const body = await postJSON(`/api/runs/${encodeURIComponent(state.runId)}/cancel`, {});
      state.run = body.run || body;
      renderRun();
    }, "Canceling…"));
  } else {
    buttons.push(action(h("button", { class: "reexecute-all" }, "Re-execute all"),
      () => reexecute(false), "Launching…"));
    if (run.status === "FAILURE") {
      buttons.push(action(h("button", { class: "primary reexecute-failure" },
        "Re-execute from failure"), () => reexecute(true), "Launching…"));
    }
  }
  const status = document.getElementById("run-status");
  replace(status, statusBadge(run.status));
  status.dataset.status = run.status;
  replace(document.getElementById("run-actions"), buttons);
  replace(document.getElementById("run-details"), details(run),
    run.failure_message ? h("pre", { class: "wrap failure" }, run.failure_message) : null);
  const holder = document.getElementById("run-gantt");
  if (!state.steps.length) replace(holder, h("p", { class: "muted" }, "No steps have started yet."));
  else {
    drawAtWidth(holder, (width) => gantt(state.steps, run.start_time,
      run.end_time || Date.now() / 1000, width, state.expanded, renderRun));
  }
}

async function refreshRun() {
  if (state.refreshing) return state.refreshing;
  state.refreshing = (async () => {
    try {
      const body = await getJSON(`/api/runs/${encodeURIComponent(state.runId)}`);
      state.run = body.run;
      state.steps = body.steps || [];
      renderRun();
    } finally {
      state.refreshing = null;
    }
  })();
  return state.refreshing;
}

function levelClass(level) {
  const text = String(level || "").toLowerCase();
  if (text.startsWith("err") || text === "critical") return "level-error";
  if (text.startsWith("warn")) return "level-warning";
  return "";
}

function matchesFilter(event) {
  const text = document.getElementById("log-filter").value.trim().toLowerCase();
  if (!text) return true;
  return `${event.event_type} ${event.step_key || ""} ${event.message || ""}`.toLowerCase()
    .includes(text);
}

function addEvent(event) {
  if (state.seen.has(event.storage_id)) return;
  state.seen.add(event.storage_id);
  state.lastId = Math.max(state.lastId ?? -Infinity, event.storage_id);
  const rowNode = h("tr", { class: levelClass(event.level),
    dataset: { eventType: event.event_type, storageId: String(event.storage_id) },
    hidden: !matchesFilter(event) },
  h("td", {}, formatTime(event.timestamp)), h("td", {}, event.event_type),
  h("td", {}, event.step_key || ""), h("td", {}, event.level || ""),
  h("td", { class: "message" }, event.message || ""));
  rowNode.eventData = event;
  const log = document.getElementById("event-log");
  const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
  document.getElementById("event-rows").append(rowNode);
  if (atBottom) log.scrollTop = log.scrollHeight;
  document.getElementById("event-count").textContent = `${state.seen.size} events`;
  if (event.step_key || /^RUN_|^PIPELINE_/.test(event.event_type)) refreshRun();
}

async function fetchNewEvents() {
  const body = await getJSON(`/api/runs/${encodeURIComponent(state.runId)}/events${
    query({ after: state.lastId })}`);
  body.events.forEach(addEvent);
}

function pollEvents() {
  const stop = every(POLL_MS, async () => {
    // Status first: once it reads finished, the events fetched after it are the last ones.
    await refreshRun();
    const finished = FINISHED.has(state.run.status);
    await fetchNewEvents();
    if (finished) stop();
  });
}

function streamEvents() {
  if (!("EventSource" in window)) {
    pollEvents();
    return;
  }
  const source = new EventSource(`/api/runs/${encodeURIComponent(state.runId)}/events`);
  source.addEventListener("run_event", (message) => addEvent(JSON.parse(message.data)));
  source.addEventListener("run_status", async (message) => {
    // The stream sends a finished status after the run's last event. Decide from this
    // message, not from refreshRun(): a fast run may already read finished while its last
    // events are still on their way in this stream.
    const streamed = JSON.parse(message.data);
    await refreshRun();
    if (FINISHED.has(streamed.status)) source.close();
  });
  source.addEventListener("error", async () => {
    // The server ends the stream when the run is over; don't let the browser reconnect.
    await refreshRun().catch((error) => notify(error.message));
    if (FINISHED.has(state.run.status)) {
      source.close();
      await fetchNewEvents().catch((error) => notify(error.message));
    } else if (source.readyState === EventSource.CLOSED) pollEvents();
  });
}

startPage(async (container, params) => {
  state.runId = params.runId;
  setTitle(`Run ${state.runId.slice(0, 8)}`);
  const filter = h("input", { type: "search", id: "log-filter", placeholder: "Filter events",
    "aria-label": "Filter events" });
  filter.addEventListener("input", () => {
    for (const rowNode of document.getElementById("event-rows").children) {
      rowNode.hidden = !matchesFilter(rowNode.eventData);
    }
  });
  replace(container,
    h("section", { class: "card" },
      h("div", { class: "row" }, h("span", { id: "run-status" }), runLink(state.runId),
        h("span", { class: "muted" }, state.runId), h("span", { class: "spacer" }),
        h("span", { id: "run-actions", class: "row" })),
      h("div", { id: "run-details" })),
    h("h2", {}, "Timeline"),
    h("p", { class: "muted note" }, "Elapsed time since the first step started."),
    h("div", { id: "run-gantt", class: "svg-holder" }),
    h("h2", {}, "Events"),
    h("div", { class: "toolbar" }, filter, h("span", { id: "event-count", class: "muted" })),
    h("div", { id: "event-log", class: "log" },
      table(["Time", "Event", "Step", "Level", "Message"], [], { class: "events" })));
  container.querySelector("table.events tbody").id = "event-rows";
  await refreshRun();
  streamEvents();
});
