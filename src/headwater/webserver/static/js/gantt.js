// Per-step timeline: one bar per step from its start to its end (or now while running).
// The axis starts when the first step started and is labelled in elapsed seconds; the SVG
// is drawn at its real pixel width so step names keep the page's font size.

import { formatDuration, s } from "./dom.js";

const ROW = 26;
const AXIS = 26;
const PAD = { top: 6, right: 20 };
const CHAR_PX = 7.2;  // ~ one character of the 12px UI font

function stepClass(status) {
  const text = String(status || "").toUpperCase();
  if (["SUCCESS", "SUCCEEDED"].includes(text)) return "st-success";
  if (["FAILURE", "FAILED"].includes(text)) return "st-failure";
  if (["STARTED", "RUNNING", "IN_PROGRESS"].includes(text)) return "st-running";
  return "st-none";
}

function niceStep(span, count) {
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * magnitude).find((m) => m >= raw) || raw;
}

/** "0 s", "250 ms", "1.5 s", "1 min 30 s": an elapsed-time tick label, `step` apart. */
function elapsedLabel(seconds, step) {
  if (seconds === 0) return "0 s";
  if (seconds >= 60 && step >= 1) return formatDuration(seconds);
  const [value, unit, unitStep] = step < 0.1 ? [seconds * 1000, "ms", step * 1000]
    : [seconds, "s", step];
  const decimals = Math.max(0, Math.min(3, -Math.floor(Math.log10(unitStep) + 1e-9)));
  return `${value.toFixed(decimals)} ${unit}`;
}

function shortName(name, maxChars) {
  return name.length > maxChars ? `${name.slice(0, maxChars - 1)}…` : name;
}

/**
 * An <svg> Gantt chart of `steps` ([{step_key, status, start_time, end_time, attempts}]),
 * `width` pixels wide; `now` ends the bars of steps still running. `runStart` is the origin
 * only when no step has started yet. `options.onStep(stepKey)` is called when a step is
 * clicked; `options.selected` is the step drawn as selected.
 */
export function gantt(steps, runStart, now, width = 960, options = {}) {
  const started = steps.filter((step) => step.start_time);
  const t0 = started.length ? Math.min(...started.map((step) => step.start_time))
    : runStart || now;
  const t1 = Math.max(t0 + 0.001, ...started.map((step) => step.end_time || now));
  const longest = Math.max(8, ...steps.map((step) => step.step_key.length));
  const labelWidth = Math.min(Math.max(120, longest * CHAR_PX + 16), width * 0.4);
  const maxChars = Math.floor((labelWidth - 16) / CHAR_PX);
  const plotWidth = width - labelWidth - PAD.right;
  const scale = plotWidth / (t1 - t0);
  const rowsHeight = Math.max(1, steps.length) * ROW;
  const height = PAD.top + rowsHeight + AXIS;
  const axisY = PAD.top + rowsHeight;
  const tick = niceStep(t1 - t0, Math.max(2, Math.floor(plotWidth / 110)));
  const ticks = [];
  for (let v = 0; v <= t1 - t0 + tick * 1e-6; v += tick) ticks.push(v);
  return s("svg", { class: "gantt", viewBox: `0 0 ${width} ${height}`, width, height,
    role: "img", "aria-label": "Step timeline", dataset: { steps: String(steps.length) } },
  ticks.map((v) => s("g", { class: "tick" },
    s("line", { class: "grid", x1: labelWidth + v * scale, x2: labelWidth + v * scale,
      y1: PAD.top, y2: axisY }),
    s("text", { class: "tick-label", x: labelWidth + v * scale, y: axisY + 16,
      "text-anchor": v === 0 ? "start" : "middle" }, elapsedLabel(v, tick)))),
  s("line", { class: "axis", x1: labelWidth, x2: width - PAD.right, y1: axisY, y2: axisY }),
  steps.map((step, i) => {
    const y = PAD.top + i * ROW;
    const end = step.end_time || now;
    const duration = step.start_time ? formatDuration(end - step.start_time) : "not started";
    const bar = step.start_time ? s("rect", {
      class: `bar ${stepClass(step.status)}`, x: labelWidth + (step.start_time - t0) * scale,
      y: y + 5, height: ROW - 10, width: Math.max(3, (end - step.start_time) * scale), rx: 3,
    }, s("title", {}, `${step.step_key}: ${step.status} · ${duration}` +
      (step.attempts > 1 ? ` · ${step.attempts} attempts` : ""))) : null;
    const selected = options.selected === step.step_key;
    return s("g", { class: `step${selected ? " selected" : ""}${options.onStep ? " clickable" : ""}`,
      dataset: { step: step.step_key, status: step.status || "" },
      onclick: options.onStep ? () => options.onStep(step.step_key) : null },
    // A full-row target, so a click anywhere on the row (not only on the bar) picks the step.
    options.onStep || selected ? s("rect", { class: `step-hit${selected ? " step-highlight" : ""}`,
      x: 0, y, width, height: ROW }) : null,
      s("text", { class: "step-name", x: 8, y: y + ROW / 2 + 4 },
        shortName(step.step_key, maxChars), s("title", {}, step.step_key)),
      bar);
  }));
}
