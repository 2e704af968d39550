// Asset health as small badges: step in progress, checks (failed / warning / passed), stale
// (with why), and "location failed to reload" (the asset shown is the last good code's).

import { h } from "./dom.js";

const CHECK_TEXT = { failed: "checks failed", warning: "check warning", passed: "checks passed" };

function checkTitle(checks) {
  return (checks || []).map((check) => {
    const result = check.passed === null || check.passed === undefined ? "not evaluated"
      : check.passed ? "passed" : `failed (${check.severity === "WARN" ? "warn" : "error"})`;
    return `${check.name} [${check.blocking ? "blocking" : "non-blocking"}]: ${result}`;
  }).join("\n");
}

/** The health badges of an asset item (empty when there is nothing to say). */
export function healthBadges(asset) {
  const badges = [];
  if (asset.in_progress) {
    badges.push(h("span", { class: "badge badge-running", dataset: { health: "in-progress" } },
      "materializing"));
  }
  if (asset.check_status) {
    badges.push(h("span", { class: `badge badge-check-${asset.check_status}`,
      title: checkTitle(asset.checks), dataset: { health: `checks-${asset.check_status}` } },
    CHECK_TEXT[asset.check_status] || asset.check_status));
  }
  if ((asset.stale_reasons || []).length) {
    badges.push(h("span", { class: "badge badge-stale", title: asset.stale_reasons.join("\n"),
      dataset: { health: "stale" } }, "stale"));
  }
  if (asset.location_reload_failed) {
    badges.push(h("span", { class: "badge badge-reload-failed", dataset: { health: "reload-failed" },
      title: `Location ${asset.location} failed its last reload; this is its last good code.` },
    "location reload failed"));
  }
  return badges;
}

/** The asset page's health card: each fact spelled out. */
export function healthCard(asset) {
  const reasons = asset.stale_reasons || [];
  return h("section", { class: "card health-card" },
    h("h2", {}, "Health"), " ", healthBadges(asset),
    asset.location_reload_failed ? h("p", { class: "reload-failed-note" },
      `Location ${asset.location} failed its last reload: this page shows its last good code. ` +
      "See the Deployment page for the error.") : null,
    reasons.length ? h("ul", { class: "stale-reasons" }, reasons.map((text) => h("li", {}, text)))
      : h("p", { class: "muted" }, asset.latest_materialization ? "Up to date with its upstream " +
        "assets and code version." : "Never materialized."));
}
