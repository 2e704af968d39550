// Deployment: every code location's status, source, server, load error; reload one or all.

import { getJSON, postJSON } from "../api.js";
import { errorSummary, errorBlock, formatDuration, formatTime, h, replace, statusBadge } from "../dom.js";
import { action, every, health, notify, setTitle, startPage } from "../layout.js";

const POLL_MS = 3000;
const cards = new Map();

function serverInfo(server) {
  if (!server) return "—";
  const parts = [];
  if (server.headwater_version) parts.push(`headwater ${server.headwater_version}`);
  if (server.python_version) parts.push(`Python ${server.python_version}`);
  if (server.pid) parts.push(`pid ${server.pid}`);
  if (server.load_seconds !== null && server.load_seconds !== undefined) {
    parts.push(`loaded in ${formatDuration(server.load_seconds)}`);
  }
  return parts.join(" · ") || "—";
}

function counts(item) {
  const c = item.counts || {};
  return `${c.assets ?? 0} assets · ${c.jobs ?? 0} jobs · ${c.schedules ?? 0} schedules · ` +
    `${c.sensors ?? 0} sensors`;
}

function loadError(error) {
  if (!error) return null;
  return h("div", { class: "load-error" },
    h("h3", {}, "Load error"),
    h("p", { class: "error-message" }, errorSummary(error)),
    errorBlock(error, "traceback"));
}

function reloadButton(name) {
  const button = h("button", { class: "reload", disabled: health.readOnly }, "Reload");
  return action(button, async () => {
    const card = cards.get(name);
    if (card) replace(card.querySelector(".loc-status"), statusBadge("LOADING"));
    renderCard(await postJSON(`/api/locations/${encodeURIComponent(name)}/reload`, {}));
  }, "Reloading…");
}

function renderCard(item) {
  let card = cards.get(item.name);
  if (!card) {
    card = h("section", { class: "card location", dataset: { location: item.name } });
    cards.set(item.name, card);
    document.getElementById("location-list").append(card);
  }
  card.dataset.status = item.status;
  replace(card,
    h("div", { class: "row" },
      h("h2", {}, item.name), h("span", { class: "loc-status" }, statusBadge(item.status)),
      h("span", { class: "spacer" }), reloadButton(item.name)),
    h("dl", { class: "kv" },
      h("dt", {}, "Source"), h("dd", { class: "source" }, item.source || "—"),
      h("dt", {}, "Server"), h("dd", { class: "server" }, serverInfo(item.server)),
      h("dt", {}, "Definitions"), h("dd", {}, counts(item)),
      h("dt", {}, "Updated"), h("dd", { class: "updated" }, formatTime(item.updated_at))),
    loadError(item.error));
}

function renderAll(items) {
  const seen = new Set(items.map((item) => item.name));
  for (const [name, card] of cards) {
    if (!seen.has(name)) {
      card.remove();
      cards.delete(name);
    }
  }
  for (const item of items) renderCard(item);
  document.getElementById("location-empty").hidden = items.length > 0;
}

async function refresh() {
  renderAll((await getJSON("/api/locations")).locations);
}

/** Live updates over SSE; while the stream is down, poll instead. */
function follow() {
  let stopPolling = null;
  const startPolling = () => {
    if (!stopPolling) stopPolling = every(POLL_MS, refresh);
  };
  if (!("EventSource" in window)) {
    startPolling();
    return;
  }
  const source = new EventSource("/api/events");
  source.addEventListener("location", (event) => renderCard(JSON.parse(event.data)));
  source.addEventListener("open", () => {
    if (stopPolling) {
      stopPolling();
      stopPolling = null;
    }
    refresh().catch((error) => notify(error.message));
  });
  source.addEventListener("error", startPolling);
}

startPage(async (container) => {
  setTitle("Deployment");
  const reloadAll = action(h("button", { class: "primary reload-all" }, "Reload all"), async () => {
    for (const card of cards.values()) {
      replace(card.querySelector(".loc-status"), statusBadge("LOADING"));
    }
    renderAll((await postJSON("/api/reload", {})).locations);
  }, "Reloading…");
  replace(container,
    h("div", { class: "toolbar" }, h("span", { class: "muted" }, "Code locations"),
      h("span", { class: "spacer" }), reloadAll),
    h("p", { id: "location-empty", class: "muted", hidden: true }, "No code locations."),
    h("div", { id: "location-list" }));
  await refresh();
  reloadAll.disabled = health.readOnly;
  follow();
});
