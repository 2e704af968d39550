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

/** "op" and "k" of a mapped step key "op[k]"; null for other keys. */
function mappedParts(key) {
  const match = /^(.*)\[([^\[\]]+)\]$/.exec(key);
  return match ? [match[1], match[2]] : null;
}

const RANK = { "st-failure": 3, "st-running": 2, "st-none": 1, "st-success": 0 };

/** The summary row of the mapped steps of one op: its span, worst status and counts. */
function groupRow(base, members, now) {
  const started = members.filter((m) => m.start_time);
  const counts = {};
  members.forEach((m) => { counts[m.status] = (counts[m.status] || 0) + 1; });
  const worst = members.map((m) => stepClass(m.status))
    .reduce((a, b) => (RANK[b] > RANK[a] ? b : a), "st-success");
  return {
    group: base,
    label: `${base} [${members.length} mapped${
      counts.FAILURE ? `, ${counts.FAILURE} failed` : ""}]`,
    start_time: started.length ? Math.min(...started.map((m) => m.start_time)) : null,
    end_time: members.every((m) => m.end_time) && started.length
      ? Math.max(...members.map((m) => m.end_time)) : null,
    cls: worst, counts, now,
  };
}

/**
 * Timeline rows for `steps`: steps mapped over a dynamic output (`op[key]`) fold into one
 * summary row per op (expanded on click when `expanded` has the op); ops of a graph-backed
 * asset or nested graph (`graph.op`) show their graph as a prefix.
 */
export function timelineRows(steps, expanded, now) {
  const groups = new Map();
  steps.forEach((step) => {
    const parts = mappedParts(step.step_key);
    if (!parts) return;
    if (!groups.has(parts[0])) groups.set(parts[0], []);
    groups.get(parts[0]).push(step);
  });
  const rows = [];
  const emitted = new Set();
  steps.forEach((step) => {
    const parts = mappedParts(step.step_key);
    if (!parts) {
      rows.push({ step, label: step.step_key.split(".").join(" › "), cls: stepClass(step.status) });
      return;
    }
    if (emitted.has(parts[0])) return;
    emitted.add(parts[0]);
    const members = groups.get(parts[0]);
    rows.push(groupRow(parts[0], members, now));
    if (expanded.has(parts[0])) {
      members.forEach((member) => rows.push({ step: member, label: `  [${
        mappedParts(member.step_key)[1]}]`, cls: stepClass(member.status), child: true }));
    }
  });
  return rows;
}

function countsText(counts) {
  return Object.entries(counts).map(([status, n]) => `${n} ${status.toLowerCase()}`).join(", ");
}

/**
 * An <svg> Gantt chart of `steps` ([{step_key, status, start_time, end_time, attempts}]),
 * `width` pixels wide; `now` ends the bars of steps still running. `runStart` is the origin
 * only when no step has started yet. Mapped steps are folded per op; clicking a folded row
 * toggles it in `options.expanded` and calls `options.onToggle`. `options.onStep(stepKey)` is
 * called when a step is clicked; `options.selected` is the step drawn as selected.
 */
export function gantt(steps, runStart, now, width = 960, options = {}) {
  const expanded = options.expanded || new Set();
  const onToggle = options.onToggle || null;
  const started = steps.filter((step) => step.start_time);
  const t0 = started.length ? started.reduce((m, step) => Math.min(m, step.start_time), Infinity)
    : runStart || now;
  const t1 = Math.max(t0 + 0.001,
    started.reduce((m, step) => Math.max(m, step.end_time || now), -Infinity));
  const rows = timelineRows(steps, expanded, now);
  const longest = Math.max(8, ...rows.map((row) => row.label.length + 2));
  const labelWidth = Math.min(Math.max(120, longest * CHAR_PX + 16), width * 0.4);
  const maxChars = Math.floor((labelWidth - 16) / CHAR_PX);
  const plotWidth = width - labelWidth - PAD.right;
  const scale = plotWidth / (t1 - t0);
  const rowsHeight = Math.max(1, rows.length) * ROW;
  const height = PAD.top + rowsHeight + AXIS;
  const axisY = PAD.top + rowsHeight;
  const tick = niceStep(t1 - t0, Math.max(2, Math.floor(plotWidth / 110)));
  const ticks = [];
  for (let v = 0; v <= t1 - t0 + tick * 1e-6; v += tick) ticks.push(v);
  return s("svg", { class: "gantt", viewBox: `0 0 ${width} ${height}`, width, height,
    role: "img", "aria-label": "Step timeline",
    dataset: { steps: String(steps.length), rows: String(rows.length) } },
  ticks.map((v) => s("g", { class: "tick" },
    s("line", { class: "grid", x1: labelWidth + v * scale, x2: labelWidth + v * scale,
      y1: PAD.top, y2: axisY }),
    s("text", { class: "tick-label", x: labelWidth + v * scale, y: axisY + 16,
      "text-anchor": v === 0 ? "start" : "middle" }, elapsedLabel(v, tick)))),
  s("line", { class: "axis", x1: labelWidth, x2: width - PAD.right, y1: axisY, y2: axisY }),
  rows.map((row, i) => {
    const y = PAD.top + i * ROW;
    const item = row.step || row;
    const end = item.end_time || now;
    const title = row.group
      ? `${row.group}: ${countsText(row.counts)} · click to ${
        expanded.has(row.group) ? "fold" : "show"} each mapped step`
      : `${item.step_key}: ${item.status} · ${item.start_time
        ? formatDuration(end - item.start_time) : "not started"}` +
        (item.attempts > 1 ? ` · ${item.attempts} attempts` : "");
    const bar = item.start_time ? s("rect", {
      class: `bar ${row.cls}${row.group ? " group-bar" : ""}`,
      x: labelWidth + (item.start_time - t0) * scale, y: y + 5, height: ROW - 10,
      width: Math.max(3, (end - item.start_time) * scale), rx: 3,
    }, s("title", {}, title)) : null;
    const attrs = row.group
      ? { class: `step group${expanded.has(row.group) ? " expanded" : ""}`,
        dataset: { group: row.group, count: String(Object.values(row.counts)
          .reduce((a, b) => a + b, 0)) } }
      : { class: `step${row.child ? " mapped" : ""}${
        options.selected === item.step_key ? " selected" : ""}${options.onStep ? " clickable" : ""}`,
        dataset: { step: item.step_key, status: item.status || "" } };
    const selected = !row.group && options.selected === item.step_key;
    const node = s("g", attrs,
      // A full-row target, so a click anywhere on the row (not only on the bar) picks the step.
      !row.group && (options.onStep || selected) ? s("rect", {
        class: `step-hit${selected ? " step-highlight" : ""}`, x: 0, y, width, height: ROW,
      }) : null,
      s("text", { class: "step-name", x: row.child ? 20 : 8, y: y + ROW / 2 + 4 },
        `${row.group ? (expanded.has(row.group) ? "▾ " : "▸ ") : ""}${
          shortName(row.label.trim(), maxChars - 2)}`, s("title", {}, title)),
      bar);
    if (!row.group && options.onStep) {
      node.addEventListener("click", () => options.onStep(item.step_key));
    }
    if (row.group && onToggle) {
      node.addEventListener("click", () => {
        if (expanded.has(row.group)) expanded.delete(row.group);
        else expanded.add(row.group);
        onToggle();
      });
    }
    return node;
  }));
}
