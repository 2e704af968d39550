// An automation evaluation tree: each condition with its result and true partitions.

import { h } from "./dom.js";

function resultBadge(node) {
  if (node.on_deps) return h("span", { class: "status" }, "on each dependency");
  if (!node.evaluated) return h("span", { class: "status" }, "not evaluated");
  const text = node.result ? "true" : "false";
  return h("span", { class: `status ${node.result ? "status-success" : "status-failure"}` }, text);
}

function partitionsText(node) {
  if (!node.evaluated || !node.candidates || node.candidates <= 1) return null;
  const shown = (node.partitions || []).join(", ");
  const more = node.true > (node.partitions || []).length ? " …" : "";
  return h("span", { class: "muted partitions" },
    ` ${node.true} of ${node.candidates} partitions${shown ? `: ${shown}${more}` : ""}`);
}

function nodeItem(node) {
  const deps = node.matched_deps && node.matched_deps.length
    ? h("span", { class: "muted matched-deps" }, ` (${node.matched_deps.join(", ")})`) : null;
  return h("li", {
    class: "condition",
    dataset: {
      result: node.on_deps ? "on-deps" : node.evaluated ? String(node.result) : "skipped",
      name: node.name,
    },
  },
  h("span", { class: "condition-name" }, node.name), " ", resultBadge(node),
  partitionsText(node), deps,
  node.children ? h("ul", {}, node.children.map(nodeItem)) : null);
}

/** The tree of one stored evaluation, as nested lists. */
export function evaluationTree(tree) {
  return h("ul", { class: "automation-tree" }, nodeItem(tree));
}
