"""Three-way merge of the bible: what the tool last wrote (base), the user's file (ours), a fresh seed (theirs).

A field the user left as the tool wrote it takes the fresh value; a field the user changed is kept; when
both changed it differently, the user's value is kept and a conflict is reported (never a guess).
Characters, settings and props are matched by id and name/aliases, so a renumbered analysis does not
move one character's edits onto another. A `locked` entity is not touched except for its read-only
`hints`. Merging edits `ours` in place, so the user's comments and key order survive.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from .yamlio import assign, decorate_entry, keep_tail_comment, to_commented, to_plain

ENTITY_LISTS = ("characters", "settings", "props")
TOOL_OWNED = ("hints",)  # rewritten on every import
_MISSING = object()


@dataclass
class MergeReport:
    conflicts: list[str] = field(default_factory=list)  # "characters[Ada Quill].hair: kept 'grey', book says 'dark'"
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)


def merge_bible(base: dict | None, ours: CommentedMap, theirs: dict) -> MergeReport:
    """Merge `theirs` into `ours` (in place) against `base`; return what happened."""
    report = MergeReport()
    base = base or {}
    for key in ENTITY_LISTS:
        if key not in ours or not isinstance(ours[key], list):
            ours[key] = CommentedSeq()
        _merge_entities(base.get(key) or [], ours[key], theirs.get(key) or [], key, report)
    plain_theirs = {k: v for k, v in theirs.items() if k not in ENTITY_LISTS}
    plain_base = {k: v for k, v in base.items() if k not in ENTITY_LISTS}
    _merge_map(plain_base if base else None, ours, plain_theirs, "", report)
    return report


def _merge_map(base: dict | None, ours: CommentedMap, theirs: dict, path: str, report: MergeReport) -> None:
    with keep_tail_comment(ours):
        _merge_map_keys(base, ours, theirs, path, report)


def _merge_map_keys(base: dict | None, ours: CommentedMap, theirs: dict, path: str, report: MergeReport) -> None:
    for position, (their_key, new) in enumerate(theirs.items()):
        where = f"{path}.{their_key}" if path else str(their_key)
        old = base.get(their_key, _MISSING) if base is not None else _MISSING
        key = _key_in(ours, their_key)
        if key not in ours:
            if old is _MISSING:
                ours.insert(min(position, len(ours)), key, to_commented(new))
                report.updated.append(where)
            elif old != new:
                report.conflicts.append(f"{where}: you removed it; the book now gives {_short(new)}")
            continue
        mine = ours[key]
        if key in TOOL_OWNED:
            if _plain(mine) != new:
                assign(ours, key, new)
            continue
        if isinstance(new, dict) and isinstance(mine, CommentedMap):
            _merge_map(old if isinstance(old, dict) else ({} if base is not None else None), mine, new, where, report)
            continue
        _merge_value(ours, key, old, new, where, report)
    for key in [k for k in ours if str(k) not in {str(t) for t in theirs}]:
        if base is not None and str(key) in base and _plain(ours[key]) == base[str(key)]:
            del ours[key]


def _key_in(ours: CommentedMap, key: Any) -> Any:
    """The user's spelling of a key (theirs and the base come from JSON: chapter 3 is the key '3')."""
    if key in ours:
        return key
    return next((k for k in ours if str(k) == str(key)), key)


def _plain(node: Any) -> Any:
    """Plain data as JSON gives it (mapping keys as strings), to compare with theirs and the base."""
    return json.loads(json.dumps(to_plain(node)))


def _merge_value(ours: CommentedMap, key: Any, old: Any, new: Any, where: str, report: MergeReport) -> None:
    mine = _plain(ours[key])
    if mine == new:
        return
    if old is not _MISSING and mine == old:
        assign(ours, key, new)
        report.updated.append(where)
    elif old is not _MISSING and new == old:
        return
    else:
        report.conflicts.append(f"{where}: kept your {_short(mine)}; the book now gives {_short(new)}")


def _merge_entities(base: list[dict], ours: CommentedSeq, theirs: list[dict], kind: str,
                    report: MergeReport) -> None:
    matched_ours: set[int] = set()
    matched_base: set[int] = set()
    ours_plain = [_plain(o) for o in ours]
    for item in theirs:
        label = f"{kind}[{item.get('name', item.get('id'))}]"
        old_index = _match(item, base, exclude=matched_base)
        old = base[old_index] if old_index is not None else None
        if old_index is not None:
            matched_base.add(old_index)
            mine_index = _by_id(old.get("id"), ours_plain, exclude=matched_ours)
        else:
            mine_index = _match(item, ours_plain, exclude=matched_ours, id_only=False)
        if mine_index is None:
            if old is None:
                with keep_tail_comment(ours):
                    ours.append(decorate_entry(kind, to_commented(item)))
                ours_plain.append(item)
                matched_ours.add(len(ours) - 1)
                report.added.append(label)
            elif _without_tool_owned(old) != _without_tool_owned(item):
                report.conflicts.append(f"{label}: you removed it and the book changed it; it stays removed")
            continue
        matched_ours.add(mine_index)
        mine = ours[mine_index]
        if mine.get("id") != item.get("id"):
            mine["id"] = item["id"]
        if mine.get("locked"):
            for key in TOOL_OWNED:
                if key in item and _plain(mine.get(key)) != item[key]:
                    assign(mine, key, item[key])
            continue
        _merge_map(old if old is not None else None, mine, item, label, report)
    for index in sorted(set(range(len(ours))) - matched_ours, reverse=True):
        mine = _plain(ours[index])
        old_index = _by_id(mine.get("id"), base)
        if old_index is not None and _without_tool_owned(mine) == _without_tool_owned(base[old_index]):
            report.removed.append(f"{kind}[{mine.get('name', mine.get('id'))}]")
            with keep_tail_comment(ours):
                del ours[index]


def _match(item: dict, candidates: list[dict], exclude: set[int] = frozenset(), id_only: bool = True) -> int | None:
    """The candidate that is the same entity: same id and a shared name, else a shared name, else same id."""
    names = _names(item)
    by_name = by_id = None
    for index, candidate in enumerate(candidates):
        if index in exclude or not isinstance(candidate, dict):
            continue
        shares = bool(names & _names(candidate))
        same_id = candidate.get("id") == item.get("id")
        if same_id and shares:
            return index
        if shares and by_name is None:
            by_name = index
        if same_id and by_id is None:
            by_id = index
    return by_name if by_name is not None else (by_id if id_only else None)


def _by_id(entity_id: str | None, candidates: list[dict], exclude: set[int] = frozenset()) -> int | None:
    for index, candidate in enumerate(candidates):
        if index not in exclude and isinstance(candidate, dict) and candidate.get("id") == entity_id:
            return index
    return None


def _names(item: dict) -> set[str]:
    found = {str(item.get("name", "")).casefold()}
    found.update(str(a).casefold() for a in item.get("aliases") or [])
    found.discard("")
    return found


def _without_tool_owned(item: dict) -> dict:
    return {k: v for k, v in item.items() if k not in TOOL_OWNED and k != "id"}


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
