"""What the screening room shows: the film with its subtitles and chapters, every scene's shots with
storyboard thumbnails and their takes, and the cast bible with faces. Gathered defensively: a stage that
has not run yet leaves its part of the page empty, never an error.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from .. import ffmpeg, store
from ..adapt import adaptation_report, current_adaptation, load_choices
from ..adapt.report import AdaptationReport
from ..assemble.chapters import scene_title
from ..assemble.cut import load_manifest, manifest_path
from ..assemble.subtitles import quote_text
from ..audition import list_candidates
from ..bible import load_bible
from ..bible.speaker_fixes import is_unsure
from ..errors import UserError
from ..generate import FilmEstimate, estimate_film, list_takes
from ..keyframes import storyboard
from ..models import BookAnalysis
from ..project import load_analysis, open_project
from ..sound.casting import voice_sample
from ..workspace import Project, Workspace


@dataclass
class TakeView:
    number: int
    backend: str
    path: Path
    duration: float
    current: bool


@dataclass
class KeyframeView:
    """The storyboard frame of a shot: the take shown, how many there are, whether it is approved."""

    path: Path | None
    number: int | None
    takes: int
    approved: bool
    backend: str = ""


@dataclass
class ShotView:
    id: str
    size: str
    duration: float
    action: str
    lines: list[str]
    takes: list[TakeView]
    start: float | None = None  # where the shot sits in the film
    keyframe: KeyframeView | None = None
    unsure: list[str] = field(default_factory=list)  # the lines whose speaker the analysis is unsure of

    @property
    def current(self) -> TakeView | None:
        return next((t for t in self.takes if t.current), None)


@dataclass
class SceneView:
    id: str
    title: str
    start: float | None
    shots: list[ShotView] = field(default_factory=list)
    kept: bool = True  # False: the adaptation cuts it


@dataclass
class AdaptationView:
    """The adaptation as the room shows it: the report, the running time against the target, and what the
    film would cost on each video backend. `problem` says why a part is missing (never an error page)."""

    report: AdaptationReport | None = None
    estimate: FilmEstimate | None = None
    stale: bool = False  # a chat adapter's stored adaptation, older than the current choices
    warnings: list[str] = field(default_factory=list)
    problem: str = ""

    def document(self, film_seconds: float | None) -> dict:
        """The `adaptation.json` read route: report, running time and estimates, for tools."""
        return {"report": self.report.model_dump(mode="json") if self.report else None,
                "film_seconds": film_seconds, "stale": self.stale, "warnings": self.warnings,
                "estimate": self.estimate.model_dump(mode="json") if self.estimate else None,
                "problem": self.problem or None}


@dataclass
class CastView:
    name: str
    aliases: list[str]
    description: str
    face: Path | None
    auditions: list[Path] = field(default_factory=list)  # candidates to pick from (`cast pick S NAME N`)
    voice: Path | None = None  # one of their lines in their voice (`cast voice S NAME`)


@dataclass
class Room:
    ws: Workspace
    slug: str
    project: Project
    title: str
    film: Path | None
    subtitles: Path | None
    chapters: Path | None
    scenes: list[SceneView]
    cast: list[CastView]
    duration: float | None = None
    adaptation: AdaptationView = field(default_factory=AdaptationView)

    @property
    def roots(self) -> list[Path]:
        """The only folders the room serves files from: the project, and the book's cast images."""
        return [self.project.root.resolve(), self.ws.bible_assets_dir(self.slug).resolve()]

    def shot(self, shot_id: str) -> ShotView | None:
        return next((s for scene in self.scenes for s in scene.shots if s.id == shot_id), None)


def gather(ws: Workspace, slug: str) -> Room:
    """Everything the page shows, from the store, the takes, the cut's manifest and the cast bible."""
    project = open_project(ws, slug)
    analysis = load_analysis(ws, slug)
    text = project.text_path.read_text(encoding="utf-8") if project.text_path.is_file() else ""
    manifest = _manifest(project.film_path)
    starts: dict[str, float] = {}
    if manifest is not None:
        starts.update((f"scene:{mark.scene}", mark.start) for mark in manifest.chapters)
        starts.update((p.segment.shot_id, p.start) for p in manifest.segments if p.segment.shot_id)
    takes = _takes(ws, slug)
    frames = _keyframes(ws, slug)
    unsure_ids = {q.id for q in analysis.quotes if is_unsure(q)}
    adaptation = _adaptation(ws, slug, analysis, text)
    cut = {s.id for s in adaptation.report.scenes if not s.kept} if adaptation.report else set()
    scenes = []
    for scene in analysis.scenes:
        view = SceneView(scene.id, scene_title(analysis, scene.id), starts.get(f"scene:{scene.id}"),
                         kept=scene.id not in cut)
        for shot in store.load_shots(project.db_path, scene.id):
            lines = [quote_text(analysis, text, q) for q in shot.dialogue]
            unsure = [quote_text(analysis, text, q) for q in shot.dialogue if q in unsure_ids]
            view.shots.append(ShotView(shot.id, shot.size, shot.duration, shot.action, [x for x in lines if x],
                                       takes.get(shot.id, []), starts.get(shot.id), frames.get(shot.id),
                                       [x for x in unsure if x]))
        scenes.append(view)
    film = project.film_path if project.film_path.is_file() else None
    return Room(ws=ws, slug=slug, project=project, title=analysis.book.title, film=film,
                subtitles=_exists(project.film_path.with_suffix(".vtt")) if film else None,
                chapters=_exists(project.film_path.with_suffix(".chapters.vtt")) if film else None,
                scenes=scenes, cast=_cast(ws, slug, (analysis, text)), duration=manifest.duration if manifest else None,
                adaptation=adaptation)


def _adaptation(ws: Workspace, slug: str, analysis: BookAnalysis, text: str) -> AdaptationView:
    """The adaptation's report and the film's price per backend; nothing is sent and nothing is stored (a
    chat adapter's adaptation that is out of date is shown as it was, marked stale)."""
    try:
        current = current_adaptation(ws, slug, analysis=analysis, text=text)
    except UserError as exc:
        return AdaptationView(problem=str(exc))
    if current is None:
        return AdaptationView(problem=f"not adapted yet: run `filmsofone adapt {slug}`")
    adaptation = current.adaptation
    view = AdaptationView(report=adaptation_report(analysis, adaptation, load_choices(ws, slug)), stale=current.stale,
                          warnings=list(adaptation.warnings))
    try:
        view.estimate = estimate_film(ws, slug, adaptation, analysis=analysis)
    except UserError as exc:  # a cast bible that does not load: no shots to price
        view.problem = f"no estimate: {exc}"
    return view


def _exists(path: Path) -> Path | None:
    return path if path.is_file() else None


def _manifest(film: Path):
    if not manifest_path(film).is_file():
        return None
    try:
        return load_manifest(film)
    except ValueError:  # a manifest from an older version: the page shows no timings
        return None


def _takes(ws: Workspace, slug: str) -> dict[str, list[TakeView]]:
    return {shot_id: [TakeView(t.number, t.backend, Path(t.path), float(t.duration), bool(t.current)) for t in takes]
            for shot_id, takes in list_takes(ws, slug).items()}


def _keyframes(ws: Workspace, slug: str) -> dict[str, KeyframeView]:
    views = {}
    for item in storyboard(ws, slug):
        shown = next((t for t in item.takes if t.number == item.current_number), None)
        views[item.shot.id] = KeyframeView(item.approved or item.current, item.current_number, len(item.takes),
                                           item.approved is not None, shown.backend if shown else "")
    return views


def _cast(ws: Workspace, slug: str, book: tuple[BookAnalysis, str]) -> list[CastView]:
    try:
        bible = load_bible(ws, slug)
    except UserError:
        return []
    cast = []
    for character in getattr(bible, "characters", []):
        face = None
        for image in getattr(character, "reference_images", []) or []:
            candidate = (ws.root / image)
            if candidate.is_file():
                face = candidate
                break
        parts = [getattr(character, name, "") for name in ("age", "face", "physical", "hair", "build")]
        cast.append(CastView(character.name, list(character.aliases), "; ".join(p for p in parts if p), face,
                             list_candidates(ws, slug, character.id), _voice(ws, slug, character, book)))
    return cast


def _voice(ws: Workspace, slug: str, character, book: tuple[BookAnalysis, str]) -> Path | None:
    """A sample of the character's voice for the cast list (made once per voice); None when it has none."""
    if not character.voice.voice or character.role == "minor":
        return None
    try:
        return voice_sample(ws, slug, character, character.voice, book=book)
    except UserError:
        return None


def thumbnail(room: Room, shot: ShotView) -> Path | None:
    """A storyboard frame of the shot's current take (made once, cached by the take's file)."""
    take = shot.current
    if take is None or not take.path.is_file():
        return None
    stat = take.path.stat()
    key = hashlib.sha256(f"{take.path}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()[:16]
    folder = room.project.cache_dir / "thumbs"
    folder.mkdir(parents=True, exist_ok=True)
    image = folder / f"{shot.id}-{key}.jpg"
    if not image.is_file():
        partial = folder / f".{shot.id}-{key}.partial.jpg"
        middle = min(take.duration or shot.duration, 60.0) / 2
        ffmpeg.run(ffmpeg.thumbnail_args(take.path, partial, at=middle, width=320))
        partial.replace(image)
    return image
