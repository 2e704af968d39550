// A small SVG line chart of (time, value) points with axes, ticks and hover titles.

import { formatTime, s } from "./dom.js";

const WIDTH = 720;
const HEIGHT = 260;
const PAD = { left: 64, right: 16, top: 14, bottom: 42 };

function niceTicks(min, max, count) {
  if (min === max) return [min];
  const step0 = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((m) => m >= step0) || step0;
  const ticks = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(v);
  return ticks;
}

function formatNumber(value) {
  if (Math.abs(value) >= 1e6 || (Math.abs(value) < 1e-3 && value !== 0)) {
    return value.toExponential(2);
  }
  return String(Math.round(value * 1000) / 1000);
}

/** An <svg> line chart of `points` ([{t: seconds, v: number}]) labelled `label`. */
export function lineChart(points, label) {
  const sorted = [...points].sort((a, b) => a.t - b.t);
  const ts = sorted.map((p) => p.t);
  const vs = sorted.map((p) => p.v);
  let [t0, t1] = [Math.min(...ts), Math.max(...ts)];
  let [v0, v1] = [Math.min(...vs), Math.max(...vs)];
  if (t0 === t1) { t0 -= 1; t1 += 1; }
  if (v0 === v1) { v0 -= Math.abs(v0) * 0.1 || 1; v1 += Math.abs(v1) * 0.1 || 1; }
  const x = (t) => PAD.left + ((t - t0) / (t1 - t0)) * (WIDTH - PAD.left - PAD.right);
  const y = (v) => HEIGHT - PAD.bottom - ((v - v0) / (v1 - v0)) * (HEIGHT - PAD.top - PAD.bottom);
  const yTicks = niceTicks(v0, v1, 5);
  const xTicks = sorted.length > 1 ? [t0, (t0 + t1) / 2, t1] : [sorted[0].t];
  return s("svg", {
    class: "chart", viewBox: `0 0 ${WIDTH} ${HEIGHT}`, width: "100%", role: "img",
    "aria-label": `${label} over time`, dataset: { points: String(sorted.length) },
  },
  yTicks.map((v) => s("g", {},
    s("line", { class: "grid", x1: PAD.left, x2: WIDTH - PAD.right, y1: y(v), y2: y(v) }),
    s("text", { x: PAD.left - 6, y: y(v) + 4, "text-anchor": "end" }, formatNumber(v)))),
  xTicks.map((t) => s("text", { x: x(t), y: HEIGHT - PAD.bottom + 16, "text-anchor": "middle" },
    formatTime(t))),
  s("line", { class: "axis", x1: PAD.left, x2: PAD.left, y1: PAD.top, y2: HEIGHT - PAD.bottom }),
  s("line", { class: "axis", x1: PAD.left, x2: WIDTH - PAD.right, y1: HEIGHT - PAD.bottom,
    y2: HEIGHT - PAD.bottom }),
  s("text", { x: PAD.left, y: HEIGHT - 6 }, label),
  s("polyline", { class: "line", points: sorted.map((p) => `${x(p.t)},${y(p.v)}`).join(" ") }),
  sorted.map((p) => s("circle", { class: "point", cx: x(p.t), cy: y(p.v), r: 3.5 },
    s("title", {}, `${formatTime(p.t)}: ${p.v}`))));
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
