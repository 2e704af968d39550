// The debugging panels of a run page: failed steps' full errors, the step table with
// selection (for re-execution and log filtering), a step's captured stdout/stderr, the run's
// config, and its re-execution group.

import { errorBlock, errorSummary, formatDuration, h, runLink, statusBadge } from "./dom.js";

/** Each failure with an error, newest information last: [{step_key, error}]. */
export function failures(events) {
  const found = [];
  for (const event of events) {
    if (event.event_type === "STEP_FAILURE" && event.error) {
      found.push({ step: event.step_key, error: event.error });
    } else if (event.event_type === "RUN_FAILURE" && event.error) {
      found.push({ step: null, error: event.error });
    }
  }
  return found;
}

/** The full errors (stack and chained causes), one expandable block each. */
export function errorsPanel(items, onStep) {
  if (!items.length) return null;
  return h("section", { class: "card errors-panel" },
    h("h2", {}, "Errors"),
    items.map((item, index) => h("details", { class: "step-error", open: index === 0,
      dataset: { step: item.step || "" } },
    h("summary", {},
      item.step ? h("button", { class: "link step-filter", type: "button",
        onclick: (event) => { event.preventDefault(); onStep(item.step); } }, item.step)
        : h("strong", {}, "run"),
      ": ", h("span", { class: "error-summary" }, errorSummary(item.error))),
    errorBlock(item.error))));
}

/**
 * The step table: a checkbox per step (for re-execution), its status, duration and
 * attempts; clicking the name selects the step (filters the log, shows its output).
 */
export function stepsTable(steps, state, handlers) {
  const now = Date.now() / 1000;
  return h("table", { class: "steps" },
    h("thead", {}, h("tr", {}, ["", "Step", "Status", "Duration", "Attempts"]
      .map((label) => h("th", { scope: "col" }, label)))),
    h("tbody", {}, steps.map((step) => h("tr", {
      class: step.step_key === state.step ? "selected" : "",
      dataset: { step: step.step_key, status: step.status } },
    h("td", {}, h("input", { type: "checkbox", class: "step-pick", "aria-label":
      `Select ${step.step_key}`, checked: state.picked.has(step.step_key),
    onchange: (event) => handlers.onPick(step.step_key, event.target.checked) })),
    h("td", {}, h("button", { class: "link step-filter", type: "button",
      onclick: () => handlers.onStep(step.step_key) }, step.step_key)),
    h("td", {}, statusBadge(step.status)),
    h("td", {}, step.start_time ? formatDuration((step.end_time || now) - step.start_time)
      : "—"),
    h("td", {}, String(step.attempts))))));
}

/** What the selected step printed so far. */
export function outputPanel(stepKey, events) {
  let stdout = "";
  let stderr = "";
  for (const event of events) {
    if (event.step_key !== stepKey) continue;
    if (event.event_type === "STEP_STDOUT") stdout += event.message || "";
    else if (event.event_type === "STEP_STDERR") stderr += event.message || "";
  }
  const block = (name, text) => h("div", { class: "output-block" },
    h("h3", {}, name),
    text ? h("pre", { class: `captured captured-${name}`, id: `step-${name}` }, text)
      : h("p", { class: "muted", id: `step-${name}` }, `Nothing on ${name}.`));
  return h("section", { class: "card step-output", dataset: { step: stepKey } },
    h("h2", {}, `Output of ${stepKey}`), block("stdout", stdout), block("stderr", stderr));
}

/** The run's config as indented JSON (YAML-compatible), collapsed when long. */
export function configPanel(runConfig) {
  const text = JSON.stringify(runConfig || {}, null, 2);
  return h("details", { class: "run-config", open: text.length < 600 },
    h("summary", {}, "Run config"), h("pre", { id: "run-config-text" }, text));
}

/** The runs of the re-execution group, oldest first, this run marked. */
export function groupPanel(group, runId) {
  if (!group || !group.runs || group.runs.length < 2) return null;
  return h("section", { class: "card run-group" },
    h("h2", {}, "Re-execution group"),
    h("ol", { class: "group-runs" }, group.runs.map((run) => h("li", {
      class: run.run_id === runId ? "current" : "",
      dataset: { runId: run.run_id } },
    runLink(run.run_id), " ", statusBadge(run.status),
    run.run_id === group.root_run_id ? h("span", { class: "muted" }, " root") : null,
    run.parent_run_id ? h("span", { class: "muted" }, [" re-executes ",
      runLink(run.parent_run_id)]) : null,
    run.run_id === runId ? h("span", { class: "muted" }, " (this run)") : null))));
}
