"""AssetSelection: constructors, graph walks, operators, checks and the string syntax."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from headwater.definitions.asset_graph import AssetGraph, AssetNode
from headwater.definitions.asset_graph.keys import AssetCheckKey, AssetKey
from headwater.definitions.selection.asset_selection import AssetSelection, coerce_selection
from headwater.definitions.selection.syntax import SelectionSyntaxError
from headwater.errors import HeadwaterError, InvalidDefinitionError, NotFoundError


def k(text: str) -> AssetKey:
    return AssetKey.from_user_string(text)


def keys(*texts: str) -> set[AssetKey]:
    return {k(text) for text in texts}


def node(key: str, *deps: str, **kwargs: object) -> AssetNode:
    return AssetNode(key=k(key), deps=frozenset(k(d) for d in deps), **kwargs)  # type: ignore[arg-type]


CHECK_D = AssetCheckKey(k("d"), "not_empty")
CHECK_E = AssetCheckKey(k("e"), "fresh")

# ext (external) -> a -> b, c -> d -> e; raw/orders -> raw/eu/customers; m1, m2 from one op.
GRAPH = AssetGraph(
    [
        node("ext", is_executable=False, group_name="ingest", owners=("team:data",)),
        node("a", "ext", group_name="ingest", tags={"tier": "gold"}, kinds={"python"}),
        node("b", "a", group_name="ingest", tags={"tier": "silver"}),
        node("c", "a", group_name="mart", kinds={"dbt"}, owners=("alice@x.io",)),
        node("d", "b", "c", group_name="mart", check_keys={CHECK_D}, tags={"pii": ""}),
        node("e", "d", check_keys={CHECK_E}),
        node("raw/orders", kinds={"sql"}),
        node("raw/eu/customers", "raw/orders", owners=("team:data",)),
        node("m1", node_name="multi", can_subset=False),
        node("m2", "m1", node_name="multi", can_subset=False),
    ]
)
EXECUTABLE = keys("a", "b", "c", "d", "e", "raw/orders", "raw/eu/customers", "m1", "m2")


def resolve(selection: AssetSelection | str, graph: AssetGraph = GRAPH) -> set[AssetKey]:
    if isinstance(selection, str):
        selection = AssetSelection.from_string(selection)
    return selection.resolve(graph)


@dataclass(frozen=True)
class FakeAssetsDef:
    keys: frozenset[AssetKey]


@dataclass(frozen=True)
class FakeSpec:
    key: AssetKey


# ---- constructors ---------------------------------------------------------------------


def test_all_selects_executable_assets_only_unless_sources_included() -> None:
    assert resolve(AssetSelection.all()) == EXECUTABLE
    assert resolve(AssetSelection.all(include_sources=True)) == EXECUTABLE | keys("ext")


@pytest.mark.parametrize(
    "value",
    [
        k("raw/orders"),
        "raw/orders",
        ["raw", "orders"],
        ("raw", "orders"),
        FakeSpec(k("raw/orders")),
    ],
)
def test_assets_accepts_every_key_form(value: object) -> None:
    assert resolve(AssetSelection.assets(value)) == keys("raw/orders")


def test_assets_accepts_assets_definitions_and_external_keys() -> None:
    multi = FakeAssetsDef(frozenset(keys("m1", "m2")))
    assert resolve(AssetSelection.assets(multi, "ext")) == keys("m1", "m2", "ext")
    assert AssetSelection.keys("a", "b") == AssetSelection.assets("a", "b")


def test_assets_rejects_what_is_not_a_key() -> None:
    with pytest.raises(InvalidDefinitionError, match=r"Cannot select 42"):
        AssetSelection.assets(42)
    with pytest.raises(InvalidDefinitionError):
        AssetSelection.assets("a//b")


def test_unknown_key_names_it_and_suggests_close_matches() -> None:
    with pytest.raises(NotFoundError) as info:
        resolve(AssetSelection.assets("raw/order", "zzz"))
    message = str(info.value)
    assert "'raw/order'" in message and "'zzz'" in message
    assert "did you mean 'raw/orders'" in message
    assert "Definitions(assets=...)" in message
    assert isinstance(info.value, HeadwaterError)


def test_unknown_key_is_reported_even_when_nested() -> None:
    with pytest.raises(NotFoundError, match="nope"):
        resolve(AssetSelection.groups("mart") | AssetSelection.assets("nope").downstream())


def test_groups() -> None:
    assert resolve(AssetSelection.groups("ingest")) == keys("a", "b")
    assert resolve(AssetSelection.groups("ingest", include_sources=True)) == keys("a", "b", "ext")
    assert resolve(AssetSelection.groups("mart", "default")) == keys(
        "c", "d", "e", "raw/orders", "raw/eu/customers", "m1", "m2"
    )
    assert resolve(AssetSelection.groups("no_such_group")) == set()
    with pytest.raises(InvalidDefinitionError):
        AssetSelection.groups(["ingest"])  # type: ignore[arg-type]


def test_key_prefixes_match_whole_parts() -> None:
    assert resolve(AssetSelection.key_prefixes("raw")) == keys("raw/orders", "raw/eu/customers")
    assert resolve(AssetSelection.key_prefixes("raw/eu")) == keys("raw/eu/customers")
    assert resolve(AssetSelection.key_prefixes(["raw", "eu"], "m1")) == keys(
        "raw/eu/customers", "m1"
    )
    assert resolve(AssetSelection.key_prefixes("ra")) == set()
    assert resolve(AssetSelection.key_prefixes("ex")) == set()
    assert resolve(AssetSelection.key_prefixes("ext", include_sources=True)) == keys("ext")
    with pytest.raises(InvalidDefinitionError, match="Invalid key prefix"):
        AssetSelection.key_prefixes("raw//eu")


def test_tag_with_and_without_value() -> None:
    assert resolve(AssetSelection.tag("tier", "gold")) == keys("a")
    assert resolve(AssetSelection.tag("tier")) == keys("a", "b")
    assert resolve(AssetSelection.tag("pii", "")) == keys("d")
    assert resolve(AssetSelection.tag("tier", "bronze")) == set()


def test_owner_includes_external_assets_and_kind_does_not() -> None:
    assert resolve(AssetSelection.owner("team:data")) == keys("ext", "raw/eu/customers")
    assert resolve(AssetSelection.kind("dbt")) == keys("c")
    assert resolve(AssetSelection.kind(None)) == EXECUTABLE - keys("a", "c", "raw/orders")


# ---- graph walks ----------------------------------------------------------------------


def test_upstream_depth_and_include_self() -> None:
    d = AssetSelection.assets("d")
    assert resolve(d.upstream()) == keys("a", "b", "c", "d")  # the external 'ext' is left out
    assert resolve(d.upstream(depth=1)) == keys("b", "c", "d")
    assert resolve(d.upstream(depth=0)) == keys("d")
    assert resolve(d.upstream(include_self=False)) == keys("a", "b", "c")
    assert resolve(AssetSelection.assets("ext").upstream()) == set()


def test_downstream_depth_and_include_self() -> None:
    a = AssetSelection.assets("a")
    assert resolve(a.downstream()) == keys("a", "b", "c", "d", "e")
    assert resolve(a.downstream(depth=2)) == keys("a", "b", "c", "d")
    assert resolve(a.downstream(depth=1, include_self=False)) == keys("b", "c")
    assert resolve(AssetSelection.assets("ext").downstream(1)) == keys("ext", "a")
    with pytest.raises(InvalidDefinitionError, match="depth"):
        a.downstream(depth=-1)


def test_roots_and_sinks_look_through_unselected_assets() -> None:
    selection = AssetSelection.assets("a", "d", "e", "raw/orders")
    # d is not a root: its ancestor a is selected, even though b and c (between them) are not.
    assert resolve(selection.roots()) == keys("a", "raw/orders")
    assert resolve(selection.sources()) == resolve(selection.roots())
    assert resolve(selection.sinks()) == keys("e", "raw/orders")
    assert resolve(AssetSelection.assets("b", "c").roots()) == keys("b", "c")


def test_required_multi_asset_neighbors() -> None:
    assert resolve(AssetSelection.assets("m2").required_multi_asset_neighbors()) == keys("m1", "m2")
    assert resolve(AssetSelection.assets("a").required_multi_asset_neighbors()) == keys("a")


def test_required_neighbors_skip_nodes_that_can_subset() -> None:
    @dataclass(frozen=True)
    class SubsettableNode(AssetNode):
        can_subset: bool = True

    graph = AssetGraph(
        [SubsettableNode(key=k("x"), node_name="op"), SubsettableNode(key=k("y"), node_name="op")]
    )
    assert resolve(AssetSelection.assets("x").required_multi_asset_neighbors(), graph) == keys("x")


def test_materializable_and_upstream_source_assets() -> None:
    assert resolve(AssetSelection.assets("ext", "a").materializable()) == keys("a")
    assert resolve(AssetSelection.assets("d").upstream_source_assets()) == keys("ext")


# ---- operators, equality, text ---------------------------------------------------------


def test_operators() -> None:
    ingest, mart = AssetSelection.groups("ingest"), AssetSelection.groups("mart")
    assert resolve(ingest | mart) == keys("a", "b", "c", "d")
    assert resolve((ingest | mart) & AssetSelection.tag("tier")) == keys("a", "b")
    assert resolve(AssetSelection.all() - ingest - mart) == EXECUTABLE - keys("a", "b", "c", "d")
    with pytest.raises(TypeError):
        ingest | "a"


def test_equality_and_hash_are_structural() -> None:
    one = AssetSelection.assets("a").upstream(depth=1) | AssetSelection.groups("g")
    two = AssetSelection.assets(k("a")).upstream(depth=1) | AssetSelection.groups("g")
    assert one == two and hash(one) == hash(two)
    assert len({one, two}) == 1
    assert one != AssetSelection.assets("a").upstream(depth=2) | AssetSelection.groups("g")
    assert AssetSelection.assets("a") != AssetSelection.key_prefixes("a")
    assert (AssetSelection.assets("a") | AssetSelection.assets("b")) | AssetSelection.assets(
        "c"
    ) == AssetSelection.assets("a") | (AssetSelection.assets("b") | AssetSelection.assets("c"))


def test_selections_are_immutable() -> None:
    selection = AssetSelection.groups("g")
    with pytest.raises(dataclasses.FrozenInstanceError):
        selection.include_sources = True  # type: ignore[attr-defined]


def test_str_is_selection_syntax_and_repr_is_python() -> None:
    selection = (
        AssetSelection.assets("a").upstream(depth=2) | AssetSelection.groups("g").downstream()
    ) - AssetSelection.tag("tier", "gold")
    assert str(selection) == '(2+key:"a" or group:"g"+) and not tag:"tier"="gold"'
    assert repr(selection) == (
        "((AssetSelection.assets('a').upstream(depth=2) | "
        "AssetSelection.groups('g').downstream()) - AssetSelection.tag('tier', 'gold'))"
    )
    assert str(AssetSelection.all() - AssetSelection.assets("a", "b")) == (
        'not (key:"a" or key:"b")'
    )
    assert str(AssetSelection.assets("a").sinks()) == 'sinks(key:"a")'


# ---- asset checks ---------------------------------------------------------------------


def test_selecting_assets_selects_their_checks() -> None:
    assert AssetSelection.assets("d", "e").resolve_checks(GRAPH) == {CHECK_D, CHECK_E}
    assert AssetSelection.assets("a").downstream().resolve_checks(GRAPH) == {CHECK_D, CHECK_E}
    assert AssetSelection.assets("d").without_checks().resolve_checks(GRAPH) == set()
    assert resolve(AssetSelection.assets("d").without_checks()) == keys("d")


def test_check_only_selections() -> None:
    assert AssetSelection.all_asset_checks().resolve_checks(GRAPH) == {CHECK_D, CHECK_E}
    assert resolve(AssetSelection.all_asset_checks()) == set()
    assert AssetSelection.checks_for_assets("e").resolve_checks(GRAPH) == {CHECK_E}
    assert AssetSelection.checks(CHECK_D).resolve_checks(GRAPH) == {CHECK_D}
    combined = AssetSelection.assets("a") | AssetSelection.checks_for_assets("d")
    assert resolve(combined) == keys("a")
    assert combined.resolve_checks(GRAPH) == {CHECK_D}
    with pytest.raises(NotFoundError, match="d:missing"):
        AssetSelection.checks(AssetCheckKey(k("d"), "missing")).resolve_checks(GRAPH)
    with pytest.raises(NotFoundError, match="nope"):
        AssetSelection.checks_for_assets("nope").resolve_checks(GRAPH)


# ---- string syntax --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("*", EXECUTABLE),
        ("d", keys("d")),
        ("  raw/orders  ", keys("raw/orders")),
        ('"raw/eu/customers"', keys("raw/eu/customers")),
        ("+d", keys("b", "c", "d")),
        ("++d", keys("a", "b", "c", "d")),
        ("*d", keys("a", "b", "c", "d")),
        ("2+e", keys("b", "c", "d", "e")),
        ("a+", keys("a", "b", "c")),
        ("a++", keys("a", "b", "c", "d")),
        ("b*", keys("b", "d", "e")),
        ("*b+", keys("a", "b", "d")),
        ("+d+", keys("b", "c", "d", "e")),
        ("a, raw/orders+", keys("a", "raw/orders", "raw/eu/customers")),
        ("a,b , c", keys("a", "b", "c")),
        ("key:raw/orders", keys("raw/orders")),
        ('key:"raw/orders"', keys("raw/orders")),
        ("key:raw/*", keys("raw/orders", "raw/eu/customers")),
        ("key:*s", keys("raw/orders", "raw/eu/customers")),
        ("key:m*", keys("m1", "m2")),
        ("key:e*", keys("e", "ext")),
        ("key_prefix:raw/eu", keys("raw/eu/customers")),
        ("group:ingest", keys("a", "b")),
        ('group:"mart"', keys("c", "d")),
        ("tag:tier=gold", keys("a")),
        ('tag:"tier" = "silver"', keys("b")),
        ("tag:tier", keys("a", "b")),
        ('owner:"team:data"', keys("ext", "raw/eu/customers")),
        ("owner:alice@x.io", keys("c")),
        ("kind:dbt", keys("c")),
        ("+group:mart", keys("a", "b", "c", "d")),
        ("1+group:mart", keys("a", "b", "c", "d")),
        ("*group:mart", keys("a", "b", "c", "d")),
        ("group:ingest+", keys("a", "b", "c", "d", "e")),
        ("group:ingest+1", keys("a", "b", "c", "d")),
        ("key:a+ and +key:d", keys("a", "b", "c", "d")),
        ("group:ingest or group:mart", keys("a", "b", "c", "d")),
        ("group:ingest OR kind:dbt", keys("a", "b", "c")),
        ("group:mart and not kind:dbt", keys("d")),
        ("not group:ingest and not key:raw/*", keys("c", "d", "e", "m1", "m2")),
        ("not (group:ingest or group:mart)", EXECUTABLE - keys("a", "b", "c", "d")),
        ("not not group:ingest", keys("a", "b")),
        ("a or b and c", keys("a")),
        ("(a or b) and b", keys("b")),
        ("(a, b)+1", keys("a", "b", "c", "d")),
        ("roots(group:mart)", keys("c")),
        ("sinks(a*)", keys("e")),
        ("roots(a+)", keys("a")),
        ("+roots(group:mart)", keys("a", "c")),
    ],
)
def test_string_syntax(text: str, expected: set[AssetKey]) -> None:
    assert resolve(text) == expected


def test_string_syntax_include_sources() -> None:
    with_sources = AssetSelection.from_string("group:ingest", include_sources=True)
    assert resolve(with_sources) == keys("ext", "a", "b")
    assert resolve(AssetSelection.from_string("*", include_sources=True)) == EXECUTABLE | keys(
        "ext"
    )
    assert k("ext") in resolve(AssetSelection.from_string("not a", include_sources=True))


def test_string_forms_build_the_same_tree_as_python() -> None:
    a = AssetSelection.assets("a")
    assert AssetSelection.from_string("*a+") == a.upstream() | a.downstream(1)
    assert AssetSelection.from_string("group:g and not tag:t=v") == (
        AssetSelection.groups("g") - AssetSelection.tag("t", "v")
    )
    assert AssetSelection.from_string("not a and b") == (
        (AssetSelection.all() - a) & AssetSelection.assets("b")
    )


def test_and_not_keeps_external_assets_of_the_left_side() -> None:
    assert resolve("ext+ and not b") == keys("ext", "a")
    assert resolve("not b and ext+") == keys("a")


@pytest.mark.parametrize(
    ("text", "fragment", "column"),
    [
        ("", "empty", 1),
        ("   ", "empty", 4),
        ("a b", "unexpected 'b'", 3),
        ("(a or b", "unbalanced '('", 1),
        ("a or (b and (c)", "unbalanced '('", 6),
        ("a)", "unbalanced ')'", 2),
        ("()", "expected an asset key", 2),
        ("a or", "found the end of the selection", 5),
        ("and a", "found 'and'", 1),
        ("a,,b", "found ','", 3),
        ("grup:x", "unknown attribute 'grup' (did you mean 'group'?)", 1),
        ("a or status:ok", "unknown attribute 'status'", 6),
        ("rots(a)", "unknown function 'rots' (did you mean 'roots'?)", 1),
        ("group:", "expected a value after 'group:'", 7),
        ("group:*", "expected a value after 'group:'", 7),
        ("tag:t=", "expected a value", 7),
        ("key:a//b", "not a valid asset key", 5),
        ("/a", "not a valid asset key", 1),
        ('"a', "quote", 1),
        ("a | b", "use 'or'", 3),
        ("a & b", "use 'and'", 3),
        ("++group:g", "write 2+", 1),
        ("group:g++", "write 2+", 8),
        ("a+x", "number of layers", 3),
        ("+", "after '+'", 2),
        ("*+", "unexpected '+'", 2),
        ("roots(a", "unbalanced '(' after 'roots'", 6),
        ("(" * 60 + "a" + ")" * 60, "nests deeper", 51),
    ],
)
def test_syntax_errors_name_the_problem_and_column(text: str, fragment: str, column: int) -> None:
    with pytest.raises(SelectionSyntaxError) as info:
        AssetSelection.from_string(text)
    message = str(info.value)
    assert fragment in message
    assert f"(column {column})" in message
    assert info.value.position == column - 1
    assert message.splitlines()[-1] == "    " + " " * (column - 1) + "^"
    assert isinstance(info.value, InvalidDefinitionError)


# ---- coerce_selection -----------------------------------------------------------------


def test_coerce_selection_forms() -> None:
    selection = AssetSelection.groups("mart")
    assert coerce_selection(selection) is selection
    assert resolve(coerce_selection("*d")) == keys("a", "b", "c", "d")
    assert resolve(coerce_selection(["a", "raw/orders+"])) == keys(
        "a", "raw/orders", "raw/eu/customers"
    )
    assert resolve(coerce_selection([k("a"), k("raw/orders")])) == keys("a", "raw/orders")
    assert resolve(coerce_selection([FakeAssetsDef(frozenset(keys("m1"))), FakeSpec(k("e"))])) == (
        keys("m1", "e")
    )
    assert resolve(coerce_selection([])) == set()
    assert AssetSelection.from_coercible("a") == AssetSelection.assets("a")


def test_coerce_selection_rejects_other_types() -> None:
    with pytest.raises(InvalidDefinitionError, match="as an asset selection"):
        coerce_selection(3)  # type: ignore[arg-type]
    with pytest.raises(SelectionSyntaxError):
        coerce_selection(["a", "(b"])


# ---- properties -----------------------------------------------------------------------

SYNTAX_ALPHABET = list("ab/+*(),:=\"' ") + ["and", "or", "not", "key", "group", "tag", "roots"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(SYNTAX_ALPHABET), max_size=14).map("".join))
def test_parser_only_raises_headwater_errors(text: str) -> None:
    try:
        selection = AssetSelection.from_string(text)
    except SelectionSyntaxError as exc:
        assert 0 <= exc.position <= len(text)
        return
    try:
        selection.resolve(GRAPH)
    except NotFoundError:
        pass


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_parser_survives_arbitrary_text(text: str) -> None:
    try:
        AssetSelection.from_string(text)
    except SelectionSyntaxError:
        pass


NAMES = ["n0", "n1", "n2", "p/n3", "p/n4", "n5"]


@st.composite
def graphs(draw: st.DrawFn) -> AssetGraph:
    nodes = []
    for index, name in enumerate(NAMES):
        deps = draw(st.sets(st.sampled_from(NAMES[:index]))) if index else set()
        nodes.append(
            node(
                name,
                *deps,
                is_executable=draw(st.booleans()),
                group_name=draw(st.sampled_from(["g1", "g2"])),
                tags=draw(st.sampled_from([{}, {"t": "1"}, {"t": "2"}])),
            )
        )
    return AssetGraph(nodes)


def leaves() -> st.SearchStrategy[AssetSelection]:
    return st.one_of(
        st.just(AssetSelection.all()),
        st.lists(st.sampled_from(NAMES), min_size=1, max_size=3).map(
            lambda names: AssetSelection.assets(*names)
        ),
        st.sampled_from(["g1", "g2"]).map(AssetSelection.groups),
        st.sampled_from(["p", "n0"]).map(AssetSelection.key_prefixes),
        st.sampled_from([("t", None), ("t", "1")]).map(lambda kv: AssetSelection.tag(*kv)),
    )


def extend(children: st.SearchStrategy[AssetSelection]) -> st.SearchStrategy[AssetSelection]:
    depth = st.one_of(st.none(), st.integers(0, 3))
    return st.one_of(
        st.tuples(children, children).map(lambda p: p[0] | p[1]),
        st.tuples(children, children).map(lambda p: p[0] & p[1]),
        st.tuples(children, children).map(lambda p: p[0] - p[1]),
        st.tuples(children, depth, st.booleans()).map(lambda p: p[0].upstream(p[1], p[2])),
        st.tuples(children, depth, st.booleans()).map(lambda p: p[0].downstream(p[1], p[2])),
        children.map(lambda s: s.roots()),
        children.map(lambda s: s.sinks()),
    )


selections = st.recursive(leaves(), extend, max_leaves=6)


@settings(max_examples=150, deadline=None)
@given(graphs(), selections, selections)
def test_set_algebra_laws(graph: AssetGraph, left: AssetSelection, right: AssetSelection) -> None:
    a, b = left.resolve(graph), right.resolve(graph)
    assert (left | right).resolve(graph) == (right | left).resolve(graph) == a | b
    assert (left & right).resolve(graph) == (right & left).resolve(graph) == a & b
    assert (left - right).resolve(graph) == a - b
    assert (left - left).resolve(graph) == set()
    everything = AssetSelection.all(include_sources=True)
    assert (everything - (left | right)).resolve(graph) == (
        (everything - left) & (everything - right)
    ).resolve(graph)


@settings(max_examples=150, deadline=None)
@given(graphs(), selections)
def test_walk_laws(graph: AssetGraph, selection: AssetSelection) -> None:
    chosen = selection.resolve(graph)
    assert selection.roots().resolve(graph) <= chosen
    assert selection.sinks().resolve(graph) <= chosen
    if chosen:
        assert selection.roots().resolve(graph) and selection.sinks().resolve(graph)
    assert selection.upstream(1).resolve(graph) <= selection.upstream().resolve(graph)
    assert chosen <= selection.downstream(2).resolve(graph) <= selection.downstream().resolve(graph)
    assert selection.upstream().resolve(graph) <= graph.executable_asset_keys
    for key in selection.downstream(1, include_self=False).resolve(graph):
        assert key not in chosen and graph.parents(key) & chosen


@settings(max_examples=150, deadline=None)
@given(graphs(), selections)
def test_str_round_trips_through_the_parser(graph: AssetGraph, selection: AssetSelection) -> None:
    reparsed = AssetSelection.from_string(str(selection))
    assert reparsed.resolve(graph) == selection.resolve(graph)


def _all_keys(selections: Iterable[AssetSelection], graph: AssetGraph) -> set[AssetKey]:
    return set().union(*(s.resolve(graph) for s in selections))


@settings(max_examples=100, deadline=None)
@given(graphs(), st.lists(st.sampled_from(["n0", "n1+", "*p/n4", "group:g1", "n5*"]), min_size=1))
def test_a_list_of_clauses_is_their_union(graph: AssetGraph, clauses: list[str]) -> None:
    expected = _all_keys((AssetSelection.from_string(c) for c in clauses), graph)
    assert coerce_selection(clauses).resolve(graph) == expected
    assert AssetSelection.from_string(", ".join(clauses)).resolve(graph) == expected
