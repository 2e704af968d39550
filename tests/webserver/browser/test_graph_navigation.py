"""Navigating a 5,000-asset graph: search, selection syntax, focus with depth, collapsed
groups, zoomed-in details, and edges that skip layers routed around nodes."""

from __future__ import annotations

import re
from typing import Any

from .conftest import screenshot
from .contract_api import ContractState, build_app, chain_assets, serve

COUNT = 5000
GROUPS = 8


def _neighbours(assets: list[dict[str, Any]], name: str) -> set[str]:
    ups = {dep[0] for asset in assets if asset["key"][0] == name for dep in asset["deps"]}
    downs = {asset["key"][0] for asset in assets if [name] in asset["deps"]}
    return {name} | ups | downs


def test_a_5000_asset_graph_is_searched_focused_and_collapsed(page: Any) -> None:
    from playwright.sync_api import expect

    state = ContractState(assets=chain_assets(COUNT, groups=GROUPS))
    graph = page.locator("#asset-graph")
    with serve(build_app(state)) as base:
        page.goto(base + "/assets/graph")
        expect(graph).to_have_attribute("data-rendered", str(COUNT), timeout=60_000)
        # The shell preloads /api/assets while the page's modules load; the page uses that
        # response instead of fetching it again.
        fetched = page.evaluate("""() => performance.getEntriesByType('resource')
            .filter((entry) => new URL(entry.name).pathname === '/api/assets').length""")
        assert fetched == 1
        layout_ms = page.evaluate("document.body.dataset.graphLayoutMs")
        print(f"layout of {COUNT} assets: {layout_ms} ms")
        # Zoomed out, the 5,000 nodes and their edges are painted on the canvas (pixels
        # drawn), not built as SVG elements.
        expect(graph).to_have_attribute("data-mode", "canvas")
        assert page.locator(".node[data-key]").count() == 0
        painted = page.evaluate("""() => {
            const canvas = document.querySelector('.graph-canvas');
            const data = canvas.getContext('2d')
                .getImageData(0, 0, canvas.width, canvas.height).data;
            let count = 0;
            for (let i = 3; i < data.length; i += 4) if (data[i]) count++;
            return count;
        }""")
        assert painted > 10_000, painted
        screenshot(page, "graph-1-5000-assets")

        # Search: highlights the match and Enter centres on it.
        page.locator("#graph-search").fill("asset_4321")
        expect(page.locator("#search-count")).to_have_text("1 match")
        page.locator("#graph-search").press("Enter")
        expect(page.locator('.node.current[data-key="asset_4321"]')).to_have_count(1)

        # Focus: the asset with one layer up and down, through the selection syntax.
        page.locator("#graph-focus").click()
        expect(page.locator("#graph-selection")).to_have_value('1+key:"asset_4321"+1')
        expected = _neighbours(state.assets, "asset_4321")
        expect(graph).to_have_attribute("data-rendered", str(len(expected)))
        shown = set(page.locator(".node[data-key]").evaluate_all(
            "nodes => nodes.map(n => n.dataset.key)"))
        assert shown == expected
        expect(page).to_have_url(re.compile(r"select=1%2Bkey"))
        # Zoomed in, nodes show their details.
        expect(graph).to_have_class(re.compile(r"\bzoomed-in\b"))
        expect(page.locator('.node[data-key="asset_4321"] .detail')).to_be_visible()
        screenshot(page, "graph-2-focused")

        # The selection syntax: a group, a depth, and errors said plainly.
        selection = page.locator("#graph-selection")
        selection.fill("group:group_3 and key:asset_1*")
        selection.press("Enter")
        expected_group = [a for a in state.assets if a["group"] == "group_3"
                          and a["key"][0].startswith("asset_1")]
        expect(graph).to_have_attribute("data-rendered", str(len(expected_group)))
        selection.fill("colour:blue")
        selection.press("Enter")
        expect(page.locator("#selection-error")).to_contain_text('Unknown attribute "colour"')

        # Collapse every group: one node each; expanding one shows its assets again.
        page.locator("#graph-show-all").click()
        expect(graph).to_have_attribute("data-rendered", str(COUNT))
        page.locator("#collapse-all").click()
        expect(page.locator(".group-node")).to_have_count(GROUPS)
        expect(page.locator(".node[data-key]")).to_have_count(0)
        screenshot(page, "graph-3-collapsed")
        page.locator('.group-node[data-group="loc / group_2"]').click()
        in_group = sum(1 for a in state.assets if a["group"] == "group_2")
        expect(page.locator(".node[data-key]")).to_have_count(in_group)
        expect(page.locator(".group-node")).to_have_count(GROUPS - 1)
        assert not page.problems.messages, page.problems.messages


def test_edges_that_skip_layers_are_routed_through_free_slots(page: Any) -> None:
    state = ContractState(assets=chain_assets(6))
    with serve(build_app(state)) as base:
        page.goto(base + "/assets/graph")
        result = page.evaluate("""async () => {
            const { layeredLayout } = await import('/static/js/graph_layout.js');
            const nodes = ['a', 'b', 'c', 'd', 'x', 'y'].map((id) => ({ id, group: 'g' }));
            const edges = [['a', 'b'], ['b', 'c'], ['c', 'd'], ['a', 'd'], ['x', 'y'],
                           ['a', 'x'], ['b', 'y']];
            const out = layeredLayout(nodes, edges, { nodeWidth: 200, nodeHeight: 40 });
            const lanes = out.routes.get('a\\u0000d');
            const clashes = [];
            lanes.forEach((y, i) => {
              for (const [id, p] of out.positions) {
                if (p.layer === i + 1 && y > p.y - 2 && y < p.y + 42) clashes.push(id);
              }
            });
            return { lanes: lanes.length, clashes };
        }""")
        assert result == {"lanes": 2, "clashes": []}


def test_edges_leaving_one_node_share_their_route_through_later_layers(page: Any) -> None:
    state = ContractState(assets=chain_assets(6))
    with serve(build_app(state)) as base:
        page.goto(base + "/assets/graph")
        result = page.evaluate("""async () => {
            const { layeredLayout } = await import('/static/js/graph_layout.js');
            const chain = Array.from({ length: 12 }, (_, i) => `c${i}`);
            const nodes = ['s', ...chain].map((id) => ({ id, group: 'g' }));
            const edges = chain.slice(1).map((id, i) => [chain[i], id]);
            edges.push(['s', 'c0']);
            for (const id of chain.slice(2)) edges.push(['s', id]);
            const out = layeredLayout(nodes, edges, { nodeWidth: 200, nodeHeight: 40 });
            const far = out.routes.get('s\\u0000c11');
            const near = out.routes.get('s\\u0000c5');
            const clashes = [];
            far.forEach((y, i) => {
              for (const [id, p] of out.positions) {
                if (p.layer === i + 1 && y > p.y - 2 && y < p.y + 42) clashes.push(id);
              }
            });
            return { far: far.length, near: near.length,
                     shared: near.every((y, i) => y === far[i]), clashes };
        }""")
        # s feeds c2..c11 across up to 11 layers: one trunk of lanes, not one per edge.
        assert result == {"far": 11, "near": 5, "shared": True, "clashes": []}
