// A job's graph on its page: the op graph (ops and their dependencies; ops nested in graphs,
// including a graph-backed asset's, collapsed into one node that expands on click; dynamic
// outputs marked and their edges dashed) and, for asset jobs, the asset graph of its
// selection. Clicking a node shows its details: description, inputs and outputs, config schema.

import { getJSON } from "./api.js";
import { assetHref, h, keyText, replace, s } from "./dom.js";
import { layeredLayout } from "./graph_layout.js";
import { edgeGeometry, GraphView, groupBoxes } from "./graph_view.js";

const NODE = { nodeWidth: 190, nodeHeight: 44, gapX: 70, gapY: 40 };
const GRAPH = "graph\u0000";
const GROUP_PAD = 12;

/** The node standing for op `name`: the op, or the outermost collapsed graph holding it. */
export function representative(name, expanded) {
  const parts = name.split(".");
  for (let i = 1; i < parts.length; i++) {
    const prefix = parts.slice(0, i).join(".");
    if (!expanded.has(prefix)) return `${GRAPH}${prefix}`;
  }
  return name;
}

/** Nodes and edges of the op graph with the graphs in `expanded` opened. */
export function opGraph(ops, expanded) {
  const byName = new Map(ops.map((op) => [op.name, op]));
  const nodes = new Map();
  for (const op of ops) {
    const id = representative(op.name, expanded);
    if (!nodes.has(id)) {
      const graph = id.startsWith(GRAPH) ? id.slice(GRAPH.length) : null;
      const parent = graph ? graph.split(".").slice(0, -1).join(".") : op.graph.join(".");
      nodes.set(id, { id, group: parent, graph, ops: [] });
    }
    nodes.get(id).ops.push(op);
  }
  const edges = new Map();
  const link = (fromOp, toOp, dynamic) => {
    const from = representative(fromOp, expanded);
    const to = representative(toOp, expanded);
    if (from === to || !nodes.has(from)) return;
    const key = `${from}\u0000${to}`;
    const edge = edges.get(key) || { from, to, dynamic: false };
    edge.dynamic ||= dynamic;
    edges.set(key, edge);
    if (dynamic && !nodes.get(to).graph) nodes.get(to).mapped = true;
  };
  for (const op of ops) {
    for (const input of op.inputs) {
      for (const [step, output] of input.upstream) {
        const upstream = byName.get(step);
        const out = upstream && upstream.outputs.find((o) => o.name === output);
        link(step, op.name, Boolean(out && out.is_dynamic));
      }
    }
    for (const step of op.depends_on) link(step, op.name, false);
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()] };
}

function opSummary(node) {
  if (node.graph) return `graph · ${node.ops.length} op${node.ops.length === 1 ? "" : "s"}`;
  const op = node.ops[0];
  const parts = [op.kind === "op" ? `op ${op.op_name}` : op.kind];
  if (op.outputs.some((o) => o.is_dynamic)) parts.push("dynamic ⇶");
  if (node.mapped) parts.push("mapped");
  if (op.inputs.some((i) => i.is_fan_in)) parts.push("collects");
  return parts.join(" · ");
}

function shorten(text, size = 26) {
  return text.length > size ? `…${text.slice(text.length - size + 1)}` : text;
}

function table(head, rows) {
  return rows.length ? h("table", { class: "compact" }, h("thead", {}, h("tr", {},
    head.map((cell) => h("th", {}, cell)))), h("tbody", {}, rows)) : h("p", { class: "muted" },
    "None.");
}

/** Details of one op: description, inputs with their sources, outputs, config schema. */
function opDetails(op) {
  return [
    h("h3", {}, op.name), h("p", { class: "muted" }, `op ${op.op_name}`,
      op.graph.length ? ` in graph ${op.graph.join(".")}` : ""),
    op.description ? h("p", { class: "description" }, op.description) : null,
    h("h4", {}, "Inputs"),
    table(["Input", "From"], op.inputs.map((input) => h("tr", { dataset: { input: input.name } },
      h("td", {}, input.name, input.is_fan_in ? " (collects)" : ""),
      h("td", {}, input.upstream.length
        ? input.upstream.map(([step, output]) => `${step}.${output}`).join(", ")
        : input.asset_key ? `asset ${keyText(input.asset_key)}`
          : input.has_default ? "default value" : "run config / none")))),
    h("h4", {}, "Outputs"),
    table(["Output", ""], op.outputs.map((output) => h("tr", { dataset: { output: output.name } },
      h("td", {}, output.name),
      h("td", {}, [output.is_dynamic ? "dynamic" : null,
        output.asset_key ? `asset ${keyText(output.asset_key)}` : null,
        output.check_name ? `check ${output.check_name}` : null,
        output.is_required ? null : "optional"].filter(Boolean).join(" · "))))),
    op.required_resource_keys.length
      ? h("p", {}, `Resources: ${op.required_resource_keys.join(", ")}`) : null,
    h("h4", {}, "Config schema"),
    op.config_schema ? h("pre", { class: "wrap config-schema" },
      JSON.stringify(op.config_schema, null, 2)) : h("p", { class: "muted" }, "No config."),
  ];
}

function assetDetails(asset, location) {
  return [
    h("h3", {}, keyText(asset.key)),
    h("p", { class: "muted" }, `asset in group ${asset.group}`,
      asset.node_name ? ` · computed by ${asset.node_name}` : ""),
    asset.description ? h("p", { class: "description" }, asset.description) : null,
    h("h4", {}, "Upstream"),
    asset.deps.length ? h("ul", {}, asset.deps.map((dep) => h("li", {}, keyText(dep))))
      : h("p", { class: "muted" }, "None."),
    asset.check_names.length ? h("p", {}, `Checks: ${asset.check_names.join(", ")}`) : null,
    h("p", {}, h("a", { href: assetHref(asset.key, location) }, "Open the asset")),
  ];
}

/** Draw the graph of `job` into `holder` (fetches the job's structure). */
export async function showJobGraph(holder, job) {
  const detail = await getJSON(
    `/api/jobs/${encodeURIComponent(job.location)}/${encodeURIComponent(job.name)}`);
  const ui = { mode: detail.assets.length ? "assets" : "ops", expanded: new Set(),
    nodes: new Map(), selected: "" };
  const info = h("div", { id: "job-node-details", class: "node-details" },
    h("p", { class: "muted" }, "Click a node to see its details."));
  const view = new GraphView({
    size: NODE,
    svg: { id: "job-graph", role: "img", "aria-label": `Graph of ${job.name}` },
    renderNode: (id) => renderNode(ui, view, id),
    paintStyle: () => ["#ffffff", "#8c959f"],
    onNode: (id) => {
      const node = ui.nodes.get(id);
      if (node && node.graph) {
        ui.expanded.add(node.graph);
        draw();
        return;
      }
      ui.selected = id;
      view.refresh();
      replace(info, node.asset ? assetDetails(node.asset, job.location) : opDetails(node.ops[0]));
    },
    onBackground: (event) => {
      const toggle = event.target.closest && event.target.closest(".graph-toggle");
      if (!toggle) return false;
      ui.expanded.delete(toggle.dataset.graph);
      for (const name of [...ui.expanded]) {
        if (name.startsWith(`${toggle.dataset.graph}.`)) ui.expanded.delete(name);
      }
      draw();
      return true;
    },
  });
  view.element.classList.add("job-graph-wrap");

  function draw() {
    let nodes;
    let edges;
    if (ui.mode === "assets") {
      const ids = new Set(detail.assets.map((asset) => keyText(asset.key)));
      nodes = detail.assets.map((asset) => ({ id: keyText(asset.key), group: asset.group,
        asset }));
      edges = detail.assets.flatMap((asset) => asset.deps.map(keyText)
        .filter((dep) => ids.has(dep)).map((dep) => ({ from: dep, to: keyText(asset.key) })));
    } else {
      ({ nodes, edges } = opGraph(detail.ops, ui.expanded));
    }
    ui.nodes = new Map(nodes.map((node) => [node.id, node]));
    const layout = layeredLayout(nodes, edges.map((edge) => [edge.from, edge.to]), NODE);
    const lines = edges.map((edge) => ({ kind: edge.dynamic ? "dynamic" : "",
      points: edgeGeometry(layout.positions.get(edge.from), layout.positions.get(edge.to),
        layout.routes.get(`${edge.from}\u0000${edge.to}`), NODE) }));
    const { rects, labels } = groupBoxes(nodes, layout.positions, NODE, GROUP_PAD,
      (node) => node.group, (group, x, y) => (
      ui.mode === "assets"
        ? s("text", { class: "group-label", x, y }, group)
        : s("text", { class: "group-label graph-toggle", x, y, dataset: { graph: group } },
          `▾ ${group}`, s("title", {}, "Collapse this graph"))));
    view.setGraph({ ids: nodes.map((node) => node.id), positions: layout.positions,
      edges: lines, boxes: rects, overlay: labels, width: layout.width, height: layout.height });
    view.fit(1);
    view.svg.dataset.showing = ui.mode;
    view.svg.dataset.nodes = String(nodes.length);
  }

  const tab = (mode, label) => h("button", { type: "button", id: `job-graph-${mode}`,
    "aria-pressed": String(ui.mode === mode), onclick: (event) => {
      ui.mode = mode;
      for (const button of event.target.parentNode.children) {
        button.setAttribute("aria-pressed", String(button === event.target));
      }
      draw();
    } }, label);
  replace(holder, h("section", { class: "card job-graph", dataset: { job: job.name } },
    h("div", { class: "row" }, h("h2", {}, "Graph"),
      detail.assets.length ? h("div", { class: "tabs" }, tab("assets", "Asset graph"),
        tab("ops", "Op graph")) : null),
    h("div", { class: "job-graph-body" }, view.element, info)));
  draw();
}

function renderNode(ui, view, id) {
  const node = ui.nodes.get(id);
  const p = view.positions.get(id);
  const selected = ui.selected === id ? " selected" : "";
  if (node.asset) {
    const label = keyText(node.asset.key);
    return s("g", { class: `node asset-node${selected}`, transform: `translate(${p.x},${p.y})`,
      dataset: { id, key: label } },
    s("rect", { width: NODE.nodeWidth, height: NODE.nodeHeight, rx: 6 }),
    s("text", { x: 10, y: 19 }, shorten(label)),
    s("text", { class: "summary", x: 10, y: 35 },
      node.asset.node_name ? `op ${shorten(node.asset.node_name, 22)}` : "asset"));
  }
  const name = node.graph || node.ops[0].name;
  const dynamic = !node.graph && node.ops[0].outputs.some((o) => o.is_dynamic);
  return s("g", {
    class: `node ${node.graph ? "graph-node" : "op-node"}${dynamic ? " dynamic" : ""}${selected}`,
    transform: `translate(${p.x},${p.y})`,
    dataset: node.graph ? { id, graph: node.graph } : { id, op: name },
  },
  s("rect", { width: NODE.nodeWidth, height: NODE.nodeHeight, rx: node.graph ? 2 : 6 }),
  s("text", { x: 10, y: 19 }, `${node.graph ? "▸ " : ""}${shorten(name.split(".").pop())}`,
    s("title", {}, node.graph ? `Expand graph ${name}` : name)),
  s("text", { class: "summary", x: 10, y: 35 }, opSummary(node)));
}
