// Home: what needs attention (failed runs, runs in progress or queued, failing checks) and
// a run timeline across all jobs for the last 1, 6 or 24 hours, one row per job, bars
// coloured by status (click a bar to open its run).

import { getJSON, query } from "../api.js";
import { formatTime, h, replace, runHref, s } from "../dom.js";
import { every, setTitle, startPage } from "../layout.js";

const REFRESH_MS = 5000;
const LABEL = 220;
const ROW = 24;
const params = new URLSearchParams(window.location.search);
const state = { hours: Number(params.get("hours")) || 24 };

function counts(body) {
  const c = body.counts;
  const card = (name, value, href, label) => h("a", { class: `count-card count-${name}`,
    href, dataset: { count: name } }, h("strong", {}, String(value)), h("span", {}, label));
  return h("div", { class: "counts" },
    card("failed", c.failed, "/runs?status=FAILURE", `failed runs (last ${body.hours} h)`),
    card("in_progress", c.in_progress, "/runs?status=STARTING,STARTED,CANCELING",
      "runs in progress"),
    card("queued", c.queued, "/runs?status=QUEUED", "runs queued"),
    card("failing_checks", c.failing_checks, "/assets", "failing checks"));
}

function timeline(body, width) {
  const plot = Math.max(200, width - LABEL - 20);
  const x = (t) => LABEL + ((t - body.since) / (body.now - body.since)) * plot;
  const height = Math.max(1, body.jobs.length) * ROW + 24;
  const ticks = [];
  const step = body.hours <= 1 ? 600 : body.hours <= 6 ? 3600 : 4 * 3600;
  for (let t = Math.ceil(body.since / step) * step; t <= body.now; t += step) ticks.push(t);
  return s("svg", { class: "timeline", width, height, viewBox: `0 0 ${width} ${height}`,
    role: "img", "aria-label": "Runs per job" },
  ticks.map((t) => s("g", { class: "tick" },
    s("line", { class: "grid", x1: x(t), x2: x(t), y1: 0, y2: height - 20 }),
    s("text", { class: "tick-label", x: x(t), y: height - 6, "text-anchor": "middle" },
      formatTime(t).slice(11, 16)))),
  body.jobs.map((job, i) => s("g", { class: "job-row", dataset: { job: job.job_name } },
    s("text", { class: "job-name", x: 6, y: i * ROW + 16 },
      job.job_name.length > 30 ? `${job.job_name.slice(0, 29)}…` : job.job_name,
      s("title", {}, `${job.job_name} (${job.location || "?"})`)),
    job.runs.map((run) => {
      const start = Math.max(run.start, body.since);
      const end = run.end || body.now;
      const a = s("a", { href: runHref(run.run_id) },
        s("rect", { class: `run-bar st-${run.status.toLowerCase()}`, x: x(start), y: i * ROW + 4,
          width: Math.max(3, x(end) - x(start)), height: ROW - 8, rx: 2,
          dataset: { status: run.status, runId: run.run_id } },
        s("title", {}, `${run.run_id.slice(0, 8)} ${run.status} ${formatTime(run.start)}`)));
      return a;
    }))));
}

async function load() {
  const body = await getJSON(`/api/overview${query({ hours: state.hours })}`);
  replace(document.getElementById("overview-counts"), counts(body));
  const holder = document.getElementById("overview-timeline");
  replace(holder, body.jobs.length ? timeline(body, holder.clientWidth || 1000)
    : h("p", { class: "muted" }, `No runs in the last ${body.hours} h.`));
  document.getElementById("timeline-note").textContent = body.truncated
    ? "Showing the newest runs only." : "";
}

startPage(async (container) => {
  setTitle("Overview");
  const windows = h("div", { class: "tabs", role: "group", "aria-label": "Window" },
    [1, 6, 24].map((hours) => h("button", { "aria-pressed": String(state.hours === hours),
      dataset: { hours: String(hours) }, onclick: async (event) => {
        state.hours = hours;
        for (const b of windows.children) b.setAttribute("aria-pressed", String(b === event.target));
        const next = new URL(window.location.href);
        next.searchParams.set("hours", String(hours));
        window.history.replaceState(null, "", next);
        await load();
      } }, `${hours} h`)));
  replace(container,
    h("div", { id: "overview-counts" }),
    h("h2", {}, "Runs by job"),
    windows,
    h("p", { id: "timeline-note", class: "muted note" }),
    h("div", { id: "overview-timeline", class: "svg-holder card" }));
  await load();
  every(REFRESH_MS, load);
});
