"""Fixing who is who: merge two characters the analysis kept apart, or split one it wrongly joined.

Both change the stored analysis (aliases, quotations' speakers, scenes' characters), the shots (characters
in frame) and the bible, and are recorded in `projects/<slug>/recast.json`:

- `merge_characters(A, B)` folds B into A; the record keeps everything needed to undo it, so
  `split_character(A, [one of B's names])` restores the analysis exactly as it was;
- a split with no matching merge record moves the given aliases to a new character and re-attributes the
  quotations whose speech tag names one of them (the tag the analysis recorded; else the name nearest the
  quotation), and the scenes that mention them;
- on re-import the records are applied again to the fresh analysis, so the fix survives.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml.comments import CommentedSeq

from .. import store
from ..errors import UserError
from ..models import BookAnalysis, Character, InFrame, Quote, Shot
from ..workspace import Workspace
from ..project import load_text, open_project
from .edit import open_document, save_analysis_keeping_source, save_document
from .hints import find_hints
from .model import unaccented
from .seed import character_look, read_base, write_base_data
from .yamlio import assign, decorate_entry, keep_tail_comment, to_commented, to_plain, write_atomically

_ROLE_RANK = {"minor": 0, "intermediate": 1, "major": 2}
CONTEXT_CHARS = 200  # how far around a quotation a split looks for the speaker's name


@dataclass
class RecastReport:
    kept: str  # a character id
    other: str  # the id merged away, or the id made by a split
    quotes: list[str] = field(default_factory=list)  # quotation ids re-attributed
    scenes: list[str] = field(default_factory=list)  # scene ids whose characters changed
    shots: list[str] = field(default_factory=list)  # shot ids whose characters changed
    restored: bool = False  # a split that undid a recorded merge


def records_path(ws: Workspace, slug: str) -> Path:
    return ws.project(slug).root / "recast.json"


def _read_records(ws: Workspace, slug: str) -> list[dict]:
    path = records_path(ws, slug)
    if not path.exists():
        return []
    return json.loads(path.read_text(encoding="utf-8")).get("records", [])


def _write_records(ws: Workspace, slug: str, records: list[dict]) -> None:
    write_atomically(records_path(ws, slug), json.dumps({"records": records}, indent=1, ensure_ascii=False))


def resolve_character(analysis: BookAnalysis, key: str) -> Character:
    """By id, name or alias (case-insensitive; then also without accents: 'Olafur' finds 'Ólafur')."""
    for character in analysis.characters:
        if character.id == key:
            return character
    for fold in (str.casefold, unaccented):
        folded = fold(key.strip())
        for character in analysis.characters:
            if any(fold(n) == folded for n in (character.name, *character.aliases)):
                return character
    raise UserError(f"no character called '{key}' in the analysis of {analysis.book.slug}",
                    f"see `filmsofone show {analysis.book.slug}` for names and aliases")


# --- merge -----------------------------------------------------------------------------------------


def merge_characters(ws: Workspace, slug: str, keep: str, absorb: str) -> RecastReport:
    """Fold character `absorb` into `keep` (aliases, quotations, scenes, shots, bible)."""
    project = open_project(ws, slug)
    analysis = store.load_analysis(project.db_path)
    shots = store.load_shots(project.db_path)
    a, b = resolve_character(analysis, keep), resolve_character(analysis, absorb)
    if a.id == b.id:
        raise UserError(f"'{keep}' and '{absorb}' are already one character ({a.name})", "name two characters")
    record = {"kind": "merge", "keep": a.model_dump(), "absorbed": b.model_dump(),
              "position": analysis.characters.index(b),
              "quotes": [q.id for q in analysis.quotes if q.speaker == b.id],
              "scenes": {s.id: list(s.characters) for s in analysis.scenes if b.id in s.characters},
              "shots": {s.id: [f.model_dump() for f in s.characters] for s in shots
                        if any(f.character == b.id for f in s.characters)}}
    report = _apply_merge(analysis, shots, a.id, b.id)
    record["bible"] = _bible_merge(ws, slug, a.id, b.id)
    _save(project.db_path, analysis, shots, report.shots)
    _write_records(ws, slug, [*_read_records(ws, slug), record])
    return report


def _apply_merge(analysis: BookAnalysis, shots: list[Shot], keep_id: str, absorb_id: str) -> RecastReport:
    a, b = analysis.character(keep_id), analysis.character(absorb_id)
    report = RecastReport(kept=a.id, other=b.id)
    names = {a.name.casefold()}
    for alias in (b.name, *b.aliases):
        if alias.casefold() not in names and alias.casefold() not in {x.casefold() for x in a.aliases}:
            a.aliases.append(alias)
    a.mentions += b.mentions
    a.role = max(a.role, b.role, key=_ROLE_RANK.__getitem__)
    if a.gender == "unknown":
        a.gender = b.gender
    for quote in analysis.quotes:
        if quote.speaker == b.id:
            quote.speaker = a.id
            report.quotes.append(quote.id)
    for scene in analysis.scenes:
        if b.id in scene.characters:
            scene.characters = _dedupe([a.id if c == b.id else c for c in scene.characters])
            report.scenes.append(scene.id)
    for shot in shots:
        if any(f.character == b.id for f in shot.characters):
            seen: set[str] = set()
            framed = []
            for figure in shot.characters:
                figure.character = a.id if figure.character == b.id else figure.character
                if figure.character not in seen:
                    seen.add(figure.character)
                    framed.append(figure)
            shot.characters = framed
            report.shots.append(shot.id)
    analysis.characters.remove(b)
    return report


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


# --- split -----------------------------------------------------------------------------------------


def split_character(ws: Workspace, slug: str, name: str, aliases: list[str],
                    new_name: str | None = None) -> RecastReport:
    """Move `aliases` of character `name` to a character of their own; undo a recorded merge exactly."""
    if not aliases:
        raise UserError("name at least one alias to split off", "e.g. --alias 'Mr. Quill'")
    project = open_project(ws, slug)
    analysis = store.load_analysis(project.db_path)
    shots = store.load_shots(project.db_path)
    a = resolve_character(analysis, name)
    records = _read_records(ws, slug)
    index = _matching_merge(records, a.id, aliases)
    if index is not None:
        record = records.pop(index)
        report = _undo_merge(analysis, shots, record)
        _bible_unmerge(ws, slug, record)
    else:
        missing = [x for x in aliases if x.casefold() not in {n.casefold() for n in (a.name, *a.aliases)}]
        if missing:
            raise UserError(f"'{missing[0]}' is not a name of {a.name}",
                            f"its names: {', '.join([a.name, *a.aliases])}")
        text = load_text(ws, slug)
        report = _apply_split(analysis, text, a.id, aliases, new_name)
        records.append({"kind": "split", "character": a.name, "aliases": aliases, "new_name": new_name})
        _bible_split(ws, slug, analysis, text, report)
    _save(project.db_path, analysis, shots, report.shots)
    _write_records(ws, slug, records)
    return report


def _matching_merge(records: list[dict], keep_id: str, aliases: list[str]) -> int | None:
    wanted = {x.casefold() for x in aliases}
    for index in range(len(records) - 1, -1, -1):
        record = records[index]
        if record.get("kind") != "merge" or record["keep"]["id"] != keep_id:
            continue
        absorbed = record["absorbed"]
        if wanted & {n.casefold() for n in (absorbed["name"], *absorbed["aliases"])}:
            return index
    return None


def _undo_merge(analysis: BookAnalysis, shots: list[Shot], record: dict) -> RecastReport:
    kept, absorbed = Character(**record["keep"]), Character(**record["absorbed"])
    report = RecastReport(kept=kept.id, other=absorbed.id, restored=True)
    analysis.characters[analysis.characters.index(analysis.character(kept.id))] = kept
    analysis.characters.insert(min(record["position"], len(analysis.characters)), absorbed)
    moved = set(record["quotes"])
    for quote in analysis.quotes:
        if quote.id in moved and quote.speaker == kept.id:
            quote.speaker = absorbed.id
            report.quotes.append(quote.id)
    for scene in analysis.scenes:
        if scene.id in record["scenes"]:
            scene.characters = list(record["scenes"][scene.id])
            report.scenes.append(scene.id)
    for shot in shots:
        if shot.id in record["shots"]:
            shot.characters = [InFrame.model_validate(d) for d in record["shots"][shot.id]]
            report.shots.append(shot.id)
    return report


def _apply_split(analysis: BookAnalysis, text: str, char_id: str, aliases: list[str],
                 new_name: str | None) -> RecastReport:
    a = analysis.character(char_id)
    moving = {x.casefold() for x in aliases}
    taken = {c.id for c in analysis.characters}
    new_id = next(f"c{n}" for n in range(1, len(taken) + 2) if f"c{n}" not in taken)
    name = new_name or aliases[0]
    new = Character(id=new_id, name=name, aliases=[x for x in aliases if x.casefold() != name.casefold()],
                    gender="unknown", role="minor")
    if a.name.casefold() in moving:
        remaining = [x for x in a.aliases if x.casefold() not in moving]
        if not remaining:
            raise UserError(f"splitting every name off {a.name} leaves nothing", "keep at least one name")
        a.name = remaining[0]
    a.aliases = [x for x in a.aliases if x.casefold() not in moving and x != a.name]
    named = _Naming({a.id: [a.name, *a.aliases], new.id: [new.name, *new.aliases]})
    new.mentions = named.count(text, new.id)
    # the names split off may never have been counted (a narrator's "I"): what is left is at least what the text names
    a.mentions = max(a.mentions - new.mentions, named.count(text, a.id))
    analysis.characters.insert(analysis.characters.index(a) + 1, new)
    report = RecastReport(kept=a.id, other=new.id)
    for quote in analysis.quotes:
        if quote.speaker == a.id and quote.spans:
            if named.speaker(text, quote) == new.id:
                quote.speaker = new.id
                report.quotes.append(quote.id)
    for scene in analysis.scenes:
        if a.id not in scene.characters:
            continue
        body = text[scene.start:scene.end]
        speaks = any(q.speaker == a.id for q in analysis.quotes_in(scene.id))
        who = named.who(body)
        named_new = new.id in who or any(q.speaker == new.id for q in analysis.quotes_in(scene.id))
        characters = list(scene.characters)
        if named_new:
            characters.insert(characters.index(a.id) + 1, new.id)
        if not speaks and a.id not in who:
            characters.remove(a.id)
        if characters != scene.characters:
            scene.characters = characters
            report.scenes.append(scene.id)
    return report


class _Naming:
    """Who a stretch of text names: the longest name wins ('Ada Quill' is not also 'Ada'); names are
    matched with their case ('Will' is a name, 'will' is not)."""

    def __init__(self, names: dict[str, list[str]]):
        self.owner = {n: cid for cid, ns in names.items() for n in ns if n.strip()}
        alternatives = sorted(self.owner, key=len, reverse=True)
        self.pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in alternatives) + r")(?!\w)")

    def who(self, text: str) -> set[str]:
        return {self.owner[m.group(0)] for m in self.pattern.finditer(text)}

    def speaker(self, text: str, quote: Quote) -> str | None:
        """Who the quotation's speech tag names ('said Ada', 'Tom replied'), else the owner of the nearest name."""
        if quote.tag is not None and quote.tag.kind == "name":
            named = self.who(quote.tag.who)
            if len(named) == 1:
                return named.pop()
        return self.nearest(text, quote.spans)

    def nearest(self, text: str, spans: list[tuple[int, int]]) -> str | None:
        """The owner of the name nearest to a quotation's spans (within CONTEXT_CHARS, outside the spans)."""
        start, end = spans[0][0], spans[-1][1]
        low, high = max(0, start - CONTEXT_CHARS), min(len(text), end + CONTEXT_CHARS)
        best, best_distance = None, None
        for match in self.pattern.finditer(text, low, high):
            if any(s <= match.start() < e for s, e in spans):
                continue  # a name inside the quotation is spoken to or about, not the speaker
            distance = min(abs(match.start() - e) if match.start() >= e else abs(s - match.end())
                           for s, e in spans)
            if best_distance is None or distance < best_distance:
                best, best_distance = self.owner[match.group(0)], distance
        return best

    def count(self, text: str, char_id: str) -> int:
        return sum(1 for m in self.pattern.finditer(text) if self.owner[m.group(0)] == char_id)




# --- persisting ------------------------------------------------------------------------------------


def _save(db_path: Path, analysis: BookAnalysis, shots: list[Shot], changed_shots: list[str]) -> None:
    save_analysis_keeping_source(db_path, analysis)
    changed = set(changed_shots)
    for scene_id in _dedupe([s.scene for s in shots if s.id in changed]):
        store.save_shots(db_path, scene_id, [s for s in shots if s.scene == scene_id])


def reapply_recasts(ws: Workspace, slug: str, analysis: BookAnalysis, text: str) -> bool:
    """Apply the recorded merges and splits to a fresh analysis (after re-import); True when any applied."""
    applied = False
    for record in _read_records(ws, slug):
        try:
            if record["kind"] == "merge":
                a = resolve_character(analysis, record["keep"]["name"])
                b = resolve_character(analysis, record["absorbed"]["name"])
                if a.id != b.id:
                    _apply_merge(analysis, [], a.id, b.id)
                    applied = True
            elif record["kind"] == "split":
                a = resolve_character(analysis, record["character"])
                names = {n.casefold() for n in (a.name, *a.aliases)}
                if all(x.casefold() in names for x in record["aliases"]):
                    _apply_split(analysis, text, a.id, record["aliases"], record.get("new_name"))
                    applied = True
        except UserError:
            continue  # the fresh analysis no longer has these characters: nothing to fix
    return applied


# --- the bible follows -----------------------------------------------------------------------------


def _bible_merge(ws: Workspace, slug: str, keep_id: str, absorb_id: str) -> dict | None:
    """Fold B's entry into A's in the user's file; return what the undo needs (B's entry, what A gained)."""
    if not ws.bible_path(slug).exists():
        return None
    doc = open_document(ws, slug)
    people: CommentedSeq = doc.get("characters") or CommentedSeq()
    a = next((p for p in people if p.get("id") == keep_id), None)
    b_index = next((i for i, p in enumerate(people) if p.get("id") == absorb_id), None)
    if a is None or b_index is None:
        return None
    b = to_plain(people[b_index])
    gained: dict[str, list] = {}
    for field_name, extra in (("aliases", [b.get("name"), *(b.get("aliases") or [])]),
                              ("hints", b.get("hints") or []), ("reference_images", b.get("reference_images") or [])):
        current = to_plain(a.get(field_name) or [])
        new = [x for x in extra if x and x not in current and x != a.get("name")]
        if new:
            assign(a, field_name, current + new)
            gained[field_name] = new
    with keep_tail_comment(people):
        del people[b_index]
    save_document(ws, slug, doc)
    return {"entry": b, "index": b_index, "gained": gained}


def _bible_unmerge(ws: Workspace, slug: str, record: dict) -> None:
    """Put B's entry back and take from A what the merge gave it."""
    saved = record.get("bible")
    if not saved or not ws.bible_path(slug).exists():
        return
    doc = open_document(ws, slug)
    people = doc.setdefault("characters", CommentedSeq())
    a = next((p for p in people if p.get("id") == record["keep"]["id"]), None)
    if a is not None:
        for field_name, gained in saved["gained"].items():
            assign(a, field_name, [x for x in to_plain(a.get(field_name) or []) if x not in gained])
    with keep_tail_comment(people):
        people.insert(min(saved["index"], len(people)), decorate_entry("characters", to_commented(saved["entry"])))
    save_document(ws, slug, doc)


def _bible_split(ws: Workspace, slug: str, analysis: BookAnalysis, text: str, report: RecastReport) -> None:
    """Rename the kept entry, add the new character's entry, and remember it as tool-written (the base)."""
    if not ws.bible_path(slug).exists():
        return
    doc = open_document(ws, slug)
    people = doc.setdefault("characters", CommentedSeq())
    kept, new = analysis.character(report.kept), analysis.character(report.other)
    node = next((p for p in people if p.get("id") == kept.id), None)
    position = len(people)
    if node is not None:
        node["name"] = kept.name
        assign(node, "aliases", list(kept.aliases))
        position = list(people).index(node) + 1
    hints = find_hints(text, analysis.characters).get(new.id, [])
    entry = character_look(slug, new, hints).model_dump(mode="json")
    with keep_tail_comment(people):
        people.insert(position, decorate_entry("characters", to_commented(entry)))
    save_document(ws, slug, doc)
    base = read_base(ws, slug)
    if base is not None:  # the next re-import makes the same entry: it is the tool's, not a user edit
        base.setdefault("characters", []).append(entry)
        write_base_data(ws, slug, base)
