"""Exports of the shot list: a Fountain screenplay, a CSV shot list (StudioBinder's columns), JSON.

Fountain (https://fountain.io), written from the adaptation: a title page; one scene heading
`INT. PLACE - NIGHT` per kept scene naming its place; action lines; character cues in capitals with `(CONT'D)`;
short manner parentheticals from the quotation's recorded speech tag (`whispered` -> `(whispering)`); `NARRATOR (V.O.)` for
voice-over; transitions between scenes and chapters. The CSV and JSON exports list the planned shots.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from pathlib import Path

from .. import store
from ..adapt import AdaptedScene, Adaptation, adapt
from ..errors import UserError
from ..lexicon import PARENTHETICALS
from ..models import BookAnalysis, Quote, Scene, Shot
from ..project import load_intents, load_text, open_project
from ..store.files import write_atomic
from ..workspace import Workspace, output_file
from .beats import tidy

CSV_COLUMNS = ("scene", "shot", "location", "description", "size", "angle", "movement", "lens", "duration",
               "cast", "props", "notes")
FORMATS = ("fountain", "csv", "json")


# --- pieces ---------------------------------------------------------------------------------------


def heading(analysis: BookAnalysis, scene: Scene, *, with_time: bool = True, place: str | None = None) -> str:
    """'INT. THE LIGHTHOUSE - NIGHT' (INT./EXT. when unknown; no time when unknown). `place` (the place the
    adaptation found for a scene with no setting) is named when given."""
    interior = scene.interior
    if place is None and scene.setting:
        place = analysis.setting(scene.setting).name
    elif place is not None and interior is None:
        interior = next((s.interior for s in analysis.settings if s.name == place), None)
    prefix = {True: "INT.", False: "EXT.", None: "INT./EXT."}[interior]
    place = place or f"chapter {scene.chapter} scene"
    place = re.sub(r"[^\w' ,&-]+", " ", place).strip().upper() or "SOMEWHERE"
    time = "" if scene.time_of_day == "unknown" or not with_time else f" - {scene.time_of_day.upper()}"
    return f"{prefix} {' '.join(place.split())}{time}"


def quote_text(text: str, quote: Quote) -> str:
    return tidy(" ".join(text[a:b] for a, b in quote.spans))


def _spoken_line(line: str) -> str:
    """A quotation as a line of dialogue: the comma that led into the speech tag becomes a full stop."""
    line = line.strip()
    return line[:-1].rstrip() + "." if line.endswith(",") else line


def _parenthetical(quote: Quote) -> str | None:
    """From the quotation's recorded speech tag: '"...," she whispered' -> '(whispering)'."""
    verb = quote.tag.verb.lower() if quote.tag is not None else ""
    stem = next((stem for stem in PARENTHETICALS if verb.startswith(stem)), None)
    return f"({PARENTHETICALS[stem]})" if stem else None


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


def fountain(analysis: BookAnalysis, text: str, adaptation: Adaptation, intents: dict[str, str] | None = None) -> str:
    """The screenplay of the adaptation's kept scenes, in book order: headings naming each scene's place,
    action lines, character cues with the author's lines, (V.O.) for the narrator, transitions."""
    intents = intents or {}
    quotes = {q.id: q for q in analysis.quotes}
    names = {c.id: c.name for c in analysis.characters}
    title = tidy(analysis.book.title) or analysis.book.slug
    out = [f"Title: {title}",
           "Credit: Adapted for the screen by",
           "Author: filmsofone",
           f"Source: Based on the novel {title}",
           "", "FADE IN:", ""]
    kept = [(analysis.scene(s.id), s) for s in adaptation.scenes if s.kept and s.beats]
    for number, (scene, adapted) in enumerate(kept):
        if number > 0:
            out += ["DISSOLVE TO:" if scene.chapter != kept[number - 1][0].chapter else "CUT TO:", ""]
        out += [heading(analysis, scene, place=adapted.place), ""]
        if intents.get(scene.id):
            out += [f"[[intent: {_safe(intents[scene.id]).replace(']', ')')}]]", ""]
        out += _scene_body(adapted, quotes, names, text)
    out += [">FADE OUT.", ""]
    return "\n".join(out)


def _scene_body(adapted: AdaptedScene, quotes: dict[str, Quote], names: dict[str, str], text: str) -> list[str]:
    """Action paragraphs and dialogue blocks; a speaker's consecutive lines make one block, a speaker
    resuming after an action line is (CONT'D)."""
    out: list[str] = []
    last_speaker: str | None = None
    block_open = False
    for beat in adapted.beats:
        if beat.kind == "action":
            out += [_action(beat.text), ""]
            block_open = False
            continue
        if beat.kind == "voiceover":
            out += ["NARRATOR (V.O.)", _safe(beat.text), ""]
            last_speaker, block_open = None, False
            continue
        speaker = beat.speaker if beat.speaker in names else None
        line = _safe(_spoken_line(beat.text)) or "..."
        if block_open and speaker is not None and speaker == last_speaker:
            out[-2] = f"{out[-2]} {line}"
            continue
        extension = "(CONT'D)" if speaker is not None and speaker == last_speaker else ""
        block = [_cue(names[speaker] if speaker else "VOICE", extension)]
        quote = quotes.get(beat.quote or "")
        parenthetical = _parenthetical(quote) if quote else None
        if parenthetical:
            block.append(parenthetical)
        out += block + [line, ""]
        last_speaker, block_open = speaker, True
    return out


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
    target = output_file(Path(output), f"{slug}.{fmt}") if output is not None else None
    analysis = store.load_analysis(project.db_path)
    intents = load_intents(project.db_path)
    shots_by_scene: dict[str, list[Shot]] = {}
    for shot in store.load_shots(project.db_path):
        shots_by_scene.setdefault(shot.scene, []).append(shot)
    if fmt == "fountain":
        text = load_text(ws, slug)
        content = fountain(analysis, text, adapt(ws, slug, analysis=analysis, text=text), intents)
    elif not shots_by_scene:
        raise UserError(f"{slug} has no shots yet", f"plan it first: `filmsofone plan {slug}`")
    elif fmt == "csv":
        content = shotlist_csv(analysis, load_text(ws, slug), shots_by_scene)
    else:
        content = shotlist_json(analysis, shots_by_scene, intents)
    if target is None:
        sys.stdout.write(content)
        sys.stdout.flush()
        return None
    write_atomic(target, content)
    return target
