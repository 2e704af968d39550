// Global search (Ctrl-K or "/"): assets, jobs, schedules, sensors, resources and locations
// by name, answered by /api/search; arrows move, Enter opens, Escape closes.

import { getJSON, query } from "./api.js";
import { h, replace } from "./dom.js";

let dialog = null;
let active = 0;
let results = [];
let pending = null;

function render() {
  const list = dialog.querySelector("#search-results");
  replace(list, results.map((item, index) => h("li", {
    class: index === active ? "active" : "", dataset: { kind: item.kind } },
  h("a", { href: item.href }, h("span", { class: "search-kind" }, item.kind), " ",
    h("span", { class: "search-name" }, item.name), " ",
    h("span", { class: "muted" }, item.location)))));
  if (!results.length && dialog.querySelector("input").value.trim()) {
    list.append(h("li", { class: "muted" }, "Nothing found."));
  }
}

async function lookUp(text) {
  const mine = Symbol("search");
  pending = mine;
  const body = await getJSON(`/api/search${query({ q: text })}`);
  if (pending !== mine) return;  // a newer keystroke asked again
  results = body.results;
  active = 0;
  render();
}

function build() {
  const input = h("input", { type: "search", id: "search-input", autocomplete: "off",
    placeholder: "Search assets, jobs, schedules, sensors, resources, locations",
    "aria-label": "Search everything" });
  input.addEventListener("input", () => lookUp(input.value.trim()).catch(() => {}));
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      active = Math.max(0, Math.min(results.length - 1, active + step));
      render();
    } else if (event.key === "Enter" && results[active]) {
      window.location.assign(results[active].href);
    }
  });
  dialog = h("dialog", { id: "search-dialog", class: "search-dialog" }, input,
    h("ul", { id: "search-results" }));
  dialog.addEventListener("click", (event) => { if (event.target === dialog) dialog.close(); });
  document.body.append(dialog);
}

/** Open the search dialog. */
export function openSearch() {
  if (!dialog) build();
  if (!dialog.open) dialog.showModal();
  dialog.querySelector("input").select();
}

/** Ctrl-K / Cmd-K (or "/" outside a text field) opens search; the top bar's button too. */
export function installSearch() {
  document.addEventListener("keydown", (event) => {
    // The element typed in, even inside a shadow root (the launchpad's code editor).
    const target = event.composedPath()[0] || event.target;
    const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) || target.isContentEditable;
    if ((event.key === "k" && (event.ctrlKey || event.metaKey)) ||
        (event.key === "/" && !typing)) {
      event.preventDefault();
      openSearch();
    }
  });
  const button = document.getElementById("search-open");
  if (button) button.addEventListener("click", openSearch);
}
