"""A tiny imported book, written straight into the store (no analysis or planning stage needed)."""

from __future__ import annotations

import hashlib

from filmsofone import store
from filmsofone.models import (
    BookAnalysis,
    BookInfo,
    Chapter,
    Character,
    InFrame,
    Quote,
    Scene,
    Setting,
    Shot,
)
from filmsofone.workspace import Workspace

SLUG = "tiny"
TEXT = ("CHAPTER I.\n\nAda Quill rowed to the boathouse at dusk. \"The lanterns are out,\" said Ada. "
        "Tom Quill shrugged. \"Then we light them,\" he said.\n\n* * *\n\n"
        "At night the lighthouse hummed. Miss Vane climbed the stairs alone.\n")


def _span(text: str, piece: str) -> tuple[int, int]:
    start = TEXT.index(piece)
    return start, start + len(piece)


def make_book(ws: Workspace, shots_per_scene: int = 3, duration: float = 1.0, slug: str = SLUG) -> list[Shot]:
    """Store a two-scene book with `shots_per_scene` shots each; return the shots."""
    project = ws.project(slug).ensure()
    project.text_path.write_text(TEXT, encoding="utf-8")
    q1, q2 = _span(TEXT, "The lanterns are out,"), _span(TEXT, "Then we light them,")
    analysis = BookAnalysis(
        book=BookInfo(slug=slug, title="Tiny", source_sha256=hashlib.sha256(TEXT.encode()).hexdigest(),
                      chars=len(TEXT)),
        chapters=[Chapter(index=1, title="CHAPTER I.", start=0, end=len(TEXT))],
        scenes=[Scene(id="1.1", chapter=1, start=12, end=TEXT.index("* * *"), setting="s1", interior=True,
                      time_of_day="dusk", characters=["c1", "c2"]),
                Scene(id="1.2", chapter=1, start=TEXT.index("At night"), end=len(TEXT), setting="s2",
                      interior=False, time_of_day="night", characters=["c3"])],
        characters=[Character(id="c1", name="Ada Quill", aliases=["Ada"], gender="female", role="major"),
                    Character(id="c2", name="Tom Quill", aliases=["Tom"], gender="male", role="major"),
                    Character(id="c3", name="Miss Vane", role="minor")],
        settings=[Setting(id="s1", name="the boathouse", interior=True),
                  Setting(id="s2", name="the lighthouse", interior=False)],
        quotes=[Quote(id="q1", spans=[q1], speaker="c1", scene="1.1"),
                Quote(id="q2", spans=[q2], speaker="c2", scene="1.1")],
    )
    store.save_analysis(project.db_path, analysis, source_path="tiny.txt")
    sizes = ["WS", "MS", "CU", "MCU", "EWS", "insert"]
    moves = ["static", "slow push in", "pan left", "pull out", "tracking", "tilt up"]
    all_shots = []
    for scene, cast, setting, tod in (("1.1", ["c1", "c2"], "s1", "dusk"), ("1.2", ["c3"], "s2", "night")):
        shots = []
        for i in range(shots_per_scene):
            placed = [InFrame(character=c, position=["left", "right", "center"][k % 3]) for k, c in enumerate(cast)]
            shots.append(Shot(id=f"{scene}-{i + 1:03d}", scene=scene, order=i + 1, size=sizes[i % 6],
                              movement=moves[i % 6], duration=duration, characters=placed, setting=setting,
                              time_of_day=tod, action=f"Shot {i + 1} of scene {scene}: the lamps flicker.",
                              dialogue=["q1"] if scene == "1.1" and i == 1 else []))
        store.save_shots(project.db_path, scene, shots)
        all_shots.extend(shots)
    return all_shots


def simple_prompts(ws, slug, shots, backend="animatic"):
    """A stand-in for `prompts.render_prompts`: the action line is the prompt (tests steer fakes by it)."""
    from filmsofone.models import ShotPrompt

    return [ShotPrompt(shot_id=s.id, prompt=s.action, duration=s.duration, seed=7) for s in shots]
