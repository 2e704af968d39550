// A run's event log: structured rows (metadata, check results, outputs, errors shown as
// tables and badges, not text) and the filters (text, level, step).

import { assetHref, errorSummary, formatTime, h, keyText } from "./dom.js";
import { metadataList } from "./metadata.js";

/** Levels in order; the filter shows the chosen level and everything above it. */
export const LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"];
/** Event types that carry what a step printed. */
export const OUTPUT_EVENTS = new Set(["STEP_STDOUT", "STEP_STDERR"]);

function levelRank(level) {
  const text = String(level || "INFO").toUpperCase();
  const index = LEVELS.findIndex((name) => text.startsWith(name.slice(0, 4)));
  return index < 0 ? 1 : index;
}

/** CSS class of a row by its level. */
export function levelClass(level) {
  const rank = levelRank(level);
  if (rank >= 3) return "level-error";
  if (rank === 2) return "level-warning";
  return "";
}

/** Whether `event` passes the filters `{text, level, step}`. */
export function matches(event, filters) {
  if (filters.step && event.step_key !== filters.step) return false;
  if (filters.level && levelRank(event.level) < levelRank(filters.level)) return false;
  const text = (filters.text || "").trim().toLowerCase();
  if (!text) return true;
  return `${event.event_type} ${event.step_key || ""} ${event.message || ""}`.toLowerCase()
    .includes(text);
}

function assetLink(key) {
  return h("a", { href: assetHref(key), class: "asset-link" }, keyText(key));
}

function checkDetails(event) {
  const passed = event.passed;
  return h("div", { class: "event-detail" },
    h("span", { class: `status status-${passed ? "passed" : "failed"}` },
      passed ? "PASSED" : "FAILED"), " ",
    h("span", { class: `severity severity-${String(event.severity || "ERROR").toLowerCase()}` },
      event.severity === "WARN" ? "warn" : "blocking"),
    " ", h("strong", {}, event.check_name || ""), " on ", assetLink(event.asset_key || []),
    event.description ? h("div", { class: "muted" }, event.description) : null,
    Object.keys(event.metadata || {}).length ? metadataList(event.metadata) : null);
}

function assetDetails(event) {
  return h("div", { class: "event-detail" },
    assetLink(event.asset_key || []),
    event.partition ? h("span", { class: "muted" }, ` · partition ${event.partition}`) : null,
    Object.keys(event.metadata || {}).length ? metadataList(event.metadata) : null);
}

/** The structured part of an event's row (null for plain messages). */
export function eventDetails(event) {
  const type = event.event_type;
  if (type === "ASSET_CHECK_EVALUATION") return checkDetails(event);
  if (type === "ASSET_MATERIALIZATION" || type === "ASSET_OBSERVATION") {
    return assetDetails(event);
  }
  if (OUTPUT_EVENTS.has(type)) {
    return h("pre", { class: `captured captured-${type === "STEP_STDERR" ? "stderr" : "stdout"}` },
      event.message || "");
  }
  if (event.error) {
    return h("div", { class: "event-detail error-line" }, errorSummary(event.error));
  }
  if (event.output_name) {
    return h("div", { class: "event-detail" }, h("code", {}, event.output_name),
      event.io_manager_key ? h("span", { class: "muted" }, ` via ${event.io_manager_key}`) : null);
  }
  if (event.input_name) {
    return h("div", { class: "event-detail" }, h("code", {}, event.input_name),
      event.upstream_step_key ? h("span", { class: "muted" }, ` from ${event.upstream_step_key}`)
        : null, event.asset_key ? [" ", assetLink(event.asset_key)] : null);
  }
  return null;
}

/** One row of the log; `onStep(stepKey)` is called when its step is clicked. */
export function eventRow(event, onStep) {
  const details = eventDetails(event);
  const message = OUTPUT_EVENTS.has(event.event_type) ? "" : event.message || "";
  const step = event.step_key ? h("button", { class: "link step-filter", type: "button",
    onclick: () => onStep(event.step_key) }, event.step_key) : "";
  const row = h("tr", { class: levelClass(event.level),
    dataset: { eventType: event.event_type, storageId: String(event.storage_id),
      step: event.step_key || "", level: String(event.level || "") } },
  h("td", { class: "time" }, formatTime(event.timestamp)), h("td", {}, event.event_type),
  h("td", {}, step), h("td", {}, event.level || ""),
  h("td", { class: "message" }, message, details));
  row.eventData = event;
  return row;
}
