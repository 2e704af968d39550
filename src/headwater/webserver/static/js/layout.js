// Shared page frame: daemon health in the header, notices, and the page bootstrap.

import { getJSON } from "./api.js";
import { formatRelative, replace } from "./dom.js";
import { installSearch } from "./search.js";

const HEALTH_INTERVAL_MS = 5000;

/** What the last /api/health said (read_only disables mutating buttons). */
export const health = { readOnly: false, loaded: false };

function describeDaemon(daemon) {
  if (!daemon) return ["daemon: unknown", ""];
  if (daemon.alive) return ["daemon: running", "ok"];
  const last = daemon.last_heartbeat ? ` (last heartbeat ${formatRelative(daemon.last_heartbeat)})`
    : "";
  return [`daemon: not running${last}`, "bad"];
}

async function refreshHealth() {
  const badge = document.getElementById("health");
  try {
    const body = await getJSON("/api/health");
    health.readOnly = Boolean(body.read_only);
    health.loaded = true;
    const [text, state] = describeDaemon(body.daemon);
    badge.textContent = health.readOnly ? `${text} · read-only` : text;
    badge.className = `health ${state}`;
    badge.dataset.daemonAlive = String(Boolean(body.daemon && body.daemon.alive));
    badge.title = `headwater ${body.version || ""}`;
  } catch (error) {
    badge.textContent = "webserver unreachable";
    badge.className = "health bad";
    badge.dataset.daemonAlive = "unknown";
  }
}

/** Show a message above the page (`kind` "error" or "info"); null hides it. */
export function notify(message, kind = "error") {
  const notice = document.getElementById("notice");
  if (!message) {
    notice.hidden = true;
    return;
  }
  notice.textContent = message;
  notice.className = kind === "info" ? "info" : "";
  notice.hidden = false;
}

/** Set the page heading (and the document title). */
export function setTitle(text) {
  document.getElementById("title").textContent = text;
  document.title = `${text} · headwater`;
}

/** Run `fn` every `ms` while the tab is visible; returns a function that stops it. */
export function every(ms, fn) {
  let stopped = false;
  let timer = null;
  const tick = async () => {
    if (stopped) return;
    if (!document.hidden) {
      try {
        await fn();
      } catch (error) {
        notify(error.message);
      }
    }
    if (!stopped) timer = setTimeout(tick, ms);
  };
  timer = setTimeout(tick, ms);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/** Wire a button to an async action: disabled while running, errors shown as a notice. */
export function action(button, fn, busyText) {
  button.addEventListener("click", async (event) => {
    event.preventDefault();
    const label = button.textContent;
    button.disabled = true;
    if (busyText) button.textContent = busyText;
    try {
      notify(null);
      await fn(event);
    } catch (error) {
      notify(error.message);
    } finally {
      button.disabled = false;
      button.textContent = label;
    }
  });
  return button;
}

/**
 * Start a page: health polling plus `render(container, params)` where params are the
 * body's data-* attributes (asset key, run id, ...).
 */
export async function startPage(render) {
  installSearch();
  refreshHealth();
  setInterval(refreshHealth, HEALTH_INTERVAL_MS);
  const container = document.getElementById("page");
  const params = { ...document.body.dataset };
  try {
    replace(container);
    await render(container, params);
  } catch (error) {
    notify(error.message);
    console.error(error);
  } finally {
    container.setAttribute("aria-busy", "false");
  }
}
