// Per-step timeline: one bar per step from its start to its end (or now while running).

import { formatDuration, s } from "./dom.js";

const ROW = 24;
const LABEL_WIDTH = 220;
const WIDTH = 960;
const PAD_TOP = 8;

function stepClass(status) {
  const text = String(status || "").toUpperCase();
  if (["SUCCESS", "SUCCEEDED"].includes(text)) return "st-success";
  if (["FAILURE", "FAILED"].includes(text)) return "st-failure";
  if (["STARTED", "RUNNING", "IN_PROGRESS"].includes(text)) return "st-running";
  return "st-none";
}

/** An <svg> Gantt chart of `steps` ([{step_key, status, start_time, end_time, attempts}]). */
export function gantt(steps, runStart, now) {
  const started = steps.filter((step) => step.start_time);
  const t0 = Math.min(runStart || Infinity, ...started.map((step) => step.start_time));
  const t1 = Math.max(t0 + 0.001, ...started.map((step) => step.end_time || now));
  const scale = (WIDTH - LABEL_WIDTH - 16) / (t1 - t0);
  const height = PAD_TOP * 2 + Math.max(1, steps.length) * ROW;
  return s("svg", { class: "gantt", viewBox: `0 0 ${WIDTH} ${height}`, width: "100%",
    role: "img", "aria-label": "Step timeline", dataset: { steps: String(steps.length) } },
  steps.map((step, i) => {
    const y = PAD_TOP + i * ROW;
    const end = step.end_time || now;
    const bar = step.start_time ? s("rect", {
      class: `bar ${stepClass(step.status)}`, x: LABEL_WIDTH + (step.start_time - t0) * scale,
      y: y + 4, height: ROW - 8, width: Math.max(2, (end - step.start_time) * scale), rx: 3,
    }, s("title", {}, `${step.step_key}: ${step.status} · ${formatDuration(end - step.start_time)}` +
      (step.attempts > 1 ? ` · ${step.attempts} attempts` : ""))) : null;
    return s("g", { class: "step", dataset: { step: step.step_key, status: step.status || "" } },
      s("text", { x: 4, y: y + ROW / 2 + 4 },
        step.step_key.length > 30 ? `${step.step_key.slice(0, 29)}…` : step.step_key),
      bar);
  }));
}
