// One schedule or sensor: on/off, preview (evaluate a tick now without launching), a
// sensor's cursor (view, edit, reset), a tick timeline and the tick history with its runs.

import { getJSON, postJSON } from "../api.js";
import {
  errorSummary, errorBlock, formatRelative, formatTime, h, replace, runLink, s, statusBadge,
  table,
} from "../dom.js";
import { action, every, notify, setTitle, startPage } from "../layout.js";

const REFRESH_MS = 5000;
const TICKS = 100;
const state = { kind: "", location: "", name: "", item: null };
const path = () => `/api/${state.kind}/${encodeURIComponent(state.location)}/${
  encodeURIComponent(state.name)}`;

function tickTimeline(ticks, width = 900) {
  if (!ticks.length) return h("p", { class: "muted" }, "No ticks yet.");
  const height = 46;
  const t0 = Math.min(...ticks.map((t) => t.timestamp));
  const t1 = Math.max(t0 + 1, ...ticks.map((t) => t.timestamp));
  const x = (t) => 10 + ((t - t0) / (t1 - t0)) * (width - 20);
  return s("svg", { class: "tick-timeline", width, height, viewBox: `0 0 ${width} ${height}`,
    role: "img", "aria-label": "Tick timeline" },
  s("line", { class: "axis", x1: 10, x2: width - 10, y1: 18, y2: 18 }),
  ticks.map((tick) => s("circle", { class: `tick-dot tick-${tick.status.toLowerCase()}`,
    cx: x(tick.timestamp), cy: 18, r: 5, dataset: { status: tick.status } },
  s("title", {}, `${formatTime(tick.timestamp)} ${tick.status}${
    tick.skip_reason ? `: ${tick.skip_reason}` : ""}`))),
  s("text", { class: "tick-label", x: 10, y: 40 }, formatTime(t0)),
  s("text", { class: "tick-label", x: width - 10, y: 40, "text-anchor": "end" }, formatTime(t1)));
}

function tickTable(ticks) {
  if (!ticks.length) return null;
  return table(["Time", "Status", "Runs", "Skip reason / error", "Cursor"], ticks.map((tick) =>
    h("tr", { dataset: { tickStatus: tick.status } }, h("td", {}, formatTime(tick.timestamp)),
      h("td", {}, statusBadge(tick.status)),
      h("td", {}, (tick.run_ids || []).map((id) => h("div", {}, runLink(id)))),
      h("td", {}, tick.skip_reason ? h("span", { class: "skip-reason" }, tick.skip_reason) : null,
        tick.error ? h("details", {}, h("summary", {}, errorSummary(tick.error)),
          errorBlock(tick.error, "")) : null),
      h("td", { class: "muted" }, tick.cursor || ""))), { class: "ticks" });
}

function previewResult(answer) {
  const requests = answer.run_requests || [];
  return h("div", { class: "preview-result", dataset: { requests: String(requests.length) } },
    answer.error ? errorBlock(answer.error) : null,
    answer.skip_reason ? h("p", { class: "skip-reason" }, `Skipped: ${answer.skip_reason}`) : null,
    requests.length ? table(["Run key", "Job / assets", "Partition", "Tags", "Config"],
      requests.map((r) => h("tr", {}, h("td", {}, r.run_key || "—"),
        h("td", {}, r.job_name || (r.asset_selection || []).map((k) => k.join("/")).join(", ")),
        h("td", {}, r.partition_key || "—"),
        h("td", {}, Object.entries(r.tags || {}).map(([k, v]) => `${k}=${v}`).join(", ")),
        h("td", {}, h("pre", { class: "meta-block" }, JSON.stringify(r.run_config || {}, null, 2))))),
      { class: "run-requests" })
      : !answer.skip_reason && !answer.error
        ? h("p", { class: "muted" }, "No run requests.") : null,
    state.kind === "sensors" ? h("p", { class: "muted" },
      `Cursor after this tick would be: ${answer.cursor ?? "(none)"} (not stored)`) : null);
}

function cursorEditor(item) {
  const input = h("input", { type: "text", id: "cursor-input", value: item.cursor || "",
    "aria-label": "Cursor" });
  const save = (cursor) => async () => {
    state.item = await postJSON(`${path()}/cursor`, { cursor });
    notify(cursor === null ? "Cursor reset." : "Cursor saved.", "info");
    render();
  };
  return h("div", { class: "row cursor-editor" }, h("span", {}, "Cursor"), input,
    action(h("button", { id: "cursor-save" }, "Save"), () => save(input.value)(), "Saving…"),
    action(h("button", { id: "cursor-reset", class: "danger" }, "Reset"), save(null),
      "Resetting…"));
}

function render() {
  const item = state.item;
  const running = item.status === "RUNNING";
  replace(document.getElementById("instigator-head"),
    h("div", { class: "row" }, statusBadge(item.status), h("span", { class: "spacer" }),
      action(h("button", { id: "switch", class: running ? "danger" : "primary" },
        running ? "Stop" : "Start"), async () => {
        state.item = await postJSON(`${path()}/${running ? "stop" : "start"}`, {});
        render();
      }, "…"),
      action(h("button", { id: "preview" }, "Preview a tick now"), async () => {
        const answer = await postJSON(`${path()}/preview`, {});
        replace(document.getElementById("preview-panel"), h("h2", {}, "Preview"),
          previewResult(answer));
      }, "Evaluating…")),
    h("dl", { class: "kv" }, h("dt", {}, "Location"), h("dd", {}, item.location),
      h("dt", {}, "Job"), h("dd", {}, item.job_name || (item.job_names || []).join(", ") || "—"),
      state.kind === "schedules" ? [h("dt", {}, "Cron"), h("dd", {}, String(item.cron_schedule)),
        h("dt", {}, "Next tick"), h("dd", {}, item.next_tick
          ? `${formatTime(item.next_tick)} (${formatRelative(item.next_tick)})` : "—")]
        : [h("dt", {}, "Cursor"), h("dd", { id: "cursor-value" }, item.cursor || "—")],
      item.description ? [h("dt", {}, "Description"), h("dd", {}, item.description)] : null),
    state.kind === "sensors" ? cursorEditor(item) : null);
}

async function load() {
  const body = await getJSON(`${path()}?limit=${TICKS}`);
  state.item = body.schedule || body.sensor;
  const ticks = body.ticks || [];
  if (!document.activeElement || !document.activeElement.closest("#instigator-head")) render();
  const holder = document.getElementById("tick-timeline");
  replace(holder, tickTimeline([...ticks].reverse(), Math.max(400, holder.clientWidth || 900)));
  replace(document.getElementById("tick-table"), tickTable(ticks));
}

startPage(async (container, params) => {
  state.kind = params.page === "sensor" ? "sensors" : "schedules";
  state.location = params.location;
  state.name = params.name;
  setTitle(`${state.kind === "sensors" ? "Sensor" : "Schedule"} ${state.name}`);
  replace(container,
    h("p", {}, h("a", { href: `/${state.kind}` }, `All ${state.kind}`)),
    h("section", { class: "card", id: "instigator-head" }),
    h("div", { id: "preview-panel", class: "card preview-panel" },
      h("p", { class: "muted" }, "Preview evaluates one tick now: nothing is launched and the " +
        "cursor is not moved.")),
    h("h2", {}, "Ticks"), h("div", { id: "tick-timeline", class: "svg-holder" }),
    h("div", { id: "tick-table" }));
  await load();
  every(REFRESH_MS, load);
});
