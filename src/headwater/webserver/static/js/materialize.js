// Launching asset runs: one POST /api/runs per location, with an optional partition.

import { getJSON, postJSON } from "./api.js";
import { assetHref, h, keyText, partitionKeyList, runHref } from "./dom.js";

/** Ask for a partition key in a <dialog>; resolves to the key, or null when cancelled. */
function pickPartition(assetKey, keys) {
  return new Promise((resolve) => {
    const listId = "partition-keys";
    const input = h("input", {
      type: "text", name: "partition", list: listId, required: true, class: "partition-input",
      value: keys.length ? keys[keys.length - 1] : "",
    });
    const dialog = h("dialog", { class: "partition-dialog" },
      h("form", { method: "dialog" },
        h("h3", {}, `Partition of ${keyText(assetKey)}`),
        h("datalist", { id: listId }, keys.map((key) => h("option", { value: key }))),
        h("p", {}, h("label", {}, "Partition key ", input)),
        h("div", { class: "row" },
          h("button", { value: "cancel", formnovalidate: true }, "Cancel"),
          h("button", { value: "ok", class: "primary" }, "Materialize"))));
    dialog.addEventListener("close", () => {
      const value = dialog.returnValue === "ok" ? input.value.trim() : null;
      dialog.remove();
      resolve(value || null);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/**
 * Materialize `assets` (catalog items: {key, location, partitioned}); asks for a partition
 * when one of them is partitioned. Navigates to the run page (or the runs list for several
 * locations). Returns the run ids, or [] when cancelled.
 */
export async function materialize(assets) {
  if (!assets.length) throw new Error("Select at least one asset.");
  let partition = null;
  const partitioned = assets.find((asset) => asset.partitioned);
  if (partitioned) {
    const detail = await getJSON(`/api${assetHref(partitioned.key, partitioned.location)}`);
    partition = await pickPartition(partitioned.key, partitionKeyList(detail.asset.partitions));
    if (partition === null) return [];
  }
  const byLocation = new Map();
  for (const asset of assets) {
    if (!byLocation.has(asset.location)) byLocation.set(asset.location, []);
    byLocation.get(asset.location).push(asset.key);
  }
  const runIds = [];
  for (const [location, keys] of byLocation) {
    const body = { location, asset_selection: keys };
    if (partition !== null) body.partition = partition;
    runIds.push((await postJSON("/api/runs", body)).run_id);
  }
  window.location.assign(runIds.length === 1 ? runHref(runIds[0]) : "/runs");
  return runIds;
}
