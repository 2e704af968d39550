"""The string form of asset selections, as used by ``define_asset_job(selection=...)`` and
``--select``.

Grammar (lowest precedence first; keywords may be lower- or upper-case)::

    selection  := or_expr ("," or_expr)*              a comma list is a union
    or_expr    := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | walk | "*"         "*" alone: every asset
    walk       := [up] operand [down]
    operand    := name | attribute | function "(" selection ")" | "(" selection ")"
    attribute  := key:V | key_prefix:V | group:V | tag:V[=V] | owner:V | kind:V
    function   := roots | sinks

A *name* is an asset key written ``a/b`` (or quoted, ``"a/b"``). Around a name the depth
markers keep the clause meaning: ``+name`` is one layer up, ``++name`` two, ``*name`` all
layers, and likewise ``name+``, ``name++``, ``name*``. Around an attribute, function or
parenthesised operand, ``+`` alone means all layers and ``2+`` / ``+2`` a number of layers
(``*`` also means all). ``key:`` values may contain ``*`` as a wildcard (``key:raw/*``).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from headwater.definitions.asset_graph.keys import AssetKey
from headwater.definitions.selection.asset_selection import AssetSelection
from headwater.definitions.selection.nodes import KeyGlobSelection, SubtractSelection, union_of
from headwater.errors import HeadwaterError, InvalidDefinitionError

__all__ = ["SelectionSyntaxError", "parse_selection"]

ATTRIBUTES = ("group", "key", "key_prefix", "kind", "owner", "tag")
FUNCTIONS = ("roots", "sinks")
_KEYWORDS = {"and": "and", "AND": "and", "or": "or", "OR": "or", "not": "not", "NOT": "not"}
_WORD_EXTRA = frozenset("_./-[]?@")
_PUNCTUATION = {"(": "lparen", ")": "rparen", ",": "comma", "+": "plus", "*": "star"}
_PUNCTUATION.update({":": "colon", "=": "equal"})
_MAX_NESTING = 50


class SelectionSyntaxError(InvalidDefinitionError):
    """A selection string could not be parsed; ``position`` is the 0-based offset."""

    def __init__(self, text: str, position: int, problem: str) -> None:
        self.text = text
        self.position = position
        shown = "".join(" " if ch in "\t\r\n" else ch for ch in text)
        super().__init__(
            f"Invalid asset selection {text!r}: {problem} (column {position + 1}).\n"
            f"    {shown}\n    {' ' * position}^"
        )


@dataclass(frozen=True)
class _Token:
    kind: str  # "word", "string", "end", or a _PUNCTUATION kind
    text: str
    start: int
    end: int


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in _PUNCTUATION:
            tokens.append(_Token(_PUNCTUATION[ch], ch, i, i + 1))
            i += 1
        elif ch in "\"'":
            close = text.find(ch, i + 1)
            if close < 0:
                raise SelectionSyntaxError(text, i, f"the quote {ch} is never closed")
            tokens.append(_Token("string", text[i + 1 : close], i, close + 1))
            i = close + 1
        elif ch.isalnum() or ch in _WORD_EXTRA:
            start = i
            while i < len(text) and (text[i].isalnum() or text[i] in _WORD_EXTRA):
                i += 1
            tokens.append(_Token("word", text[start:i], start, i))
        else:
            hint = {"|": "; use 'or' or ','", "&": "; use 'and'", "!": "; use 'not'"}
            raise SelectionSyntaxError(text, i, f"unexpected character {ch!r}{hint.get(ch, '')}")
    tokens.append(_Token("end", "", len(text), len(text)))
    return tokens


@dataclass(frozen=True)
class _Marker:
    """A depth marker: ``*`` (``star``), ``+``… (``plus``, count) or ``N+`` (``digits``)."""

    form: str
    count: int
    token: _Token


class _Parser:
    def __init__(self, text: str, include_sources: bool) -> None:
        self.text = text
        self.include_sources = include_sources
        self.tokens = _tokenize(text)
        self.index = 0
        self.nesting = 0
        self.everything = AssetSelection.all(include_sources=include_sources)

    # ---- token helpers ----

    def peek(self, ahead: int = 0) -> _Token:
        return self.tokens[min(self.index + ahead, len(self.tokens) - 1)]

    def advance(self) -> _Token:
        token = self.peek()
        self.index += 1
        return token

    def keyword(self, token: _Token) -> str | None:
        return _KEYWORDS.get(token.text) if token.kind == "word" else None

    def error(self, token: _Token, problem: str) -> SelectionSyntaxError:
        return SelectionSyntaxError(self.text, token.start, problem)

    def describe(self, token: _Token) -> str:
        return "the end of the selection" if token.kind == "end" else repr(token.text)

    def starts_operand(self, token: _Token) -> bool:
        return token.kind in ("string", "lparen") or (
            token.kind == "word" and self.keyword(token) is None
        )

    def nest(self, token: _Token) -> None:
        self.nesting += 1
        if self.nesting > _MAX_NESTING:
            raise self.error(token, f"the selection nests deeper than {_MAX_NESTING} levels")

    # ---- grammar ----

    def parse(self) -> AssetSelection:
        if self.peek().kind == "end":
            raise self.error(self.peek(), "the selection is empty; use '*' to select everything")
        selection = self.union()
        token = self.peek()
        if token.kind == "rparen":
            raise self.error(token, "unbalanced ')': there is no '(' to close")
        if token.kind != "end":
            raise self.error(
                token,
                f"unexpected {self.describe(token)}; combine clauses with ',', 'or' or 'and'",
            )
        return selection

    def union(self) -> AssetSelection:
        parts = [self.or_expr()]
        while self.peek().kind == "comma":
            self.advance()
            parts.append(self.or_expr())
        return union_of(parts)

    def or_expr(self) -> AssetSelection:
        parts = [self.and_expr()]
        while self.keyword(self.peek()) == "or":
            self.advance()
            parts.append(self.and_expr())
        return union_of(parts)

    def and_expr(self) -> AssetSelection:
        result = self.not_expr()
        while self.keyword(self.peek()) == "and":
            self.advance()
            operand = self.not_expr()
            # "x and not y" removes y from x, so it keeps x's external assets too.
            if isinstance(operand, SubtractSelection) and operand.left == self.everything:
                result = result - operand.right
            else:
                result = result & operand
        return result

    def not_expr(self) -> AssetSelection:
        token = self.peek()
        if self.keyword(token) == "not":
            self.advance()
            self.nest(token)
            operand = self.not_expr()
            self.nesting -= 1
            return self.everything - operand
        return self.walk()

    def walk(self) -> AssetSelection:
        up = self.up_marker()
        token = self.peek()
        if up is None and token.kind == "star":
            self.advance()
            return self.everything
        if not self.starts_operand(token):
            after = f" after {up.token.text!r}" if up else ""
            raise self.error(
                token,
                f"expected an asset key, an attribute such as group:name, or '('{after}, "
                f"found {self.describe(token)}",
            )
        operand, is_name = self.operand()
        down = self.down_marker()
        up_depth = self.depth(up, is_name)
        down_depth = self.depth(down, is_name)
        if up is None and down is None:
            return operand
        if up is None:
            return operand.downstream(down_depth)
        if down is None:
            return operand.upstream(up_depth)
        return operand.upstream(up_depth) | operand.downstream(down_depth)

    def up_marker(self) -> _Marker | None:
        token = self.peek()
        if token.kind == "star" and self.starts_operand(self.peek(1)):
            self.advance()
            return _Marker("star", 0, token)
        if token.kind == "plus":
            count = 0
            while self.peek().kind == "plus":
                self.advance()
                count += 1
            return _Marker("plus", count, token)
        after = self.peek(1)
        if (
            token.kind == "word"
            and token.text.isdigit()
            and after.kind == "plus"
            and after.start == token.end
            and self.starts_operand(self.peek(2))
        ):
            self.index += 2
            return _Marker("digits", int(token.text), token)
        return None

    def down_marker(self) -> _Marker | None:
        token = self.peek()
        if token.kind == "star":
            self.advance()
            return _Marker("star", 0, token)
        if token.kind != "plus":
            return None
        count = 0
        while self.peek().kind == "plus":
            last = self.advance()
            count += 1
        digits = self.peek()
        if count == 1 and digits.kind == "word" and digits.start == last.end:
            if not digits.text.isdigit():
                raise self.error(
                    digits, f"expected a number of layers after '+', found {digits.text!r}"
                )
            self.advance()
            return _Marker("digits", int(digits.text), token)
        return _Marker("plus", count, token)

    def depth(self, marker: _Marker | None, is_name: bool) -> int | None:
        if marker is None or marker.form == "star":
            return None
        if marker.form == "digits" or is_name:
            return marker.count
        if marker.count > 1:
            raise self.error(
                marker.token,
                f"'{'+' * marker.count}' around an attribute or '(...)' is ambiguous: '+' "
                f"already means all layers; write {marker.count}+ (or +{marker.count}) for "
                f"{marker.count} layers",
            )
        return None

    def operand(self) -> tuple[AssetSelection, bool]:
        token = self.advance()
        if token.kind == "lparen":
            self.nest(token)
            inner = self.union()
            closing = self.peek()
            if closing.kind != "rparen":
                raise self.error(
                    token,
                    f"unbalanced '(': it is never closed (found {self.describe(closing)} "
                    "where ')' was expected)",
                )
            self.advance()
            self.nesting -= 1
            return inner, False
        if token.kind == "string":
            return self.key(token, token.text), True
        following = self.peek()
        if following.kind == "colon" and following.start == token.end:
            self.advance()
            return self.attribute(token), False
        if token.text in FUNCTIONS and following.kind == "lparen":
            self.advance()
            self.nest(token)
            inner = self.union()
            if self.peek().kind != "rparen":
                raise self.error(
                    following, f"unbalanced '(' after {token.text!r}: it is never closed"
                )
            self.advance()
            self.nesting -= 1
            method = inner.roots if token.text == "roots" else inner.sinks
            return method(), False
        if following.kind == "lparen" and following.start == token.end:
            raise self.error(token, self.unknown(token.text, FUNCTIONS, "function"))
        return self.key(token, token.text), True

    def unknown(self, name: str, known: tuple[str, ...], what: str) -> str:
        close = difflib.get_close_matches(name.lower(), known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"unknown {what} {name!r}{hint}; known {what}s are {', '.join(known)}"

    def key(self, token: _Token, text: str) -> AssetSelection:
        try:
            return AssetSelection.assets(AssetKey.from_user_string(text))
        except InvalidDefinitionError as exc:
            raise self.error(token, f"{text!r} is not a valid asset key ({exc})") from None

    def value(self, attribute: _Token, glob: bool = False) -> tuple[str, _Token]:
        first = self.peek()
        if first.kind == "string":
            return self.advance().text, first
        allowed = ("word", "star") if glob else ("word",)
        if first.kind not in allowed:
            raise self.error(
                first,
                f"expected a value after '{attribute.text}:', found {self.describe(first)}",
            )
        text = self.advance().text
        end = first.end
        while glob and self.peek().kind in allowed and self.peek().start == end:
            token = self.advance()
            text += token.text
            end = token.end
        return text, first

    def attribute(self, name: _Token) -> AssetSelection:
        if name.text not in ATTRIBUTES:
            raise self.error(name, self.unknown(name.text, ATTRIBUTES, "attribute"))
        sources = self.include_sources
        if name.text == "key":
            text, token = self.value(name, glob=True)
            return KeyGlobSelection(text) if "*" in text else self.key(token, text)
        if name.text == "tag":
            tag_key, _ = self.value(name)
            if self.peek().kind != "equal":
                return AssetSelection.tag(tag_key, None, include_sources=sources)
            self.advance()
            tag_value, _ = self.value(name)
            return AssetSelection.tag(tag_key, tag_value, include_sources=sources)
        text, token = self.value(name)
        if name.text == "group":
            return AssetSelection.groups(text, include_sources=sources)
        if name.text == "kind":
            return AssetSelection.kind(text, include_sources=sources)
        if name.text == "owner":
            return AssetSelection.owner(text)
        try:
            return AssetSelection.key_prefixes(text, include_sources=sources)
        except InvalidDefinitionError as exc:
            raise self.error(token, str(exc)) from None


def parse_selection(text: str, include_sources: bool = False) -> AssetSelection:
    """Parse the string form of an asset selection (grammar in this module's docstring).

    Args:
        text: the selection, e.g. ``"*orders+"``, ``"raw/a, raw/b"`` or
            ``"group:sales and not tag:tier=experimental"``.
        include_sources: whether ``*``, ``not``, ``group:``, ``tag:``, ``kind:`` and
            ``key_prefix:`` also match external assets.

    Raises:
        SelectionSyntaxError: the text is not valid; the message shows the column.
    """
    try:
        return _Parser(text, include_sources).parse()
    except SelectionSyntaxError:
        raise
    except HeadwaterError as exc:  # e.g. an invalid key built from a well-formed clause
        raise SelectionSyntaxError(text, 0, str(exc)) from exc
