// Jobs: pick one to see its op/asset graph, recent runs, schedules and sensors, and launch it
// from the launchpad: run config in a code editor (YAML or JSON), scaffolded from the job's
// defaults, checked against its JSON Schema as you type (each error a diagnostic at its key),
// keys and enum values completed from the schema. The editor (CodeMirror, ../code_editor.js)
// and the graph (../job_graph.js) are loaded only when a job is opened.

import { getJSON, postJSON, query } from "../api.js";
import { formatTime, h, replace, runHref, runLink, statusBadge, table } from "../dom.js";
import { action, setTitle, startPage } from "../layout.js";
import { skeleton } from "../schema.js";

const state = { jobs: [], current: null, editor: null, opening: 0 };

function parseJSON(text, what) {
  if (!text.trim()) return { value: {}, errors: [] };
  try {
    return { value: JSON.parse(text), errors: [] };
  } catch (error) {
    return { value: null, errors: [{ path: what, message: `not valid JSON: ${error.message}` }] };
  }
}

function check() {
  const { editor } = state;
  if (!editor) return { config: null, tags: null, errors: [] };
  const { value, errors } = editor.check();
  const tags = parseJSON(document.getElementById("run-tags").value, "tags");
  errors.push(...tags.errors);
  if (tags.value !== null && (typeof tags.value !== "object" || Array.isArray(tags.value) ||
      Object.values(tags.value).some((v) => typeof v !== "string"))) {
    errors.push({ path: "tags", message: "must be an object of string values" });
  }
  document.getElementById("run-config").classList.toggle("invalid", errors.length > 0);
  const mode = document.getElementById("config-mode");
  mode.textContent = editor.mode;
  mode.dataset.mode = editor.mode.toLowerCase();
  replace(document.getElementById("config-errors"),
    errors.map((e) => h("li", { dataset: { line: String(e.line || "") } },
      e.full ? e.message
        : (e.line ? `line ${e.line}: ${e.path}: ${e.message}` : `${e.path}: ${e.message}`))));
  document.getElementById("launch").disabled = errors.length > 0;
  return { config: value, tags: tags.value, errors };
}

async function launch() {
  const job = state.current;
  const { config, tags, errors } = check();
  if (!state.editor || errors.length) throw new Error("Fix the run config first.");
  const body = { location: job.location, job: job.name, run_config: config };
  if (tags && Object.keys(tags).length) body.tags = tags;
  const partition = document.getElementById("job-partition");
  if (partition && partition.value) body.partition = partition.value;
  const { run_id: runId } = await postJSON("/api/runs", body);
  window.location.assign(runHref(runId));
}

let editorModule = null;

/** The code editor's module, imported once (when the launchpad opens or is about to). */
function loadEditor() {
  editorModule = editorModule || import("../code_editor.js").catch((error) => {
    editorModule = null; // try again next time
    throw error;
  });
  return editorModule;
}

function startingConfig(job) {
  return job.default_run_config && Object.keys(job.default_run_config).length
    ? job.default_run_config : (skeleton(job.run_config_schema || {}) || {});
}

async function openEditor(job) {
  const opening = ++state.opening;
  state.current = job;
  if (state.editor) state.editor.destroy();
  state.editor = null;
  // The editor replaces the text below (it lives in the host's shadow root).
  const host = h("div", { id: "run-config", class: "config-editor" },
    h("p", { class: "muted" }, "Loading the editor…"));
  const button = (id, label, onclick) => h("button", { type: "button", id, onclick }, label);
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
      h("div", { class: "row" }, h("span", {}, "Run config"),
        h("span", { id: "config-mode", class: "badge" }, ""),
        button("as-yaml", "As YAML", () => state.editor && state.editor.convert(false)),
        button("as-json", "As JSON", () => state.editor && state.editor.convert(true)),
        button("scaffold-missing", "Scaffold missing config", () => state.editor &&
          state.editor.scaffoldMissing(startingConfig(job),
            skeleton(job.run_config_schema || {}))),
        button("remove-extra", "Remove extra config", () => state.editor &&
          state.editor.removeExtra()),
        h("span", { class: "muted" }, "Ctrl-Space completes keys from the schema")),
      host,
      h("ul", { id: "config-errors", class: "errors" }),
      h("p", {}, "Tags (JSON object)"), tags, partition ? h("p", {}, partition) : null,
      h("div", { class: "row" },
        action(h("button", { id: "launch", class: "primary", disabled: true }, "Launch run"),
          launch, "Launching…")),
      schema),
    h("section", { class: "card job-related" }, h("h2", {}, "Recent runs"),
      h("div", { id: "job-runs" }, "Loading…"), h("h2", {}, "Schedules and sensors"),
      h("div", { id: "job-instigators" }, "Loading…")));
  related(job).catch(() => {});
  // The graph modules load only when a job is opened: the job list stays light.
  const graph = document.getElementById("job-graph-card");
  import("../job_graph.js").then(({ showJobGraph }) => showJobGraph(graph, job))
    .catch((error) => replace(graph,
      h("p", { class: "errors" }, `Could not load the job's graph: ${error.message}`)));
  let module;
  try {
    module = await loadEditor();
  } catch (error) {
    replace(host, h("p", { class: "errors" }, `The editor did not load: ${error.message}`));
    return;
  }
  if (opening !== state.opening) return; // another job was opened meanwhile
  const { ConfigEditor, scaffold } = module;
  state.editor = new ConfigEditor(host, { text: scaffold(startingConfig(job)),
    schema: job.run_config_schema, onChange: check });
  host.dataset.ready = "true";
  check();
  state.editor.focus();
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
    h("td", {}, h("button", { class: "open-launch", onclick: () => openEditor(job),
      // Start fetching the editor when the pointer or focus reaches the button.
      onpointerenter: () => { loadEditor(); }, onfocus: () => { loadEditor(); } },
    "Launch…"))));
  replace(container,
    h("div", { id: "job-editor" }),
    h("div", { id: "job-graph-card" }),
    state.jobs.length ? table(["Job", "Location", "Description", "Partitioned", ""], rows,
      { class: "jobs" }) : h("p", { class: "muted" }, "No jobs."));
  const wanted = new URLSearchParams(window.location.search).get("job");
  const job = state.jobs.find((j) => j.name === wanted);
  if (job) await openEditor(job);
});
