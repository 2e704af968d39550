// Jobs: pick one, edit its run config as JSON (validated against the job's JSON Schema in the
// browser, then by the server) and launch it.

import { getJSON, postJSON } from "../api.js";
import { h, replace, runHref, table } from "../dom.js";
import { action, setTitle, startPage } from "../layout.js";
import { skeleton, validate } from "../schema.js";

const state = { jobs: [], current: null };

function parseJSON(text, what) {
  if (!text.trim()) return { value: {}, errors: [] };
  try {
    return { value: JSON.parse(text), errors: [] };
  } catch (error) {
    return { value: null, errors: [{ path: what, message: `not valid JSON: ${error.message}` }] };
  }
}

function check() {
  const job = state.current;
  const editor = document.getElementById("run-config");
  const { value, errors } = parseJSON(editor.value, "run config");
  if (value !== null) {
    if (typeof value !== "object" || Array.isArray(value)) {
      errors.push({ path: "run config", message: "must be a JSON object" });
    } else if (job.run_config_schema) {
      errors.push(...validate(job.run_config_schema, value));
    }
  }
  const tags = parseJSON(document.getElementById("run-tags").value, "tags");
  errors.push(...tags.errors);
  if (tags.value !== null && (typeof tags.value !== "object" || Array.isArray(tags.value) ||
      Object.values(tags.value).some((v) => typeof v !== "string"))) {
    errors.push({ path: "tags", message: "must be an object of string values" });
  }
  editor.classList.toggle("invalid", errors.length > 0);
  replace(document.getElementById("config-errors"),
    errors.map((e) => h("li", {}, e.full ? e.message : `${e.path}: ${e.message}`)));
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
  const editor = h("textarea", { id: "run-config", spellcheck: "false",
    "aria-label": "Run config (JSON)" });
  editor.value = JSON.stringify(start, null, 2);
  editor.addEventListener("input", check);
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
      h("p", {}, "Run config (JSON)"), editor, h("ul", { id: "config-errors", class: "errors" }),
      h("p", {}, "Tags (JSON object)"), tags, partition ? h("p", {}, partition) : null,
      h("div", { class: "row" },
        action(h("button", { id: "launch", class: "primary" }, "Launch run"), launch,
          "Launching…")),
      schema));
  check();
  editor.focus();
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
    state.jobs.length ? table(["Job", "Location", "Description", "Partitioned", ""], rows,
      { class: "jobs" }) : h("p", { class: "muted" }, "No jobs."));
  const wanted = new URLSearchParams(window.location.search).get("job");
  const job = state.jobs.find((j) => j.name === wanted);
  if (job) openEditor(job);
});
