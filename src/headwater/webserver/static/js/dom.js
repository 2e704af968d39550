// DOM helpers: every piece of text goes through textContent / text nodes, never innerHTML.

const SVG_NS = "http://www.w3.org/2000/svg";

function applyProps(node, props) {
  for (const [name, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.setAttribute("class", value);
    else if (name === "text") node.textContent = String(value);
    else if (name === "dataset") Object.assign(node.dataset, value);
    else if (name.startsWith("on") && typeof value === "function") {
      node.addEventListener(name.slice(2), value);
    } else if (name === "value" || name === "checked" || name === "disabled" ||
               name === "selected" || name === "hidden") {
      node[name] = value;
    } else node.setAttribute(name, value === true ? "" : String(value));
  }
}

function appendChildren(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** An HTML element; string children become text nodes. */
export function h(tag, props, ...children) {
  const node = document.createElement(tag);
  applyProps(node, props);
  appendChildren(node, children);
  return node;
}

/** An SVG element; string children become text nodes. */
export function s(tag, props, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  applyProps(node, props);
  appendChildren(node, children);
  return node;
}

/** Replace every child of `node` with `children`. */
export function replace(node, ...children) {
  node.replaceChildren();
  appendChildren(node, children);
  return node;
}

/** A coloured badge for a run / location / tick status. */
export function statusBadge(status) {
  const text = status ? String(status) : "NONE";
  return h("span", { class: `status status-${text.toLowerCase()}`, dataset: { status: text } },
    text);
}

/** Seconds since the epoch → "YYYY-MM-DD HH:MM:SS" in the browser's time zone. */
export function formatTime(seconds) {
  if (seconds === null || seconds === undefined) return "—";
  const d = new Date(seconds * 1000);
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A duration in seconds → "1.2 s", "3 min 4 s", "2 h 5 min". */
export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return "—";
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** "3 min ago" / "in 2 h" relative to now. */
export function formatRelative(seconds) {
  if (seconds === null || seconds === undefined) return "—";
  const delta = seconds - Date.now() / 1000;
  const text = formatDuration(Math.abs(delta));
  return delta >= 0 ? `in ${text}` : `${text} ago`;
}

/** The asset key (list of parts) as displayed: parts joined by "/". */
export function keyText(key) {
  return key.join("/");
}

/** URL of an asset page; `location` disambiguates keys defined in several locations. */
export function assetHref(key, location) {
  const path = `/assets/${key.map(encodeURIComponent).join("/")}`;
  return location ? `${path}?location=${encodeURIComponent(location)}` : path;
}

/** URL of a run page. */
export function runHref(runId) {
  return `/runs/${encodeURIComponent(runId)}`;
}

/** A link to a run showing its first 8 characters. */
export function runLink(runId) {
  if (!runId) return "—";
  return h("a", { href: runHref(runId), title: runId, class: "run-link" }, runId.slice(0, 8));
}

/** A <table> with a header row and body rows (each an array of cells). */
export function table(headers, rows, props = {}) {
  return h("table", props,
    h("thead", {}, h("tr", {}, headers.map((label) => h("th", { scope: "col" }, label)))),
    h("tbody", {}, rows));
}

/** An error's stack (list of lines or one string) as text. */
export function stackText(stack) {
  if (!stack) return "";
  return Array.isArray(stack) ? stack.join("") : String(stack);
}

function namesClass(line, className) {
  const trimmed = line.trim();
  if (!className) return false;
  return trimmed === className || trimmed.startsWith(`${className}:`) ||
    trimmed.includes(`.${className}:`) && /^[\w.]+:/.test(trimmed);
}

/** The message of an error item with its class name exactly once ("ValueError: boom"). */
function fullMessage(error) {
  const message = String(error.message || "").replace(/\s+$/, "");
  if (!error.class_name || message.split("\n").some((line) => namesClass(line, error.class_name))) {
    return message;
  }
  return message ? `${error.class_name}: ${message}` : error.class_name;
}

/**
 * One line saying what went wrong: the line of the message that names the class (a
 * SyntaxError's message ends with it, after the file/caret lines), else its first line
 * prefixed with the class name. The class name appears once.
 */
export function errorSummary(error) {
  if (!error) return "";
  if (typeof error === "string") return error.trim().split("\n")[0];
  const lines = fullMessage(error).split("\n").filter((line) => line.trim());
  const named = lines.find((line) => namesClass(line, error.class_name));
  return (named || lines[0] || "").trim();
}

/** How many frames an error item's `stack` leaves out (headwater's own). */
function hiddenFrames(error) {
  if (!error || !Array.isArray(error.full_stack)) return 0;
  return Math.max(0, error.full_stack.length - (error.stack || []).length);
}

/** Whether an error item or one of its causes hides frames. */
export function hidesFrames(error) {
  for (let e = error; e && typeof e === "object"; e = e.cause) {
    if (hiddenFrames(e)) return true;
  }
  return false;
}

/**
 * An error item ({message, class_name, stack, cause}) as Python prints it, causes first.
 * `stack` holds the user's frames; with `full`, `full_stack` (every frame) when there is one.
 */
export function errorText(error, full = false) {
  if (!error) return "";
  if (typeof error === "string") return error;
  const parts = [];
  if (error.cause) {
    parts.push(errorText(error.cause, full),
      "\n\nThe above exception was the direct cause of the following exception:\n\n");
  }
  const hidden = hiddenFrames(error);
  const stack = stackText(full && hidden ? error.full_stack : error.stack);
  if (stack && !stack.startsWith("Traceback")) parts.push("Traceback (most recent call last):\n");
  if (stack && hidden && !full) parts.push(`  [${hidden} headwater frame(s) hidden]\n`);
  parts.push(stack, fullMessage(error));
  return parts.join("");
}

/**
 * An error as a <pre> (class `preClass`), with a "Show full stack" toggle when headwater's
 * frames were hidden from it.
 */
export function errorBlock(error, preClass = "stack") {
  const pre = h("pre", { class: preClass }, errorText(error));
  if (!hidesFrames(error)) return pre;
  let full = false;
  const toggle = h("button", {
    type: "button", class: "full-stack-toggle",
    onclick: () => {
      full = !full;
      pre.textContent = errorText(error, full);
      toggle.textContent = full ? "Hide headwater frames" : "Show full stack";
      pre.dataset.full = String(full);
    },
  }, "Show full stack");
  pre.dataset.full = "false";
  return h("div", { class: "error-block" }, toggle, pre);
}

/**
 * Draw an SVG into `holder` at the holder's own pixel width (so its text keeps the page's
 * font size instead of scaling with a viewBox) and redraw when that width changes.
 * `draw(width)` returns the node to show. Returns a function that redraws now.
 */
export function drawAtWidth(holder, draw) {
  // A detached or hidden holder measures 0: draw at a default and let the observer fix it.
  const measure = () => (holder.clientWidth ? Math.max(320, Math.floor(holder.clientWidth))
    : holder.drawnWidth || 720);
  const redraw = () => {
    holder.drawnWidth = measure();
    replace(holder, draw(holder.drawnWidth));
  };
  if (!holder.resizeWatcher && "ResizeObserver" in window) {
    holder.resizeWatcher = new ResizeObserver(() => {
      if (holder.clientWidth && measure() !== holder.drawnWidth && holder.redraw) holder.redraw();
    });
    holder.resizeWatcher.observe(holder);
  }
  holder.redraw = redraw;
  redraw();
  return redraw;
}

/** The partition keys of an asset item: `partitions` is `{kind, keys}` (or a bare list). */
export function partitionKeyList(partitions) {
  if (Array.isArray(partitions)) return partitions;
  return partitions && Array.isArray(partitions.keys) ? partitions.keys : [];
}
