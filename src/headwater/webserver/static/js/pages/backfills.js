// Backfills: the list (with cancel) and a form launching one over a partition range.

import { getJSON, postJSON } from "../api.js";
import {
  assetHref, formatTime, h, keyText, partitionKeyList, replace, statusBadge, table,
} from "../dom.js";
import { action, every, setTitle, startPage } from "../layout.js";
import { backfillHref, backfillTarget, cancelButton } from "../backfills_common.js";

const REFRESH_MS = 3000;
const targets = new Map();

function row(backfill) {
  const keys = backfill.partition_keys || [];
  return h("tr", { dataset: { backfillId: backfill.backfill_id, status: backfill.status } },
    h("td", {}, h("a", { href: backfillHref(backfill.backfill_id) }, backfill.backfill_id)),
    h("td", {}, statusBadge(backfill.status)),
    h("td", {}, backfillTarget(backfill)),
    h("td", {}, backfill.location || backfill.location_name || "—"),
    h("td", {}, keys.length > 3 ? `${keys[0]} … ${keys[keys.length - 1]} (${keys.length})`
      : keys.join(", ")),
    h("td", {}, formatTime(backfill.created_at)),
    h("td", {}, cancelButton(backfill, load)));
}

async function load() {
  const list = (await getJSON("/api/backfills")).backfills;
  replace(document.getElementById("backfill-rows"), list.map(row));
  document.getElementById("backfills-empty").hidden = list.length > 0;
}

async function partitionKeys(target) {
  if (target.kind === "job") return target.job.partition_keys || [];
  const body = await getJSON(`/api${assetHref(target.asset.key, target.asset.location)}`);
  return partitionKeyList(body.asset.partitions);
}

async function onTargetChange() {
  const target = targets.get(document.getElementById("backfill-target").value);
  const keys = target ? await partitionKeys(target) : [];
  const options = () => keys.map((key) => h("option", { value: key }, key));
  const start = replace(document.getElementById("range-start"), options());
  const end = replace(document.getElementById("range-end"), options());
  start.value = keys[0] || "";
  end.value = keys[keys.length - 1] || "";
  document.getElementById("partition-count").textContent = `${keys.length} partitions`;
}

async function launch() {
  const target = targets.get(document.getElementById("backfill-target").value);
  if (!target) throw new Error("Choose a partitioned job or asset.");
  const body = { location: target.location };
  if (target.kind === "job") body.job = target.job.name;
  else body.asset_selection = [target.asset.key];
  const listed = document.getElementById("partition-list").value.split("\n")
    .map((key) => key.trim()).filter(Boolean);
  if (listed.length) body.partitions = listed;
  else {
    body.partition_range = { start: document.getElementById("range-start").value,
      end: document.getElementById("range-end").value };
  }
  const created = await postJSON("/api/backfills", body);
  const id = created.backfill_id || (created.backfill && created.backfill.backfill_id);
  window.location.assign(id ? backfillHref(id) : "/backfills");
}

async function buildForm() {
  const [{ jobs }, { assets }] = await Promise.all([getJSON("/api/jobs"),
    getJSON("/api/assets?partitioned=true")]);
  for (const job of jobs.filter((j) => j.partitioned)) {
    targets.set(`job:${job.location}:${job.name}`, { kind: "job", job, location: job.location,
      label: `job ${job.name} (${job.location})` });
  }
  for (const asset of assets.filter((a) => a.partitioned)) {
    targets.set(`asset:${asset.location}:${keyText(asset.key)}`, { kind: "asset", asset,
      location: asset.location, label: `asset ${keyText(asset.key)} (${asset.location})` });
  }
  const select = h("select", { id: "backfill-target", "aria-label": "Backfill target" },
    [...targets].map(([value, target]) => h("option", { value }, target.label)));
  select.addEventListener("change", onTargetChange);
  const form = h("section", { class: "card" }, h("h2", {}, "Launch a backfill"),
    targets.size === 0 ? h("p", { class: "muted" }, "No partitioned jobs or assets.") : [
      h("p", {}, h("label", {}, "Target ", select), " ",
        h("span", { id: "partition-count", class: "muted" })),
      h("p", {}, h("label", {}, "From ", h("select", { id: "range-start" })), " ",
        h("label", {}, "to ", h("select", { id: "range-end" }))),
      h("details", {}, h("summary", {}, "Or list partition keys (one per line)"),
        h("textarea", { id: "partition-list", class: "tags", "aria-label": "Partition keys" })),
      h("p", {}, action(h("button", { class: "primary launch-backfill" }, "Launch backfill"),
        launch, "Launching…"))]);
  replace(document.getElementById("backfill-form"), form);
  if (targets.size) await onTargetChange();
}

startPage(async (container) => {
  setTitle("Backfills");
  replace(container, h("div", { id: "backfill-form" }),
    table(["Backfill", "Status", "Target", "Location", "Partitions", "Created", ""], [],
      { class: "backfills" }),
    h("p", { id: "backfills-empty", class: "muted", hidden: true }, "No backfills."));
  container.querySelector("table.backfills tbody").id = "backfill-rows";
  await Promise.all([load(), buildForm()]);
  every(REFRESH_MS, load);
});
