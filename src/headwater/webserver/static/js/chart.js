// A small SVG line chart of (time, value) points with axes, ticks and hover titles.
// It is drawn at its real pixel width so axis text stays at the UI's font size.

import { formatTime, s } from "./dom.js";

const HEIGHT = 240;
const PAD = { left: 64, right: 24, top: 16, bottom: 44 };

function niceTicks(min, max, count) {
  if (min === max) return [min];
  const step0 = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((m) => m >= step0) || step0;
  const ticks = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(v);
  return ticks;
}

/** A number for people: grouped digits, at most 4 decimals, exponent when huge or tiny. */
export function formatNumber(value) {
  if (typeof value !== "number" || !Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1e12 || (Math.abs(value) < 1e-4 && value !== 0)) {
    return value.toExponential(3);
  }
  return value.toLocaleString("en-US", { maximumFractionDigits: 4 });
}

function timeTicks(t0, t1, width) {
  const count = Math.max(2, Math.min(6, Math.floor((width - PAD.left - PAD.right) / 170)));
  return Array.from({ length: count }, (_, i) => t0 + ((t1 - t0) * i) / (count - 1));
}

/**
 * An <svg> line chart of `points` ([{t: seconds, v: number}]) labelled `label`, `width`
 * pixels wide. A single point sits in the middle with its value written beside it.
 */
export function lineChart(points, label, width = 720) {
  const sorted = [...points].sort((a, b) => a.t - b.t);
  const ts = sorted.map((p) => p.t);
  const vs = sorted.map((p) => p.v);
  let [t0, t1] = [Math.min(...ts), Math.max(...ts)];
  let [v0, v1] = [Math.min(...vs), Math.max(...vs)];
  const single = t0 === t1;
  if (single) { t0 -= 3600; t1 += 3600; }
  if (v0 === v1) { v0 -= Math.abs(v0) * 0.1 || 1; v1 += Math.abs(v1) * 0.1 || 1; }
  const yTicks = niceTicks(v0, v1, 5);
  [v0, v1] = [Math.min(v0, ...yTicks), Math.max(v1, ...yTicks)];
  const x = (t) => PAD.left + ((t - t0) / (t1 - t0)) * (width - PAD.left - PAD.right);
  const y = (v) => HEIGHT - PAD.bottom - ((v - v0) / (v1 - v0)) * (HEIGHT - PAD.top - PAD.bottom);
  const xTicks = single ? [sorted[0].t] : timeTicks(t0, t1, width);
  const anchor = (i) => {
    if (single) return "middle";
    if (i === 0) return "start";
    return i === xTicks.length - 1 ? "end" : "middle";
  };
  return s("svg", {
    class: "chart", viewBox: `0 0 ${width} ${HEIGHT}`, width, height: HEIGHT, role: "img",
    "aria-label": `${label} over time`, dataset: { points: String(sorted.length) },
  },
  yTicks.map((v) => s("g", { class: "y-tick" },
    s("line", { class: "grid", x1: PAD.left, x2: width - PAD.right, y1: y(v), y2: y(v) }),
    s("text", { x: PAD.left - 8, y: y(v) + 4, "text-anchor": "end" }, formatNumber(v)))),
  xTicks.map((t, i) => s("text", { class: "x-tick", x: x(t), y: HEIGHT - PAD.bottom + 18,
    "text-anchor": anchor(i) }, formatTime(t))),
  s("line", { class: "axis", x1: PAD.left, x2: PAD.left, y1: PAD.top, y2: HEIGHT - PAD.bottom }),
  s("line", { class: "axis", x1: PAD.left, x2: width - PAD.right, y1: HEIGHT - PAD.bottom,
    y2: HEIGHT - PAD.bottom }),
  s("text", { class: "axis-label", x: PAD.left, y: HEIGHT - 8 }, label),
  sorted.length > 1 ? s("polyline", { class: "line",
    points: sorted.map((p) => `${x(p.t)},${y(p.v)}`).join(" ") }) : null,
  single ? s("text", { class: "point-value", x: x(sorted[0].t) + 10, y: y(sorted[0].v) - 8 },
    formatNumber(sorted[0].v)) : null,
  sorted.map((p) => s("g", { class: "point-group" },
    s("circle", { class: "hit", cx: x(p.t), cy: y(p.v), r: 9 }),
    s("circle", { class: "point", cx: x(p.t), cy: y(p.v), r: 4 }),
    s("title", {}, `${label} = ${formatNumber(p.v)}\n${formatTime(p.t)}`))));
}

/** Numeric series per metadata label from materialisations ({timestamp, metadata}). */
export function numericSeries(materializations) {
  const series = new Map();
  for (const m of materializations) {
    for (const [label, entry] of Object.entries(m.metadata || {})) {
      const value = entry && typeof entry === "object" && "value" in entry ? entry.value : entry;
      const type = entry && typeof entry === "object" ? entry.type : null;
      const numeric = typeof value === "number" && Number.isFinite(value) &&
        (type === null || type === undefined || ["int", "float", "number", "timestamp"]
          .includes(type));
      if (!numeric) continue;
      if (!series.has(label)) series.set(label, []);
      series.get(label).push({ t: m.timestamp, v: value });
    }
  }
  return series;
}
