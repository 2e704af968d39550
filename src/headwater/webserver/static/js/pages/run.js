// One run, for debugging it: status, config and tags, full errors, a step timeline and table
// (click a step to filter the log and see what it printed), a live structured event log
// with text/level/step filters (kept in the URL), re-execution (all, from failure, chosen
// steps, from a step) and the runs of its re-execution group.

import { getJSON, postJSON, query } from "../api.js";
import {
  drawAtWidth, formatDuration, formatTime, h, replace, runHref, runLink, statusBadge, table,
} from "../dom.js";
import { gantt } from "../gantt.js";
import { action, every, health, notify, setTitle, startPage } from "../layout.js";
import { eventRow, LEVELS, matches, OUTPUT_EVENTS } from "../run_events.js";
import {
  configPanel, errorsPanel, failures, groupPanel, outputPanel, stepsTable,
} from "../run_steps.js";

const FINISHED = new Set(["SUCCESS", "FAILURE", "CANCELED"]);
const POLL_MS = 1000;
const url = new URL(window.location.href);
const state = {
  runId: "", run: null, steps: [], seen: new Set(), lastId: null, refreshing: null,
  events: [], group: null, picked: new Set(), expanded: new Set(),
  filters: { text: url.searchParams.get("q") || "", level: url.searchParams.get("level") || "",
    step: url.searchParams.get("step") || "" },
};

function details(run) {
  const selection = (run.asset_selection || []).map((key) => key.join("/")).join(", ");
  const checks = (run.asset_check_selection || [])
    .map((check) => `${check.asset_key.join("/")}:${check.name}`).join(", ");
  const tags = Object.entries(run.tags || {}).map(([k, v]) => h("span", { class: "tag" },
    `${k} = ${v}`));
  const pairs = [
    ["Job", run.job_name], ["Location", run.location], ["Assets", selection || null],
    ["Checks", checks ? h("span", { class: "check-selection" }, checks) : null],
    ["Partition", run.partition], ["Created", formatTime(run.created_at)],
    ["Started", formatTime(run.start_time)], ["Ended", formatTime(run.end_time)],
    ["Duration", run.start_time ? formatDuration((run.end_time || Date.now() / 1000) -
      run.start_time) : null],
    ["Re-executes", run.parent_run_id ? runLink(run.parent_run_id) : null],
    ["Steps", run.step_keys_to_execute ? run.step_keys_to_execute.join(", ") : null],
    ["Tags", tags.length ? h("div", { class: "tags" }, tags) : null],
  ];
  return h("dl", { class: "kv" }, pairs.filter(([, v]) => v !== null && v !== undefined && v !== "")
    .map(([label, value]) => [h("dt", {}, label), h("dd", {}, value)]));
}

async function reexecute(body) {
  const { run_id: runId } = await postJSON(
    `/api/runs/${encodeURIComponent(state.runId)}/reexecute`, body);
  window.location.assign(runHref(runId));
}

function runButtons(run) {
  if (!FINISHED.has(run.status)) {
    return [action(h("button", { class: "danger cancel-run", disabled: health.readOnly ||
      run.status === "CANCELING" }, "Cancel"), async () => {
      const body = await postJSON(`/api/runs/${encodeURIComponent(state.runId)}/cancel`, {});
      state.run = body.run || body;
      renderRun();
    }, "Canceling…")];
  }
  const buttons = [action(h("button", { class: "reexecute-all" }, "Re-execute all"),
    () => reexecute({ from_failure: false }), "Launching…")];
  if (run.status === "FAILURE" || run.status === "CANCELED") {
    buttons.push(action(h("button", { class: "primary reexecute-failure" },
      "Re-execute from failure"), () => reexecute({ from_failure: true }), "Launching…"));
  }
  return buttons;
}

function stepButtons() {
  const picked = [...state.picked];
  const finished = state.run && FINISHED.has(state.run.status);
  return [
    action(h("button", { class: "reexecute-selected", disabled: !finished || !picked.length },
      `Re-execute selected (${picked.length})`), () => reexecute({ steps: picked }),
    "Launching…"),
    action(h("button", { class: "reexecute-from-selected",
      disabled: !finished || picked.length !== 1,
      title: "The selected step and every step downstream of it" },
    "Re-execute from selected"), () => reexecute({ from_step: picked[0] }), "Launching…"),
  ];
}

function renderSteps() {
  const holder = document.getElementById("run-steps");
  if (!state.steps.length) {
    replace(holder, h("p", { class: "muted" }, "No steps have started yet."));
    return;
  }
  replace(holder, h("div", { class: "toolbar" }, stepButtons()),
    stepsTable(state.steps, { step: state.filters.step, picked: state.picked }, {
      onStep: selectStep,
      onPick: (key, on) => {
        if (on) state.picked.add(key);
        else state.picked.delete(key);
        renderSteps();
      },
    }));
}

function renderRun() {
  const run = state.run;
  const status = document.getElementById("run-status");
  replace(status, statusBadge(run.status));
  status.dataset.status = run.status;
  replace(document.getElementById("run-actions"), runButtons(run));
  replace(document.getElementById("run-details"), details(run),
    run.failure_message ? h("pre", { class: "wrap failure" }, run.failure_message) : null,
    configPanel(run.run_config));
  const holder = document.getElementById("run-gantt");
  if (!state.steps.length) replace(holder, h("p", { class: "muted" }, "No steps have started yet."));
  else {
    drawAtWidth(holder, (width) => gantt(state.steps, run.start_time,
      run.end_time || Date.now() / 1000, width,
      { onStep: selectStep, selected: state.filters.step, expanded: state.expanded,
        onToggle: renderRun }));
  }
  renderSteps();
}

function renderDebugPanels() {
  replace(document.getElementById("run-errors"), errorsPanel(failures(state.events), selectStep));
  const output = document.getElementById("step-output");
  replace(output, state.filters.step ? outputPanel(state.filters.step, state.events) : null);
}

function keepFiltersInUrl() {
  const next = new URL(window.location.href);
  for (const [name, value] of [["q", state.filters.text], ["level", state.filters.level],
    ["step", state.filters.step]]) {
    if (value) next.searchParams.set(name, value);
    else next.searchParams.delete(name);
  }
  window.history.replaceState(null, "", next);
}

function applyFilters() {
  let shown = 0;
  for (const rowNode of document.getElementById("event-rows").children) {
    rowNode.hidden = !matches(rowNode.eventData, state.filters);
    if (!rowNode.hidden) shown += 1;
  }
  const chip = document.getElementById("step-chip");
  replace(chip, state.filters.step ? [`step: ${state.filters.step} `, h("button", {
    class: "link clear-step", type: "button", "aria-label": "Show every step",
    onclick: () => selectStep("") }, "×")] : null);
  chip.hidden = !state.filters.step;
  document.getElementById("event-count").textContent =
    `${shown} of ${state.seen.size} events`;
  keepFiltersInUrl();
}

function selectStep(stepKey) {
  state.filters.step = state.filters.step === stepKey ? "" : stepKey;
  applyFilters();
  renderDebugPanels();
  if (state.run) renderRun();
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

async function refreshGroup() {
  try {
    state.group = await getJSON(`/api/runs/${encodeURIComponent(state.runId)}/group`);
  } catch (error) {
    state.group = null;  // an older server without groups: nothing to link
  }
  replace(document.getElementById("run-group"), groupPanel(state.group, state.runId));
}

function addEvent(event) {
  if (state.seen.has(event.storage_id)) return;
  state.seen.add(event.storage_id);
  state.events.push(event);
  state.lastId = Math.max(state.lastId ?? -Infinity, event.storage_id);
  const rowNode = eventRow(event, selectStep);
  rowNode.hidden = !matches(event, state.filters);
  const log = document.getElementById("event-log");
  const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
  document.getElementById("event-rows").append(rowNode);
  if (atBottom) log.scrollTop = log.scrollHeight;
  const shown = document.querySelectorAll("#event-rows > tr:not([hidden])").length;
  document.getElementById("event-count").textContent = `${shown} of ${state.seen.size} events`;
  if (OUTPUT_EVENTS.has(event.event_type) || event.error) scheduleDebugPanels();
  if ((event.step_key && !OUTPUT_EVENTS.has(event.event_type)) ||
      /^RUN_|^PIPELINE_/.test(event.event_type)) refreshRun();
}

let panelsPending = false;
function scheduleDebugPanels() {
  // Output arrives in bursts: redraw the panels once per frame, not once per event.
  if (panelsPending) return;
  panelsPending = true;
  requestAnimationFrame(() => {
    panelsPending = false;
    renderDebugPanels();
  });
}

async function fetchNewEvents() {
  const before = state.lastId;
  const body = await getJSON(`/api/runs/${encodeURIComponent(state.runId)}/events${
    query({ after: state.lastId })}`);
  body.events.forEach(addEvent);
  // The API answers at most 1000 events at a time: read on while pages come back full.
  state.lastIdChanged = body.events.length >= 1000 && state.lastId !== before;
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
    if (FINISHED.has(streamed.status)) {
      source.close();
      refreshGroup();
    }
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

function logToolbar() {
  const filter = h("input", { type: "search", id: "log-filter", placeholder: "Filter events",
    "aria-label": "Filter events", value: state.filters.text });
  filter.addEventListener("input", () => {
    state.filters.text = filter.value;
    applyFilters();
  });
  const level = h("select", { id: "log-level", "aria-label": "Lowest level shown" },
    h("option", { value: "" }, "All levels"),
    LEVELS.slice(0, 4).map((name) => h("option", { value: name,
      selected: state.filters.level === name }, `${name.toLowerCase()} and above`)));
  level.addEventListener("change", () => {
    state.filters.level = level.value;
    applyFilters();
  });
  return h("div", { class: "toolbar" }, filter, level,
    h("span", { id: "step-chip", class: "chip", hidden: true }),
    h("span", { id: "event-count", class: "muted" }));
}

startPage(async (container, params) => {
  state.runId = params.runId;
  setTitle(`Run ${state.runId.slice(0, 8)}`);
  replace(container,
    h("section", { class: "card" },
      h("div", { class: "row" }, h("span", { id: "run-status" }), runLink(state.runId),
        h("span", { class: "muted" }, state.runId), h("span", { class: "spacer" }),
        h("span", { id: "run-actions", class: "row" })),
      h("div", { id: "run-details" })),
    h("div", { id: "run-group" }),
    h("div", { id: "run-errors" }),
    h("h2", {}, "Timeline"),
    h("p", { class: "muted note" }, "Elapsed time since the first step started. Click a step " +
      "to see only its events and what it printed."),
    h("div", { id: "run-gantt", class: "svg-holder" }),
    h("h2", {}, "Steps"),
    h("div", { id: "run-steps" }),
    h("div", { id: "step-output" }),
    h("h2", {}, "Events"),
    logToolbar(),
    h("div", { id: "event-log", class: "log" },
      table(["Time", "Event", "Step", "Level", "Message"], [], { class: "events" })));
  container.querySelector("table.events tbody").id = "event-rows";
  applyFilters();
  await refreshRun();
  refreshGroup();
  // A finished run's log is complete: one JSON read instead of opening a stream.
  if (FINISHED.has(state.run.status)) {
    await fetchNewEvents();
    for (let page = 0; page < 50 && state.lastIdChanged; page++) await fetchNewEvents();
  } else streamEvents();
});
