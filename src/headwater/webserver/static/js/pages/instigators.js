// Schedules and sensors: on/off toggles, next tick, tick history with skip reasons and errors.

import { getJSON, postJSON } from "../api.js";
import {
  errorSummary, errorBlock, formatRelative, formatTime, h, replace, runLink, statusBadge, table,
} from "../dom.js";
import { action, every, health, notify, setTitle, startPage } from "../layout.js";

const REFRESH_MS = 5000;
const KIND = document.body.dataset.page === "sensors" ? "sensors" : "schedules";
const open = new Set();
const picked = new Set();

async function bulkSwitch(actionName) {
  const items = [...picked].map((id) => {
    const [location, ...rest] = id.split("/");
    return { kind: KIND.slice(0, -1), location, name: rest.join("/") };
  });
  if (!items.length) throw new Error(`Select the ${KIND} to ${actionName} first.`);
  const { results } = await postJSON("/api/instigators/bulk", { action: actionName, items });
  const failed = results.filter((r) => !r.ok);
  notify(failed.length ? failed.map((r) => r.error).join("\n")
    : `${actionName === "start" ? "Started" : "Stopped"} ${results.length} ${KIND}.`,
  failed.length ? "error" : "info");
  await load();
}

const itemId = (item) => `${item.location}/${item.name}`;
const itemPath = (item) =>
  `/api/${KIND}/${encodeURIComponent(item.location)}/${encodeURIComponent(item.name)}`;

function toggle(item) {
  const running = item.status === "RUNNING";
  const box = h("input", { type: "checkbox", role: "switch", class: "toggle", checked: running,
    disabled: health.readOnly, "aria-label": `${running ? "Stop" : "Start"} ${item.name}` });
  box.addEventListener("change", async () => {
    box.disabled = true;
    try {
      notify(null);
      await postJSON(`${itemPath(item)}/${box.checked ? "start" : "stop"}`, {});
      await load();
    } catch (error) {
      box.checked = running;
      notify(error.message);
    } finally {
      box.disabled = false;
    }
  });
  return h("label", { class: "switch" }, box, h("span", { class: "toggle-label" },
    running ? "on" : "off"));
}

function tickError(error) {
  if (!error) return null;
  const text = errorSummary(error);
  return h("details", { class: "tick-error" }, h("summary", {}, text),
    errorBlock(error, "traceback"));
}

function tickRows(ticks) {
  if (!ticks.length) return h("p", { class: "muted" }, "No ticks yet.");
  return table(["Time", "Status", "Runs", "Skip reason / error"], ticks.map((tick) =>
    h("tr", { dataset: { tickStatus: tick.status } }, h("td", {}, formatTime(tick.timestamp)),
      h("td", {}, statusBadge(tick.status)),
      h("td", {}, (tick.run_ids || []).map((id) => h("div", {}, runLink(id)))),
      h("td", {}, tick.skip_reason ? h("span", { class: "skip-reason" }, tick.skip_reason) : null,
        tickError(tick.error)))), { class: "ticks" });
}

async function showTicks(item, holder) {
  const body = await getJSON(itemPath(item));
  replace(holder, tickRows(body.ticks || []));
}

async function refreshOpenTicks() {
  const cards = document.querySelectorAll(".instigator");
  await Promise.all([...cards].map((node) => {
    const details = node.querySelector("details.ticks-toggle");
    if (!details || !details.open) return null;
    const item = { location: node.dataset.location, name: node.dataset.name };
    return showTicks(item, details.querySelector(".tick-history"));
  }));
}

function describe(item) {
  if (KIND === "schedules") {
    return `${item.cron_schedule}${item.execution_timezone ? ` (${item.execution_timezone})` : ""}`;
  }
  const interval = item.minimum_interval_seconds ? `every ≥ ${item.minimum_interval_seconds} s`
    : "";
  return [item.sensor_type, interval].filter(Boolean).join(" · ");
}

function card(item) {
  const holder = h("div", { class: "tick-history" });
  const details = h("details", { class: "ticks-toggle", open: open.has(itemId(item)) },
    h("summary", {}, "Tick history"), holder);
  details.addEventListener("toggle", () => {
    if (details.open) {
      open.add(itemId(item));
      showTicks(item, holder).catch((error) => notify(error.message));
    } else open.delete(itemId(item));
  });
  if (details.open) showTicks(item, holder).catch((error) => notify(error.message));
  return h("section", { class: "card instigator", dataset: { name: item.name,
    location: item.location, status: item.status } },
  h("div", { class: "row" }, h("input", { type: "checkbox", class: "instigator-pick",
    "aria-label": `Select ${item.name}`, checked: picked.has(itemId(item)),
    onchange: (event) => {
      if (event.target.checked) picked.add(itemId(item));
      else picked.delete(itemId(item));
    } }),
  h("h2", {}, h("a", { href: `/${KIND}/${encodeURIComponent(item.location)}/${
    encodeURIComponent(item.name)}`, class: "instigator-link" }, item.name)),
  statusBadge(item.status), h("span", { class: "spacer" }), toggle(item)),
  h("dl", { class: "kv" },
    h("dt", {}, "Location"), h("dd", {}, item.location),
    h("dt", {}, "Job"),
    h("dd", { class: "job" }, item.job_name || (item.job_names || []).join(", ") || "—"),
    h("dt", {}, KIND === "schedules" ? "Schedule" : "Sensor"), h("dd", {}, describe(item) || "—"),
    KIND === "schedules" ? [h("dt", {}, "Next tick"), h("dd", { class: "next-tick" },
      item.next_tick ? `${formatTime(item.next_tick)} (${formatRelative(item.next_tick)})`
        : "—")] : [h("dt", {}, "Cursor"), h("dd", {}, item.cursor || "—")],
    item.description ? [h("dt", {}, "Description"),
      h("dd", { class: "description" }, item.description)] : null),
  details);
}

async function load() {
  const items = (await getJSON(`/api/${KIND}`))[KIND];
  replace(document.getElementById("instigator-list"), items.length ? items.map(card)
    : h("p", { class: "muted" }, `No ${KIND}.`));
}

startPage(async (container) => {
  setTitle(KIND === "sensors" ? "Sensors" : "Schedules");
  replace(container, h("div", { class: "toolbar" },
    action(h("button", { id: "bulk-start" }, "Start selected"), () => bulkSwitch("start"), "…"),
    action(h("button", { id: "bulk-stop" }, "Stop selected"), () => bulkSwitch("stop"), "…")),
  h("div", { id: "instigator-list" }));
  await load();
  every(REFRESH_MS, async () => {
    // Don't rebuild a card while the user is using it (a toggle, the tick history): refresh
    // only the open tick histories then, and not even those while focus is inside one.
    const focused = document.activeElement;
    if (focused && focused.closest(".tick-history")) return;
    if (focused && focused.closest(".instigator")) await refreshOpenTicks();
    else await load();
  });
});
