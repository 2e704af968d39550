// One backfill: its target, status and the run of every partition.

import { getJSON } from "../api.js";
import { errorBlock, formatTime, h, replace, runLink, statusBadge, table } from "../dom.js";
import { every, setTitle, startPage } from "../layout.js";
import { backfillTarget, cancelButton } from "../backfills_common.js";
import { showGrid } from "../partition_grid.js";

//: Rows of the partition table (the grid shows every partition).
const MAX_ROWS = 500;

const REFRESH_MS = 2000;

function partitionRows(body, backfill) {
  const byPartition = new Map();
  for (const item of body.partitions || body.runs || []) {
    const key = item.partition || item.partition_key ||
      (item.tags && item.tags["headwater/partition"]);
    byPartition.set(key, item);
  }
  return (backfill.partition_keys || [...byPartition.keys()]).slice(0, MAX_ROWS).map((key) => {
    const item = byPartition.get(key) || {};
    return h("tr", { dataset: { partition: key, status: item.status || "" } },
      h("td", {}, key), h("td", {}, item.status ? statusBadge(item.status) : "not started"),
      h("td", {}, runLink(item.run_id)));
  });
}

startPage(async (container, params) => {
  setTitle(`Backfill ${params.backfillId}`);
  const details = h("div");
  const grid = h("div", { class: "partition-grid-holder backfill-grid" });
  const rows = h("div");
  replace(container, details, h("h2", {}, "Partitions"), grid, rows);
  const load = async () => {
    const body = await getJSON(`/api/backfills/${encodeURIComponent(params.backfillId)}`);
    const backfill = body.backfill || body;
    const error = backfill.error;
    if (body.statuses !== undefined) {
      showGrid(grid, { keys: backfill.partition_keys, dimensions: null, statuses: body.statuses },
        () => {});
    }
    const shown = (backfill.partition_keys || []).length;
    replace(rows,
      shown > MAX_ROWS ? h("p", { class: "muted" }, `The first ${MAX_ROWS} of ${shown} partitions:`)
        : null,
      table(["Partition", "Status", "Run"], partitionRows(body, backfill), { class: "partitions" }));
    replace(details,
      h("section", { class: "card backfill", dataset: { status: backfill.status } },
        h("div", { class: "row" }, statusBadge(backfill.status), h("span", { class: "spacer" }),
          cancelButton(backfill, load)),
        h("dl", { class: "kv" },
          h("dt", {}, "Target"), h("dd", {}, backfillTarget(backfill)),
          h("dt", {}, "Location"), h("dd", {}, backfill.location || backfill.location_name || "—"),
          h("dt", {}, "Created"), h("dd", {}, formatTime(backfill.created_at))),
        error ? errorBlock(error, "traceback") : null));
  };
  await load();
  every(REFRESH_MS, load);
});
