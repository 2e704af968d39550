// Automation: automation condition sensors, their ticks and the assets each tick requested.

import { getJSON } from "../api.js";
import { assetHref, formatTime, h, keyText, replace, runLink, statusBadge, table } from "../dom.js";
import { every, setTitle, startPage } from "../layout.js";

const REFRESH_MS = 5000;

function requestedList(tick) {
  if (!(tick.requested || []).length) return h("span", { class: "muted" }, "—");
  return tick.requested.map((item) => h("div", { class: "requested" },
    h("a", { href: assetHref(item.key) }, keyText(item.key)),
    item.partition ? ` [${item.partition}]` : "", " ", runLink(item.run_id)));
}

function sensorCard(sensor) {
  const rows = (sensor.ticks || []).map((tick) => h("tr", { dataset: { tickStatus: tick.status } },
    h("td", {}, formatTime(tick.timestamp)), h("td", {}, tick.evaluation_id || "—"),
    h("td", {}, statusBadge(tick.status)), h("td", {}, requestedList(tick)),
    h("td", {}, tick.skip_reason || "")));
  return h("section", { class: "card automation-sensor",
    dataset: { sensor: sensor.name, location: sensor.location } },
  h("h2", {}, `${sensor.name} `, statusBadge(sensor.status)),
  h("p", { class: "muted" },
    `${sensor.location} · every ${sensor.minimum_interval_seconds} s · ` +
    `${(sensor.asset_selection || []).length} assets · toggle it on the Sensors page`),
  rows.length ? table(["Time", "Evaluation", "Status", "Requested", "Reason"], rows,
    { class: "ticks" }) : h("p", { class: "muted" }, "No ticks yet."));
}

startPage(async (container) => {
  setTitle("Automation");
  const load = async () => {
    const body = await getJSON("/api/automation");
    const sensors = body.sensors || [];
    replace(container, sensors.length ? sensors.map(sensorCard)
      : h("p", { class: "muted" }, "No asset has an automation condition."));
  };
  await load();
  every(REFRESH_MS, load);
});
