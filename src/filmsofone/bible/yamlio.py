"""Reading and writing the bible's YAML, keeping the user's comments and key order.

`parse_document` returns the round-trip document (ruamel's CommentedMap, which remembers comments and
line numbers); `validate_document` turns it into a `CastBible`. Both raise `BibleError` naming
`file:line:column`, the problem and a fix hint.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, SequenceNode

from ..errors import BibleError
from ..store.files import write_atomic
from .model import CastBible

MAX_ALIAS_NODES = 10_000  # nodes that aliases may add to a document beyond its own (a bible needs none)
MAX_YAML_BYTES = 64 << 20


class _AliasBomb(Exception):
    def __init__(self, node, what: str):
        super().__init__(what)
        self.node, self.what = node, what


class _BoundedComposer(Composer):
    """Composes as usual, then refuses a document whose aliases would expand it beyond MAX_ALIAS_NODES
    (the "billion laughs": nine levels of nine aliases make 387 million nodes from 90 lines)."""

    def compose_document(self):
        node = super().compose_document()
        if node is not None and self.anchors:
            _check_expansion(node)
        return node


def _check_expansion(root) -> None:
    sizes: dict[int, int] = {}
    unique = [0]

    def size(node, path: set[int]) -> int:
        key = id(node)
        if key in path:
            raise _AliasBomb(node, "an alias refers to the node that holds it")
        if key in sizes:
            return sizes[key]
        unique[0] += 1
        children = node.value if isinstance(node, SequenceNode) else \
            [part for pair in node.value for part in pair] if isinstance(node, MappingNode) else []
        path.add(key)
        total = 1
        for child in children:
            total += size(child, path)
            if total - unique[0] > MAX_ALIAS_NODES:
                raise _AliasBomb(child, f"its aliases expand it by more than {MAX_ALIAS_NODES:,} nodes")
        path.discard(key)
        sizes[key] = total
        return total

    size(root, set())


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Composer = _BoundedComposer
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 110
    yaml.preserve_quotes = True
    return yaml


def load_value(text: str) -> Any:
    """One value written as YAML on the command line (a number, a list, true/false), aliases bounded."""
    yaml = YAML(typ="safe", pure=True)
    yaml.Composer = _BoundedComposer
    try:
        return yaml.load(text)
    except _AliasBomb as exc:
        raise YAMLError(f"refused: {exc.what}") from None


def parse_text(text: str, path: Path | str) -> CommentedMap:
    """The round-trip document of `text`; BibleError with file:line:column on a syntax error."""
    try:
        data = _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        raise BibleError(f"{path}:{line}:{column}: YAML syntax error: {problem}", _syntax_hint(problem)) from exc
    except YAMLError as exc:
        raise BibleError(f"{path}:1:1: YAML error: {exc}", "check the file's indentation and quoting") from exc
    except _AliasBomb as exc:
        mark = exc.node.start_mark
        raise BibleError(f"{path}:{mark.line + 1}:{mark.column + 1}: refused: {exc.what}",
                         "write the values out instead of repeating them with aliases (*name)") from None
    if not isinstance(data, CommentedMap):
        raise BibleError(f"{path}:1:1: the cast bible must be a mapping (book:, style:, characters:, ...)",
                         "restore the top-level keys; `filmsofone import` rewrites a fresh bible")
    return data


def _syntax_hint(problem: str) -> str:
    if "tab" in problem:
        return "indent with spaces, not tabs"
    if "mapping values" in problem:
        return "put a space after each ':' and quote values that contain ': '"
    if "indent" in problem or "block" in problem:
        return "check the indentation: keys of one item line up, list items start with '- '"
    return "check the quoting and indentation around that line"


def validate_document(doc: CommentedMap, path: Path | str) -> CastBible:
    """The validated bible; BibleError pointing at the offending key on a schema error."""
    try:
        return CastBible.model_validate(to_plain(doc))
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(error["loc"])
        line, column = locate(doc, loc)
        where = ".".join(str(part) for part in loc) or "(top level)"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise BibleError(f"{path}:{line}:{column}: {where}: {error['msg']}{more}", _schema_hint(error)) from exc


def _schema_hint(error: dict) -> str:
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        return "this key is not part of the bible; check its spelling (see `filmsofone cast show`)"
    if kind == "missing":
        return "add the missing key"
    if kind == "literal_error":
        return f"use one of the allowed values: {error.get('ctx', {}).get('expected', '')}".strip()
    if "int" in kind or "float" in kind:
        return "use a number here"
    if "bool" in kind:
        return "use true or false"
    if "list" in kind:
        return "use a list ('- item' lines or [a, b])"
    return "fix the value at that line"


def locate(doc: Any, loc: tuple) -> tuple[int, int]:
    """1-based line and column of the deepest node of `loc` found in the round-trip document."""
    line, column = 1, 1
    node = doc
    for part in loc:
        if isinstance(node, CommentedMap) and (part in node or str(part) in node):
            key = part if part in node else str(part)
            position, node = node.lc.key(key), node[key]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
            position, node = node.lc.item(part), node[part]
        else:
            break
        if not position or position[0] is None:
            break  # a node added in memory has no position: keep its parent's
        line, column = position[0] + 1, position[1] + 1
    return line, column


def to_plain(node: Any) -> Any:
    """Plain dicts, lists and scalars (ruamel's scalar subclasses become str/int/float/bool)."""
    if isinstance(node, dict):
        return {to_plain(k): to_plain(v) for k, v in node.items()}
    if isinstance(node, (list, tuple)):
        return [to_plain(v) for v in node]
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, str):
        return str(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    return node


def to_commented(node: Any) -> Any:
    """Plain data as round-trip nodes (so comments can be attached and order kept)."""
    if isinstance(node, dict):
        out = CommentedMap()
        for key, value in node.items():
            out[key] = to_commented(value)
        return out
    if isinstance(node, (list, tuple)):
        seq = CommentedSeq(to_commented(v) for v in node)
        if node and all(not isinstance(v, (dict, list, tuple)) for v in node):
            seq.fa.set_flow_style()
        return seq
    return node


def dump_text(doc: Any) -> str:
    buffer = io.StringIO()
    _yaml().dump(doc, buffer)
    return buffer.getvalue()


def write_atomically(path: Path, text: str) -> None:
    write_atomic(path, text)


def read_document(path: Path) -> CommentedMap:
    """The file as a round-trip document, comments attached to what they introduce."""
    size = path.stat().st_size
    if size > MAX_YAML_BYTES:
        raise BibleError(f"{path}:1:1: the file is {size >> 20} MB, more than a bible ({MAX_YAML_BYTES >> 20} MB)",
                         "check it is the right file")
    return hoist_comments(parse_text(path.read_text(encoding="utf-8"), path))


# --- comments that trail a node (e.g. the comment above the next top-level key) --------------------


def _tail_slots(node: Any) -> list[tuple[Any, Any, int]]:
    """(container, key, token index) of the last element at each depth, outermost first."""
    slots = []
    while isinstance(node, (CommentedMap, CommentedSeq)) and len(node):
        if isinstance(node, CommentedMap):
            key = list(node.keys())[-1]
            slots.append((node, key, 2))
        else:
            key = len(node) - 1
            slots.append((node, key, 0))
        node = node[key]
        if isinstance(node, (CommentedMap, CommentedSeq)) and node.fa.flow_style():
            break  # a comment inside [..] or {..} would break it: keep it after the flow node
    return slots


def detach_tail_comment(node: Any) -> Any:
    """Remove and return the comment lines trailing the last element of `node` (None when there are none).

    They hang on the deepest last scalar, after its own end-of-line comment (which stays).
    """
    slots = _tail_slots(node)
    if not slots:
        return None
    container, key, index = slots[-1]
    entry = container.ca.items.get(key)
    if not entry or len(entry) <= index or entry[index] is None:
        return None
    token = entry[index]
    value = token.value
    if value.startswith("\n"):
        entry[index] = None
        return token
    eol, newline, rest = value.partition("\n")
    if not rest.strip():
        return None
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    entry[index] = CommentToken(eol + newline, CommentMark(token.column), None)
    return CommentToken("\n" + rest, CommentMark(0), None)


def attach_tail_comment(node: Any, token: Any) -> None:
    """Put trailing comment lines back after the (new) last element of `node`."""
    slots = _tail_slots(node)
    if token is None or not slots:
        return
    container, key, index = slots[-1]
    entry = container.ca.items.setdefault(key, [None, None, None, None])
    while len(entry) <= index:
        entry.append(None)
    if entry[index] is not None and not entry[index].value.startswith("\n"):
        entry[index].value = entry[index].value.rstrip("\n") + token.value
    else:
        entry[index] = token


class keep_tail_comment:
    """`with keep_tail_comment(seq): seq.append(x)`: the trailing comment stays at the end."""

    def __init__(self, node: Any):
        self.node = node

    def __enter__(self) -> Any:
        self.token = detach_tail_comment(self.node)
        return self.node

    def __exit__(self, *exc: Any) -> None:
        attach_tail_comment(self.node, self.token)


def hoist_comments(doc: CommentedMap) -> CommentedMap:
    """Attach comments written above a top-level key, or above a list item of a section, to what follows them.

    The parser hangs such comments on the end of whatever precedes them, so deleting or appending an
    entry would carry them off; hoisted, they stay with the key or entry they introduce.
    """
    keys = list(doc.keys())
    for previous, key in zip(keys, keys[1:]):
        _set_before(doc, key, detach_tail_comment(doc[previous]))
    for key in keys:
        section = doc[key]
        if isinstance(section, CommentedSeq):
            for index in range(1, len(section)):
                _set_before(section, index, detach_tail_comment(section[index - 1]))
    return doc


def _set_before(container: Any, key: Any, token: Any) -> None:
    if token is None:
        return
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    text = token.value[1:] if token.value.startswith("\n") else token.value
    if not text.strip():
        return
    column = 0 if isinstance(container, CommentedMap) else (container.lc.col or 0)
    lines = [CommentToken(line.lstrip(" \t") or "\n", CommentMark(column), None)
             for line in text.splitlines(keepends=True)]
    entry = container.ca.items.setdefault(key, [None, None, None, None])
    if isinstance(container, CommentedSeq):
        while len(entry) < 2:
            entry.append(None)
        entry[1] = lines + (entry[1] or [])
    else:
        entry[1] = lines + (entry[1] or [])


def assign(node: CommentedMap, key: Any, value: Any) -> None:
    """node[key] = value, changing an existing list or mapping in place so its comments stay."""
    current = node.get(key) if key in node else None
    nested = isinstance(value, (list, tuple)) and any(isinstance(v, (dict, list)) for v in value)
    if isinstance(value, (list, tuple)) and isinstance(current, CommentedSeq) and value and \
            not (nested and current.fa.flow_style()):
        with keep_tail_comment(current):
            del current[:]
            current.extend(to_commented(v) for v in value)
    elif isinstance(value, dict) and isinstance(current, CommentedMap):
        with keep_tail_comment(current):
            for old in [k for k in current if k not in value]:
                del current[old]
            for inner, inner_value in value.items():
                assign(current, inner, inner_value)
    elif to_plain(current) != value or key not in node:
        node[key] = to_commented(value)


def decorate_entry(kind: str, entry: CommentedMap) -> CommentedMap:
    """The standard comments of a new entry (what `hints` and `interior` mean)."""
    if kind in ("characters", "settings") and entry.get("hints"):
        entry.yaml_add_eol_comment("read-only: found in the book (offsets into its text)", "hints")
    if kind == "settings" and "interior" in entry:
        entry.yaml_add_eol_comment("true: interior, false: exterior, null: unknown", "interior")
    return entry
