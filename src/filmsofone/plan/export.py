"""Exports of the shot list: a Fountain screenplay, a CSV shot list (StudioBinder's columns), JSON.

Fountain (https://fountain.io): a title page; one scene heading `INT. PLACE - NIGHT` per scene; action;
character cues in capitals with `(CONT'D)` and `(O.S.)` extensions; parentheticals from the speech tag
(`whispered` -> `(whispering)`); one dialogue block per quotation; transitions between scenes and chapters.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from pathlib import Path

from .. import store
from ..errors import UserError
from ..lexicon import PARENTHETICALS
from ..models import BookAnalysis, Quote, Scene, Shot
from ..project import load_intents, load_text, open_project
from ..workspace import Workspace
from .beats import split_speech_tag, tidy

CSV_COLUMNS = ("scene", "shot", "location", "description", "size", "angle", "movement", "lens", "duration",
               "cast", "props", "notes")
FORMATS = ("fountain", "csv", "json")
_PLACEHOLDER = re.compile(r"^(.+ speaks( to .+)?|A voice speaks)\.$")
_TAG_RE = re.compile(r"\b(" + "|".join(PARENTHETICALS) + r")\w*", re.I)


# --- pieces ---------------------------------------------------------------------------------------


def heading(analysis: BookAnalysis, scene: Scene, *, with_time: bool = True) -> str:
    """'INT. THE LIGHTHOUSE - NIGHT' (INT./EXT. when unknown; no time when unknown)."""
    prefix = {True: "INT.", False: "EXT.", None: "INT./EXT."}[scene.interior]
    place = analysis.setting(scene.setting).name if scene.setting else f"chapter {scene.chapter} scene"
    place = re.sub(r"[^\w' ,&-]+", " ", place).strip().upper() or "SOMEWHERE"
    time = "" if scene.time_of_day == "unknown" or not with_time else f" - {scene.time_of_day.upper()}"
    return f"{prefix} {' '.join(place.split())}{time}"


def quote_text(text: str, quote: Quote) -> str:
    return tidy(" ".join(text[a:b] for a, b in quote.spans))


def _spoken_line(line: str) -> str:
    """A quotation as a line of dialogue: the comma that led into the speech tag becomes a full stop."""
    line = line.strip()
    return line[:-1].rstrip() + "." if line.endswith(",") else line


def _parenthetical(text: str, quote: Quote) -> str | None:
    """From the speech tag next to the quotation: '"...," she whispered' -> '(whispering)'."""
    start, end = quote.spans[0][0], quote.spans[-1][1]
    after = text[end:end + 60].split("\n\n")[0]
    after = re.split(r"[\"\u201c\u201d]", after[1:], maxsplit=1)[0] if after else ""
    before = text[max(0, start - 60):start].split("\n\n")[-1]
    before = re.split(r"[\"\u201c\u201d]", before[:-1])[-1] if before else ""
    match = _TAG_RE.search(after) or _TAG_RE.search(before)
    return f"({PARENTHETICALS[match.group(1).lower()]})" if match else None


def _safe(line: str) -> str:
    """Text Fountain would read as markup (boneyard, notes) defused."""
    return line.replace("/*", "/ *").replace("*/", "* /").replace("[[", "[ [").replace("]]", "] ]")


def _action(line: str) -> str:
    """An action paragraph, forced with '!' when Fountain would read it as something else."""
    line = _safe(tidy(line))
    risky = (line[:1] in ".!@#=~>[" or re.match(r"^(INT|EXT|EST|I/E)[ ./]", line.upper())
             or line.upper() == line or line.endswith("TO:") or line.endswith("<"))
    return "!" + line if risky else line


def _cue(name: str, extension: str = "") -> str:
    cue = re.sub(r"[\^(){}]", "", name).strip().upper()
    cue = f"{cue} {extension}".strip()
    if not cue.split("(")[0].isupper():
        return "@" + cue
    return cue


# --- the formats ----------------------------------------------------------------------------------


def fountain(analysis: BookAnalysis, text: str, shots_by_scene: dict[str, list[Shot]],
             intents: dict[str, str] | None = None) -> str:
    """The screenplay of the planned scenes, in book order."""
    intents = intents or {}
    quotes = {q.id: q for q in analysis.quotes}
    names = {c.id: c.name for c in analysis.characters}
    title = tidy(analysis.book.title) or analysis.book.slug
    out = [f"Title: {title}",
           "Credit: Adapted for the screen by",
           "Author: filmsofone",
           f"Source: Based on the novel {title}",
           "", "FADE IN:", ""]
    scenes = [s for s in analysis.scenes if shots_by_scene.get(s.id)]
    for number, scene in enumerate(scenes):
        if number > 0:
            out += ["DISSOLVE TO:" if scene.chapter != scenes[number - 1].chapter else "CUT TO:", ""]
        out += [heading(analysis, scene), ""]
        if intents.get(scene.id):
            out += [f"[[intent: {_safe(intents[scene.id]).replace(']', ')')}]]", ""]
        out += _scene_body(shots_by_scene[scene.id], quotes, names, text)
    out += [">FADE OUT.", ""]
    return "\n".join(out)


def _scene_body(shots: list[Shot], quotes: dict[str, Quote], names: dict[str, str], text: str) -> list[str]:
    """Action paragraphs and dialogue blocks of one scene; each quotation written once, where first shot."""
    out: list[str] = []
    spoken: set[str] = set()
    last = {"action": "", "speaker": None, "at": -1}
    for shot in shots:
        direction = _write_action(out, shot, last)
        in_frame = {f.character for f in shot.characters if f.position != "offscreen"}
        for quote_id in shot.dialogue:
            quote = quotes.get(quote_id)
            if quote is None or quote_id in spoken:
                continue
            spoken.add(quote_id)
            out += _dialogue_block(quote, names, text, in_frame, last["speaker"], direction) + [""]
            last["speaker"], direction = (quote.speaker if quote.speaker in names else None), ""
    return out


def _write_action(out: list[str], shot: Shot, last: dict) -> str:
    """Append the shot's action (continuing the paragraph a split take began); return a direction for
    its first line of dialogue, taken from the speech tag ('said Ada, setting down the plate')."""
    action, direction = tidy(shot.action), ""
    if action == last.get("raw"):
        return ""  # the same narration over the next part of a split take
    last["raw"] = action
    continued = bool(shot.part and shot.part[0] > 1 and last["at"] >= 0)
    if shot.dialogue and not continued:
        action, direction = split_speech_tag(action)
    if action and not _PLACEHOLDER.match(action) and action != last["action"]:
        if continued:
            out[last["at"]] = f"{out[last['at']]} {_safe(action)}"
        else:
            out += [_action(action), ""]
            last["at"] = len(out) - 2
        last["action"], last["speaker"] = action, None
    return direction


def _dialogue_block(quote: Quote, names: dict[str, str], text: str, in_frame: set[str], last_speaker: str | None,
                    direction: str) -> list[str]:
    speaker = quote.speaker if quote.speaker in names else None
    extension = "(CONT'D)" if speaker and speaker == last_speaker else \
        ("(O.S.)" if speaker and in_frame and speaker not in in_frame else "")
    block = [_cue(names[speaker] if speaker else "VOICE", extension)]
    parenthetical = f"({_safe(direction)})" if direction else _parenthetical(text, quote)
    if parenthetical:
        block.append(parenthetical)
    block.append(_safe(_spoken_line(quote_text(text, quote))) or "...")
    return block


def shotlist_rows(analysis: BookAnalysis, text: str, shots_by_scene: dict[str, list[Shot]]) -> list[dict]:
    """One row per shot with the professional columns."""
    names = {c.id: c.name for c in analysis.characters}
    quotes = {q.id: q for q in analysis.quotes}
    rows = []
    for scene in analysis.scenes:
        for shot in shots_by_scene.get(scene.id, []):
            lines = [f'{names.get(quotes[q].speaker, "VOICE").upper()}: "{quote_text(text, quotes[q])}"'
                     for q in shot.dialogue if q in quotes]
            description = " ".join([tidy(shot.action), *lines]).strip()
            flags = [f for f, on in (("locked", shot.locked), ("edited", shot.edited)) if on]
            rows.append({
                "scene": scene.id, "shot": shot.id, "location": heading(analysis, scene),
                "description": description, "size": shot.size, "angle": shot.angle, "movement": shot.movement,
                "lens": shot.lens, "duration": f"{shot.duration:.2f}",
                "cast": "; ".join(f"{names.get(f.character, f.character)} ({f.position})" for f in shot.characters),
                "props": "; ".join(shot.props),
                "notes": "; ".join([n for n in [shot.notes, *flags] if n]),
            })
    return rows


def shotlist_csv(analysis: BookAnalysis, text: str, shots_by_scene: dict[str, list[Shot]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(shotlist_rows(analysis, text, shots_by_scene))
    return buffer.getvalue()


def shotlist_json(analysis: BookAnalysis, shots_by_scene: dict[str, list[Shot]],
                  intents: dict[str, str] | None = None) -> str:
    intents = intents or {}
    document = {
        "book": analysis.book.model_dump(mode="json"),
        "scenes": [
            {"id": s.id, "chapter": s.chapter, "heading": heading(analysis, s), "intent": intents.get(s.id),
             "shots": [shot.model_dump(mode="json") for shot in shots_by_scene.get(s.id, [])]}
            for s in analysis.scenes if shots_by_scene.get(s.id)
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def export_shotlist(ws: Workspace, slug: str, fmt: str, output: Path | None) -> Path | None:
    """Write the screenplay or shot list to `output` (stdout when None; returns the path written)."""
    if fmt not in FORMATS:
        raise UserError(f"unknown shot list format '{fmt}'", f"use one of {', '.join(FORMATS)}")
    project = open_project(ws, slug)
    analysis = store.load_analysis(project.db_path)
    shots_by_scene: dict[str, list[Shot]] = {}
    for shot in store.load_shots(project.db_path):
        shots_by_scene.setdefault(shot.scene, []).append(shot)
    if not shots_by_scene:
        raise UserError(f"{slug} has no shots yet", f"plan it first: `filmsofone plan {slug}`")
    intents = load_intents(project.db_path)
    if fmt == "fountain":
        content = fountain(analysis, load_text(ws, slug), shots_by_scene, intents)
    elif fmt == "csv":
        content = shotlist_csv(analysis, load_text(ws, slug), shots_by_scene)
    else:
        content = shotlist_json(analysis, shots_by_scene, intents)
    if output is None:
        sys.stdout.write(content)
        sys.stdout.flush()
        return None
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(content, encoding="utf-8")
    return output
