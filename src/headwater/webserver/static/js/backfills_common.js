// Shared pieces of the backfill pages.

import { postJSON } from "./api.js";
import { h } from "./dom.js";
import { action } from "./layout.js";

export const backfillHref = (id) => `/backfills/${encodeURIComponent(id)}`;

/** What a backfill targets: its job, or its assets. */
export function backfillTarget(backfill) {
  if (backfill.asset_selection && backfill.asset_selection.length) {
    return backfill.asset_selection.map((key) => key.join("/")).join(", ");
  }
  return backfill.job_name || "—";
}

/** A Cancel button for a backfill still in progress (null otherwise). */
export function cancelButton(backfill, after) {
  if (!["REQUESTED", "RUNNING", "IN_PROGRESS"].includes(backfill.status)) return null;
  return action(h("button", { class: "danger cancel-backfill" }, "Cancel"), async () => {
    await postJSON(`/api/backfills/${encodeURIComponent(backfill.backfill_id)}/cancel`, {});
    await after();
  }, "Canceling…");
}
