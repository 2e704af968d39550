// Jobs: pick one to see its op/asset graph, recent runs, schedules and sensors, and launch
// it from the launchpad: run config in YAML or JSON, scaffolded from the job's defaults,
// checked against its JSON Schema as you type (each error marked at its line), keys
// completed from the schema.

import { getJSON, postJSON, query } from "../api.js";
import { formatTime, h, replace, runHref, runLink, statusBadge, table } from "../dom.js";
import { action, setTitle, startPage } from "../layout.js";
import { skeleton } from "../schema.js";
import { checkConfig, convert, drawGutter, keysAt, scaffold } from "../config_editor.js";

const state = { jobs: [], current: null };

function parseJSON(text, what) {
  if (!text.trim()) return { value: {}, errors: [] };
  try {
    return { value: JSON.parse(text), errors: [] };
  } catch (error) {
    return { value: null, errors: [{ path: what, message: `not valid JSON: ${error.message}` }] };
  }
}

function showKeys() {
  const editor = document.getElementById("run-config");
  const holder = document.getElementById("config-keys");
  if (!holder) return;
  const { path, keys } = keysAt(editor.value, editor.selectionStart,
    state.current.run_config_schema);
  replace(holder, keys.length ? [h("span", { class: "muted" },
    `Keys at ${path.length ? path.join(".") : "top level"}: `),
  keys.map(([name, description]) => h("button", { type: "button", class: "key-chip",
    title: description || null, dataset: { key: name },
    onclick: () => insertKey(name) }, name))] : null);
}

function insertKey(name) {
  const editor = document.getElementById("run-config");
  const text = editor.value;
  const lineStart = text.lastIndexOf("\n", editor.selectionStart - 1) + 1;
  const indent = /^\s*/.exec(text.slice(lineStart))[0];
  const lineEnd = text.indexOf("\n", editor.selectionStart);
  const end = lineEnd < 0 ? text.length : lineEnd;
  const inner = text.slice(lineStart, end).trim().endsWith(":") ? `${indent}  ` : indent;
  const insert = `\n${inner}${name}: `;
  editor.value = text.slice(0, end) + insert + text.slice(end);
  editor.selectionStart = editor.selectionEnd = end + insert.length;
  editor.focus();
  check();
}

function check() {
  const job = state.current;
  const editor = document.getElementById("run-config");
  const { value, errors } = checkConfig(editor.value, job.run_config_schema);
  drawGutter(document.getElementById("config-gutter"), editor.value, errors);
  const tags = parseJSON(document.getElementById("run-tags").value, "tags");
  errors.push(...tags.errors);
  if (tags.value !== null && (typeof tags.value !== "object" || Array.isArray(tags.value) ||
      Object.values(tags.value).some((v) => typeof v !== "string"))) {
    errors.push({ path: "tags", message: "must be an object of string values" });
  }
  editor.classList.toggle("invalid", errors.length > 0);
  replace(document.getElementById("config-errors"),
    errors.map((e) => h("li", { dataset: { line: String(e.line || "") } },
      e.full ? e.message
        : (e.line ? `line ${e.line}: ${e.path}: ${e.message}` : `${e.path}: ${e.message}`))));
  showKeys();
  document.getElementById("launch").disabled = errors.length > 0;
  return { config: value, tags: tags.value, errors };
}

async function launch() {
  const job = state.current;
  const { config, tags, errors } = check();
  if (errors.length) throw new Error("Fix the run config first.");
  const body = { location: job.location, job: job.name, run_config: config };
  if (tags && Object.keys(tags).length) body.tags = tags;
  const partition = document.getElementById("job-partition");
  if (partition && partition.value) body.partition = partition.value;
  const { run_id: runId } = await postJSON("/api/runs", body);
  window.location.assign(runHref(runId));
}

function openEditor(job) {
  state.current = job;
  const start = job.default_run_config && Object.keys(job.default_run_config).length
    ? job.default_run_config : (skeleton(job.run_config_schema || {}) || {});
  const editor = h("textarea", { id: "run-config", spellcheck: "false", wrap: "off",
    "aria-label": "Run config (YAML or JSON)" });
  editor.value = scaffold(start);
  editor.addEventListener("input", check);
  editor.addEventListener("click", showKeys);
  editor.addEventListener("keyup", (event) => {
    if (event.key.startsWith("Arrow")) showKeys();
  });
  const gutter = h("div", { id: "config-gutter", class: "gutter", "aria-hidden": "true" });
  editor.addEventListener("scroll", () => { gutter.scrollTop = editor.scrollTop; });
  const formatButton = (label, toJson) => h("button", { type: "button",
    id: `as-${label.toLowerCase()}`, onclick: () => {
      editor.value = convert(editor.value, toJson);
      check();
    } }, `As ${label}`);
  const tags = h("textarea", { id: "run-tags", class: "tags", spellcheck: "false",
    "aria-label": "Tags (JSON)" });
  tags.value = "{}";
  tags.addEventListener("input", check);
  const partition = job.partitioned ? h("label", {}, "Partition ",
    h("select", { id: "job-partition" }, (job.partition_keys || []).map((key) =>
      h("option", { value: key }, key)))) : null;
  const schema = h("details", {}, h("summary", {}, "Config schema"),
    h("pre", { class: "wrap" }, JSON.stringify(job.run_config_schema || {}, null, 2)));
  replace(document.getElementById("job-editor"),
    h("section", { class: "card", dataset: { job: job.name } },
      h("h2", {}, `Launch ${job.name}`), h("span", { class: "muted" }, ` in ${job.location}`),
      job.description ? h("p", { class: "description" }, job.description) : null,
      h("div", { class: "row" }, h("span", {}, "Run config (YAML or JSON)"),
        formatButton("YAML", false), formatButton("JSON", true)),
      h("div", { class: "config-editor" }, gutter, editor),
      h("div", { id: "config-keys", class: "config-keys" }),
      h("ul", { id: "config-errors", class: "errors" }),
      h("p", {}, "Tags (JSON object)"), tags, partition ? h("p", {}, partition) : null,
      h("div", { class: "row" },
        action(h("button", { id: "launch", class: "primary" }, "Launch run"), launch,
          "Launching…")),
      schema),
    h("section", { class: "card job-related" }, h("h2", {}, "Recent runs"),
      h("div", { id: "job-runs" }, "Loading…"), h("h2", {}, "Schedules and sensors"),
      h("div", { id: "job-instigators" }, "Loading…")));
  check();
  editor.focus();
  related(job).catch(() => {});
  // The graph modules load only when a job is opened: the job list stays light.
  const graph = document.getElementById("job-graph-card");
  import("../job_graph.js").then(({ showJobGraph }) => showJobGraph(graph, job))
    .catch((error) => replace(graph,
      h("p", { class: "errors" }, `Could not load the job's graph: ${error.message}`)));
}

async function related(job) {
  const [{ runs }, { schedules }, { sensors }] = await Promise.all([
    getJSON(`/api/runs${query({ job: job.name, location: job.location, limit: 10 })}`),
    getJSON("/api/schedules"), getJSON("/api/sensors")]);
  replace(document.getElementById("job-runs"), runs.length ? table(["Run", "Status", "Created"],
    runs.map((run) => h("tr", { dataset: { runId: run.run_id } }, h("td", {}, runLink(run.run_id)),
      h("td", {}, statusBadge(run.status)), h("td", {}, formatTime(run.created_at)))),
    { class: "job-runs" }) : h("p", { class: "muted" }, "No runs yet."));
  const mine = [
    ...schedules.filter((item) => item.location === job.location && item.job_name === job.name)
      .map((item) => ["schedule", item]),
    ...sensors.filter((item) => item.location === job.location &&
      (item.job_names || []).includes(job.name)).map((item) => ["sensor", item])];
  replace(document.getElementById("job-instigators"), mine.length ? h("ul", {}, mine.map(
    ([kind, item]) => h("li", { dataset: { kind } }, `${kind} `,
      h("a", { href: `/${kind}s` }, item.name), " ", statusBadge(item.status))))
    : h("p", { class: "muted" }, "None."));
}

startPage(async (container) => {
  setTitle("Jobs");
  state.jobs = (await getJSON("/api/jobs")).jobs;
  const rows = state.jobs.map((job) => h("tr", { dataset: { job: job.name, location: job.location } },
    h("td", {}, job.name, job.is_asset_job ? h("span", { class: "muted" }, " (asset job)") : null),
    h("td", {}, job.location),
    h("td", { class: "description" }, job.description || ""),
    h("td", {}, job.partitioned ? "yes" : "no"),
    h("td", {}, h("button", { class: "open-launch", onclick: () => openEditor(job) }, "Launch…"))));
  replace(container,
    h("div", { id: "job-editor" }),
    h("div", { id: "job-graph-card" }),
    state.jobs.length ? table(["Job", "Location", "Description", "Partitioned", ""], rows,
      { class: "jobs" }) : h("p", { class: "muted" }, "No jobs."));
  const wanted = new URLSearchParams(window.location.search).get("job");
  const job = state.jobs.find((j) => j.name === wanted);
  if (job) openEditor(job);
});
