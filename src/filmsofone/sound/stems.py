"""The three stems of a cut: dialogue, music and ambience, laid on the cut's timeline as WAV files.

`render_stems` is given the cut's timeline (where each shot and card sits, in film seconds); it speaks
the lines (cached), places them (`timing.place`), and writes each stem block by block, so a long film
never sits in memory. Shots whose clip has its own sound (native audio) are not spoken over.
"""

from __future__ import annotations

import hashlib
import wave
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from pydantic import BaseModel

from .. import ffmpeg
from ..backends import get_backend
from ..bible.model import CastBible
from ..errors import FFmpegError, UserError
from ..models import BookAnalysis, ProgressCallback, Shot
from ..plan.beats import cut_beats
from ..plan.intent import TensionCurve, tension_curve
from ..workspace import Workspace
from .ambience import AmbienceSource, AmbienceSpan, layers_for
from .audio import RATE, FileLoop, read_wav
from .score import CROSSFADE, SceneMusic, ScoreSource, music_prompt
from .speech import Engines, Spoken
from .timing import Placed, Span, place
from .voicing import speak_shots, timed_lines

BLOCK_SECONDS = 10.0
STEMS = ("dialogue", "music", "ambience")


class TimelineItem(BaseModel):
    """A part of the cut: a shot (or a card) of a scene, from `start` to `end` film seconds."""

    scene: str
    shot_id: str | None = None
    start: float
    end: float


class SpokenLine(BaseModel):
    """A line as heard in the cut."""

    shot_id: str
    quote_id: str | None
    speaker: str | None  # the speaker's name (or "Narrator")
    text: str
    start: float
    end: float
    voice: str  # engine:voice id:pitch


@dataclass
class Stems:
    paths: dict[str, Path]
    lines: list[SpokenLine] = field(default_factory=list)
    seconds: float = 0.0
    native: set[str] = field(default_factory=set)  # shots whose clips speak for themselves


@dataclass
class StemOptions:
    dialogue: bool = True
    music: bool = True
    ambience: bool = True
    native_audio: set[str] = field(default_factory=set)  # shot ids whose clip speaks for itself
    allow_paid: bool = False  # hosted music may be composed (its price is refused with the bill otherwise)
    engines: Engines | None = None


def stem_paths(film: Path) -> dict[str, Path]:
    """cuts/<slug>.dialogue.wav, .music.wav, .ambience.wav beside the film."""
    return {name: film.with_name(f"{film.stem}.{name}.wav") for name in STEMS}


def render_stems(ws: Workspace, slug: str, analysis: BookAnalysis, text: str, bible: CastBible, shots: list[Shot],
                 timeline: list[TimelineItem], seconds: float, film: Path, *, intents: dict[str, str] | None = None,
                 options: StemOptions | None = None, progress: ProgressCallback | None = None) -> Stems:
    """Write the dialogue, music and ambience stems of a cut; return their paths and the lines' times."""
    options = options or StemOptions()
    in_cut = {item.shot_id for item in timeline if item.shot_id}
    ordered = [s for s in shots if s.id in in_cut]
    ordered = ordered if options.dialogue else []
    lines, spoken = speak_shots(ws, slug, analysis, text, ordered, progress=progress, engines=options.engines,
                                skip_shots=options.native_audio, allow_paid=options.allow_paid)
    placed = place([Span(i.shot_id, i.start, i.end, i.scene) for i in timeline], timed_lines(lines, spoken),
                   own_sound=options.native_audio)
    names = {c.id: c.name for c in analysis.characters}
    heard = [_heard(p, spoken[p.key], names, seconds) for p in placed if p.start < seconds - 0.05]
    spans = scene_spans(timeline)
    dialogue = DialogueSource([(p.start, spoken[p.key].path) for p in placed])
    cache = ws.project(slug).cache_dir / "audio"
    music = _music_source(ws, bible, analysis, text, spans, intents or {}, cache, options.allow_paid, progress) \
        if options.music else None
    ambience = _ambience_source(ws, bible, analysis, text, spans, cache, progress) if options.ambience else None
    paths = {name: path for name, path in stem_paths(film).items() if getattr(options, name)}
    for name, path in stem_paths(film).items():  # a stem switched off is not written (an older one would mislead)
        if name not in paths:
            path.unlink(missing_ok=True)
    write_stems(paths, {"dialogue": dialogue, "music": music, "ambience": ambience}, seconds, progress)
    return Stems(paths=paths, lines=heard, seconds=seconds, native=set(options.native_audio))


def _heard(placed: Placed, spoken: Spoken, names: dict[str, str], film_end: float) -> SpokenLine:
    """The line as the cut has it (a line running past the end of the film is cut there, like its sound)."""
    line = spoken.line
    return SpokenLine(shot_id=placed.shot_id, quote_id=line.quote_id,
                      speaker="Narrator" if line.voiceover else names.get(line.speaker or ""), text=line.text,
                      start=placed.start, end=min(placed.end, film_end), voice=":".join(map(str, spoken.voice.key())))


def scene_spans(timeline: list[TimelineItem]) -> dict[str, tuple[float, float]]:
    spans: dict[str, tuple[float, float]] = {}
    for item in timeline:
        low, high = spans.get(item.scene, (item.start, item.end))
        spans[item.scene] = (min(low, item.start), max(high, item.end))
    return spans


class DialogueSource:
    """Spoken lines at their film times (each WAV read once while it sounds)."""

    def __init__(self, lines: list[tuple[float, Path]]):
        self.lines = sorted(lines, key=lambda pair: pair[0])
        self._loaded: OrderedDict[Path, np.ndarray] = OrderedDict()

    def _samples(self, path: Path) -> np.ndarray:
        if path not in self._loaded:
            self._loaded[path] = read_wav(path)
            if len(self._loaded) > 8:
                self._loaded.popitem(last=False)
        return self._loaded[path]

    def render_into(self, block: np.ndarray, t0: float) -> None:
        first = int(round(t0 * RATE))
        for start, path in self.lines:
            begin = int(round(start * RATE))
            if begin >= first + len(block):
                break
            samples = self._samples(path) if begin + 60 * RATE > first else None
            if samples is None or begin + len(samples) <= first:
                continue
            a, b = max(first, begin), min(first + len(block), begin + len(samples))
            block[a - first:b - first] += samples[a - begin:b - begin, None]


def write_stems(paths: dict[str, Path], sources: dict, seconds: float,
                progress: ProgressCallback | None = None) -> None:
    """Write each stem (silence where its source is None) block by block, through temporary names."""
    total = int(round(seconds * RATE))
    block = int(BLOCK_SECONDS * RATE)
    partials = {name: path.with_name(f".{path.name}.partial") for name, path in paths.items()}
    writers = {}
    for name, partial in partials.items():
        partial.parent.mkdir(parents=True, exist_ok=True)
        writers[name] = wave.open(str(partial), "wb")
        writers[name].setnchannels(2)
        writers[name].setsampwidth(2)
        writers[name].setframerate(RATE)
    try:
        blocks = max(1, -(-total // block))
        for number in range(blocks):
            length = min(block, total - number * block)
            for name, writer in writers.items():
                buffer = np.zeros((max(0, length), 2), dtype=np.float32)
                if sources.get(name) is not None:
                    sources[name].render_into(buffer, number * BLOCK_SECONDS)
                writer.writeframes((np.clip(buffer, -1.0, 1.0) * 32767.0).astype("<i2").tobytes())
            if progress:
                progress("sound: writing stems", number + 1, blocks)
    finally:
        for writer in writers.values():
            writer.close()
    for name, partial in partials.items():
        partial.replace(paths[name])


# --- music and ambience ----------------------------------------------------------------------------


def scene_curve(analysis: BookAnalysis, text: str, scene_id: str, intent: str | None) -> TensionCurve:
    """The scene's tension curve: its intent when set, shaped by the emotion of its beats."""
    scene = analysis.scene(scene_id)
    return tension_curve(intent, [beat.emotion for beat in cut_beats(analysis, scene, text)])


class _Mixed:
    def __init__(self, sources: list):
        self.sources = sources

    def render_into(self, block: np.ndarray, t0: float) -> None:
        for source in self.sources:
            source.render_into(block, t0)


def _music_source(ws: Workspace, bible: CastBible, analysis: BookAnalysis, text: str,
                  spans: dict[str, tuple[float, float]], intents: dict[str, str], cache: Path,
                  allow_paid: bool = False, progress: ProgressCallback | None = None):
    generated, from_files, loops = [], [], {}
    for scene_id, (start, end) in spans.items():
        chosen = bible.music.for_scene(scene_id)
        if chosen.strip().lower() == "none":
            continue
        if chosen:
            decoded = decode_user_audio(ws, chosen, "music", cache, progress)
            loops.setdefault(str(decoded), FileLoop(decoded, bible.music.volume))
            from_files.append(AmbienceSpan(start, end, file_loop=str(decoded)))
        else:
            generated.append(SceneMusic(scene_id, start, end, scene_curve(analysis, text, scene_id,
                                                                          intents.get(scene_id))))
    if generated and bible.music.engine:
        composed = compose_scenes(bible.music.engine, dict(bible.music.options), generated, cache, allow_paid)
        for scene in generated:
            loops.setdefault(str(composed[scene.scene]), FileLoop(composed[scene.scene], bible.music.volume))
            from_files.append(AmbienceSpan(scene.start, scene.end, file_loop=str(composed[scene.scene])))
        generated = []
    parts = [ScoreSource(generated)] if generated else []
    if from_files:
        parts.append(AmbienceSource(from_files, loops, fade=CROSSFADE))
    return _Mixed(parts)


def _ambience_source(ws: Workspace, bible: CastBible, analysis: BookAnalysis, text: str,
                     spans: dict[str, tuple[float, float]], cache: Path, progress: ProgressCallback | None = None):
    settings = {s.id: s for s in bible.settings}
    found, loops = [], {}
    for scene_id, (start, end) in spans.items():
        scene = analysis.scene(scene_id)
        look = settings.get(scene.setting or "")
        if look is not None and look.ambience:
            decoded = decode_user_audio(ws, look.ambience, "ambience", cache, progress)
            loops.setdefault(str(decoded), FileLoop(decoded))
            found.append(AmbienceSpan(start, end, file_loop=str(decoded)))
            continue
        place_text = " ".join([look.name, look.description, *(lt.weather for lt in look.light.values())]) \
            if look else ""
        interior = scene.interior if scene.interior is not None else (look.interior if look else None)
        found.append(AmbienceSpan(start, end, layers_for(place_text, text[scene.start:scene.end], interior,
                                                         scene.time_of_day)))
    return AmbienceSource(found, loops)


def compose_scenes(engine: str, options: dict, scenes: list[SceneMusic], cache: Path,
                   allow_paid: bool) -> dict[str, Path]:
    """Each scene's piece from a hosted composer (cached by prompt and length); refused with the price
    when a piece is not made yet and paying was not allowed."""
    composer = get_backend(engine, options, kind="music")
    wanted = {}
    for scene in scenes:
        prompt, seconds = music_prompt(scene), round(scene.end - scene.start + CROSSFADE, 1)
        key = hashlib.sha256(f"{engine}|{prompt}|{seconds}".encode()).hexdigest()[:20]
        wanted[scene.scene] = (prompt, seconds, cache / "music" / f"{key}.wav")
    missing = [(p, s, path) for p, s, path in wanted.values() if not path.is_file()]
    if missing and not allow_paid:
        price = sum(composer.cost(min(s, 300.0)) for _, s, _ in missing)
        raise UserError(f"composing {len(missing)} scene(s) with {engine} costs about ${price:.2f}",
                        "cut again with --yes to pay for them (they are kept; never paid twice), or --no-music")
    for prompt, seconds, path in missing:
        composer.compose(prompt, seconds, path)
    return {scene: path for scene, (_, _, path) in wanted.items()}


def user_audio(ws: Workspace, name: str | Path, what: str) -> Path:
    """The path of a user's audio file (workspace-relative or absolute), checked to hold sound (ffprobe reads
    it by path). A missing file, or one with no audio stream, is the user's mistake (UserError, exit 2)."""
    return _probed_user_audio(ws, name, what)[0]


def _probed_user_audio(ws: Workspace, name: str | Path, what: str) -> tuple[Path, ffmpeg.MediaInfo]:
    source = Path(name) if Path(name).is_absolute() else ws.root / name
    if source.is_dir():
        raise UserError(f"the {what} {name} is a folder, not a file", "give one audio file")
    if not source.is_file():
        raise UserError(f"no such {what} file: {name}", f"give an audio file (relative to {ws.root})")
    try:
        info = ffmpeg.probe(source)
    except FFmpegError:
        info = None
    if info is None or not info.audio:
        raise UserError(f"the {what} file {name} is not audio", "give an audio file (WAV, MP3, FLAC, OGG, M4A)")
    return source, info


def decode_user_audio(ws: Workspace, name: str, what: str, cache: Path,
                      progress: ProgressCallback | None = None) -> Path:
    """A user's audio file decoded once (by ffmpeg, streaming from its path) to 48 kHz 16-bit stereo WAV in the
    cache, which the stems then read block by block: the file is never held whole in memory. `progress` hears
    `sound: decoding the music file NAME` in seconds of the file decoded (an hour-long file takes a while).

    A missing file, one with no audio, or one whose sound cannot be decoded is the user's mistake (UserError)."""
    source, info = _probed_user_audio(ws, name, what)
    stat = source.stat()
    key = f"{source.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    out = cache / f"{hashlib.sha256(key.encode()).hexdigest()[:20]}.wav"
    if not out.is_file():
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(f".{out.name}.partial.wav")
        try:
            report = _decoding(progress, f"sound: decoding the {what} file {Path(name).name}")
            report(0, max(1, round(info.duration)))  # shown at once: ffmpeg's first figure may take a while
            ffmpeg.run_with_progress(ffmpeg.decode_audio_args(source, partial, rate=RATE), info.duration, report)
        except FFmpegError as exc:
            partial.unlink(missing_ok=True)
            raise UserError(f"the {what} file {name} could not be decoded: {exc.message}",
                            "give an audio file that plays (WAV, MP3, FLAC, OGG, M4A)") from exc
        if not len(FileLoop(partial)):
            partial.unlink(missing_ok=True)
            raise UserError(f"the {what} file {name} holds no sound", "give an audio file that plays")
        partial.replace(out)
    return out


def _decoding(progress: ProgressCallback | None, label: str):
    """ffmpeg's (seconds done, seconds in all) as the cut's progress under `label`."""
    def report(done: int, total: int) -> None:
        if progress:
            progress(label, done, total)
    return report
