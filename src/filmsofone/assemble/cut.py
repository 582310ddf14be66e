"""`cut_film`: the chosen takes of a book, joined into one film with cards, subtitles, chapters and sound.

Steps: gather the inputs; decide the film's format; lay out the reel (pure); make each part (cards are
drawn and encoded in the house format, takes already in that format are used as they are, others are
normalised once and cached); write the subtitles (.srt and .vtt beside the film) and the chapters; join
the parts by stream copy (or cross-fade scenes when transitions are asked for); write a manifest
(`<film>.cut.json`) that the screening room and the timeline export read.
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, Field

from .. import ffmpeg
from ..errors import FFmpegError, UserError
from ..models import ProgressCallback
from ..sound.stems import Stems, stem_paths, user_audio
from ..store.debris import clean_debris
from ..store.faults import checkpoint
from ..store.files import TMP_SUFFIX, is_temp, write_atomic
from ..store.lock import project_lock
from ..workspace import Project, Workspace, output_file
from .cards import draw_card
from .chapters import ChapterMark, scene_chapters, to_chapters_vtt, to_ffmetadata
from .format import FilmFormat, film_format
from .inputs import CutInputs, load_inputs
from .mp4fix import drop_dangling_chapter_refs
from .reel import Reel, Segment, UsableTake, build_reel
from .sound import SoundOptions, make_stems, master, muted_windows, native_shots
from .subtitles import Cue, dialogue_cues, speech_cues, to_srt, to_vtt
from .timing import film_seconds, segment_times

TRANSITION_SECONDS = 0.5


class PlacedSegment(BaseModel):
    """A segment of the reel with its place in the finished film."""

    segment: Segment
    start: float
    end: float
    part: str  # the file joined into the film for this segment


class CutManifest(BaseModel):
    """What was cut, written beside the film as `<film>.cut.json`."""

    slug: str
    title: str
    film: str
    subtitles_srt: str | None = None
    subtitles_vtt: str | None = None
    chapters_vtt: str | None = None
    format: FilmFormat
    duration: float
    fast_path: bool  # the video joined by stream copy: no take re-encoded, no cross-fades
    normalised: int = 0  # takes re-encoded to the film's format
    transitions: float = 0.0
    music: str | None = None
    stems: dict[str, str] = Field(default_factory=dict)  # dialogue, music, ambience WAVs beside the film
    loudness: float | None = None  # LUFS integrated, as mastered
    true_peak: float | None = None  # dBTP
    scenes: list[str]
    chapters: list[ChapterMark]
    cues: list[Cue]
    segments: list[PlacedSegment]
    problems: list[str] = Field(default_factory=list)


def manifest_path(film: Path) -> Path:
    return film.with_suffix(".cut.json")


def load_manifest(film: Path) -> CutManifest:
    return CutManifest.model_validate_json(manifest_path(film).read_text(encoding="utf-8"))


def output_path(project: Project, slug: str, scenes: str | None, output: Path | None) -> Path:
    """`output` as an .mp4 (a folder holds the film under its usual name; a missing folder is refused), else
    cuts/<slug>.mp4 (or cuts/<slug>-scenes-<selection>.mp4 for a selection)."""
    if not scenes:
        default = project.film_path
    else:
        tag = "".join(c if c.isalnum() or c in ".-" else "_" for c in scenes.replace(",", "_"))
        default = project.cuts_dir / f"{slug}-scenes-{tag}.mp4"
    if output is None:
        return default
    film = output_file(Path(output), default.name)
    return film if film.suffix.lower() == ".mp4" else film.with_suffix(".mp4")


def cut_film(
    ws: Workspace,
    slug: str,
    *,
    scenes: str | None = None,
    output: Path | None = None,
    progress: ProgressCallback | None = None,
    transitions: bool | float = False,
    music: Path | None = None,
    sound: SoundOptions | None = None,
) -> Path:
    """Cut book `slug` (or the `scenes` selection) into one MP4; return its path."""
    return cut(ws, slug, scenes=scenes, output=output, progress=progress, transitions=transitions,
               music=music, sound=sound).film_path



@dataclass
class CutResult:
    """The film and its manifest."""

    manifest: CutManifest

    @property
    def film_path(self) -> Path:
        return Path(self.manifest.film)


def cut(ws: Workspace, slug: str, *, scenes: str | None = None, output: Path | None = None,
        progress: ProgressCallback | None = None, transitions: bool | float = False,
        music: Path | None = None, sound: SoundOptions | None = None) -> CutResult:
    """Like `cut_film`, returning the manifest too.

    `music`: an audio file scored under the whole film instead of the generated score (the bible's
    per-scene choices still win); `sound`: which of dialogue, music and ambience to lay (all by default).
    """
    report = progress or (lambda label, done, total: None)
    sound = sound or SoundOptions()
    project = ws.project(slug)
    output_path(project, slug, scenes, output)  # a missing --output folder is refused before any work
    if music is not None:
        if Path(music).is_dir():
            raise UserError(f"--music {music} is a folder, not a file", "give one audio file to --music")
        if not Path(music).is_file():
            raise UserError(f"no such music file: {music}", "give an audio file to --music, or leave it out")
        music = user_audio(ws, Path(music).resolve(), "music")  # one clear line for a file that is not audio
    with project_lock(project, "cut") if project.db_path.is_file() else nullcontext():
        if project.root.is_dir():
            clean_debris(project)
        for left in leftovers_beside(output_path(project, slug, scenes, output), slug):
            shutil.rmtree(left, ignore_errors=True) if left.is_dir() else left.unlink(missing_ok=True)
        return _cut(ws, slug, scenes, output, report, transitions, music, sound)


def work_prefix(slug: str) -> str:
    """The name of a cut's work folder beside its film starts with this (a slug holds no dot)."""
    return f".cut-{slug}."


def leftovers_beside(film: Path, slug: str) -> list[Path]:
    """What a killed cut of book `slug` left beside `film`, wherever `--output` put it: its work folders
    (`.cut-<slug>.*`), the temp files of the film's own files (`.<name>.<pid>-<id>.tmp`) and its stems'
    partial files (`.<film>.dialogue.wav.partial`). Only those names: another book's cut writing into the
    same folder is left alone; call it under the book's lock (no cut of this book is running)."""
    folder = film.parent
    if not folder.is_dir():
        return []
    names = [film.name, *(film.with_suffix(suffix).name for suffix in (".srt", ".vtt", ".chapters.vtt", ".cut.json")),
             *(path.name for path in stem_paths(film).values())]
    found = [p for p in folder.glob(glob.escape(work_prefix(slug)) + "*") if p.is_dir()]
    for name in names:
        found += [p for p in folder.glob(f".{glob.escape(name)}.*{TMP_SUFFIX}") if p.is_file() and is_temp(p)]
        found += [p for p in folder.glob(f".{glob.escape(name)}.partial") if p.is_file()]
    return sorted(found)


def _cut(ws: Workspace, slug: str, scenes: str | None, output: Path | None, report: ProgressCallback,
         transitions: bool | float, music: Path | None, sound: SoundOptions) -> CutResult:
    inputs = load_inputs(ws, slug, scenes, report)
    chosen, shots = inputs.scenes, inputs.shots
    if not shots:
        raise UserError(f"no shots planned for '{slug}'" + (f" in scenes {scenes}" if scenes else ""),
                        f"plan them with `filmsofone plan {slug}`")
    fmt = film_format(inputs.style, [t.signature for t in inputs.takes.values()])
    usable = {sid: UsableTake(path=str(t.path), frames=_film_frames(t.frames, t.signature.fps, fmt),
                              matches=t.signature.matches(fmt)) for sid, t in inputs.takes.items()}
    reel = build_reel(inputs.analysis, chosen, shots, usable, fmt)
    fade = _transition_seconds(transitions, reel)
    film = output_path(inputs.project, slug, scenes, output)
    film.parent.mkdir(parents=True, exist_ok=True)
    work = inputs.project.cache_dir / "cut"
    parts = make_parts(reel, work, report)
    native = native_shots(inputs)
    muted = muted_windows(reel, fade, native, sound)
    # with no stem the clips' sound goes in as it is, unless a clip would speak a line the cut leaves out
    stems = make_stems(ws, inputs, reel, film, fade, music, sound, native, report) if sound.any or muted else None
    if stems is None:  # no stem at all: an older cut's would be taken for this one's
        for path in stem_paths(film).values():
            path.unlink(missing_ok=True)
    manifest = _assemble(inputs, reel, parts, film, fade, music, stems, sound, muted, report)
    write_atomic(manifest_path(film), manifest.model_dump_json(indent=1))
    return CutResult(manifest)


def _film_frames(frames: int, clip_fps: float | None, fmt: FilmFormat) -> int:
    if not clip_fps or abs(clip_fps - fmt.fps) < 0.01:
        return frames
    return max(1, round(frames / clip_fps * fmt.fps))


def _transition_seconds(transitions: bool | float, reel: Reel) -> float:
    if not transitions or len(reel.scenes) < 2:
        return 0.0
    seconds = TRANSITION_SECONDS if transitions is True else float(transitions)
    shortest = min(sum(s.frames for s in reel.scene_segments(sc)) for sc in reel.scenes) / reel.format.fps
    return max(0.0, min(seconds, shortest / 2))


# --- making the parts ---------------------------------------------------------------------------------


def make_parts(reel: Reel, work: Path, report: ProgressCallback) -> list[Path]:
    """One file per segment, in the house format: drawn cards, takes as they are, normalised takes.

    Cards and normalisations run two at a time (ffmpeg uses the cores; more would only queue).
    """
    (work / "cards").mkdir(parents=True, exist_ok=True)
    (work / "normalised").mkdir(parents=True, exist_ok=True)

    def make(segment: Segment) -> Path:
        if segment.kind == "shot" and segment.matches:
            return Path(segment.source)
        if segment.kind == "shot":
            return _normalised(segment, reel.format, work / "normalised")
        return _card(segment, reel.format, work / "cards")

    total = len(reel.segments)
    report("cut: preparing parts", 0, total)
    parts = []
    with ThreadPoolExecutor(max_workers=2) as pool:
        for done, part in enumerate(pool.map(make, reel.segments), 1):
            parts.append(part)
            report("cut: preparing parts", done, total)
    return parts


def _key(*values: object) -> str:
    return hashlib.sha256("|".join(map(str, values)).encode()).hexdigest()[:20]


def _card(segment: Segment, fmt: FilmFormat, folder: Path) -> Path:
    key = _key("card-v3", segment.kind, segment.title, segment.subtitle, fmt.model_dump_json(), segment.frames)
    clip = folder / f"{key}.mp4"
    if clip.is_file():
        return clip
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        image = draw_card(Path(tmp) / "card.png", fmt, segment.kind, segment.title, segment.subtitle)
        partial = Path(tmp) / "card.mp4"
        ffmpeg.run(ffmpeg.card_clip_args(image, partial, frames=segment.frames, fps=fmt.fps, preset=fmt.card_preset))
        checkpoint("cut-card-made")
        partial.replace(clip)
    return clip


def _normalised(segment: Segment, fmt: FilmFormat, folder: Path) -> Path:
    source = Path(segment.source)
    stat = source.stat()
    key = _key("norm-v1", source, stat.st_size, stat.st_mtime_ns, fmt.model_dump_json(), segment.frames)
    clip = folder / f"{key}.mp4"
    if clip.is_file():
        return clip
    has_audio = bool(ffmpeg.probe(source).audio)
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        partial = Path(tmp) / "clip.mp4"
        try:
            ffmpeg.run(ffmpeg.normalise_args(source, partial, width=fmt.width, height=fmt.height, fps=fmt.fps,
                                             frames=segment.frames, fit=fmt.fit, has_audio=has_audio))
        except FFmpegError as exc:
            raise FFmpegError(f"could not bring take {source.name} of shot {segment.shot_id} to the film's format: "
                              f"{exc.message}", "regenerate the shot, or pick another take") from exc
        partial.replace(clip)
    return clip


# --- joining ------------------------------------------------------------------------------------------


def film_cues(inputs: CutInputs, reel: Reel, fade: float, stems: Stems | None, sound: SoundOptions) -> list[Cue]:
    """The subtitles: timed to the speech when the lines are spoken (clips with their own sound keep their
    shots' windows), else to the shots that speak them; none without subtitles."""
    if not sound.subtitles:
        return []
    cues = dialogue_cues(reel, inputs.analysis, inputs.text, transition=fade)
    if stems is not None and sound.dialogue:
        cues = sorted(speech_cues(stems.lines) + [c for c in cues if c.shot_id in stems.native],
                      key=lambda c: c.start)
    return cues


def _write_subtitles(film: Path, cues: list[Cue], sound: SoundOptions) -> tuple[Path | None, Path | None]:
    """The .srt and .vtt beside the film; without subtitles none (an older cut's would show its lines)."""
    srt, vtt = film.with_suffix(".srt"), film.with_suffix(".vtt")
    if not sound.subtitles:
        srt.unlink(missing_ok=True)
        vtt.unlink(missing_ok=True)
        return None, None
    write_atomic(srt, to_srt(cues))
    write_atomic(vtt, to_vtt(cues))
    return srt, vtt


def _assemble(inputs: CutInputs, reel: Reel, parts: list[Path], film: Path, fade: float, music: Path | None,
              stems: Stems | None, sound: SoundOptions, muted: list[tuple[float, float]],
              report: ProgressCallback) -> CutManifest:
    analysis = inputs.analysis
    cues = film_cues(inputs, reel, fade, stems, sound)
    marks = scene_chapters(reel, analysis, transition=fade)
    srt, vtt = _write_subtitles(film, cues, sound)
    chapters_vtt = film.with_suffix(".chapters.vtt")
    write_atomic(chapters_vtt, to_chapters_vtt(marks))
    with tempfile.TemporaryDirectory(dir=film.parent, prefix=work_prefix(analysis.book.slug)) as tmp:
        work = Path(tmp)
        metadata = work / "chapters.txt"
        metadata.write_text(to_ffmetadata(marks, reel.title), encoding="utf-8")
        subtitles = srt if cues else None
        partial = work / "film.mp4"
        bed = None if stems is not None else music  # with stems, the music is in the music stem
        level = None
        if fade > 0:
            _join_with_transitions(reel, parts, partial, work, fade, subtitles, metadata, bed, report)
            if stems is not None:  # the cross-faded film's own sound, mixed and mastered, under its picture
                audio, level = master(partial, stems.paths, work, sound, report, muted=muted)
                joined, partial = partial, work / "mastered.mp4"
                ffmpeg.run(ffmpeg.remux_args(joined, audio, partial, metadata=metadata, fps=reel.format.fps))
        else:
            listing = _listing(reel, parts, work)
            if stems is not None:  # the parts' own sound, mixed and mastered, encoded once by the join
                audio, level = master(listing, stems.paths, work, sound, report, concat=True, muted=muted)
            _join(reel, listing, partial, subtitles, metadata, bed, report, audio=audio if stems else None)
        drop_dangling_chapter_refs(partial)
        checkpoint("film-joined")
        os.replace(partial, film) if _same_device(partial, film) else shutil.move(str(partial), film)
    times = segment_times(reel, fade)
    placed = [PlacedSegment(segment=s, start=a, end=b, part=str(p))
              for s, (a, b), p in zip(reel.segments, times, parts)]
    normalised = sum(1 for s in reel.segments if s.kind == "shot" and not s.matches)
    return CutManifest(
        slug=analysis.book.slug, title=reel.title, film=str(film), subtitles_srt=str(srt) if srt else None,
        subtitles_vtt=str(vtt) if vtt else None,
        chapters_vtt=str(chapters_vtt), format=reel.format, duration=film_seconds(reel, fade),
        fast_path=normalised == 0 and fade == 0, normalised=normalised, transitions=fade,
        music=str(music) if music else None, scenes=reel.scenes, chapters=marks, cues=cues, segments=placed,
        problems=inputs.problems, stems={k: str(v) for k, v in stems.paths.items()} if stems else {},
        loudness=level.integrated if level else None, true_peak=level.true_peak if level else None,
    )


def _same_device(a: Path, b: Path) -> bool:
    try:
        return a.stat().st_dev == b.parent.stat().st_dev
    except OSError:
        return False


def _listing(reel: Reel, parts: list[Path], work: Path) -> Path:
    """The concat demuxer's list of the parts, each cut at its length."""
    fps = reel.format.fps
    listing = work / "parts.ffconcat"
    listing.write_text(ffmpeg.concat_list([(p.resolve(), s.frames / fps) for p, s in zip(parts, reel.segments)]),
                       encoding="utf-8")
    return listing


def _join(reel: Reel, listing: Path, output: Path, subtitles: Path | None, metadata: Path,
          music: Path | None, report: ProgressCallback, *, audio: Path | None = None) -> None:
    fps = reel.format.fps
    progress = _seconds_progress(report, "cut: joining")
    try:
        ffmpeg.run_with_progress(ffmpeg.concat_args(listing, output, subtitles=subtitles, metadata=metadata,
                                                    music=music, audio=audio, fps=fps), reel.frames / fps, progress)
    except FFmpegError as exc:
        hint = "check the music file plays" if music else "check free disk space, then run the cut again"
        raise FFmpegError(f"joining the film failed: {exc.message}", hint) from exc


def _join_with_transitions(reel: Reel, parts: list[Path], output: Path, work: Path, fade: float,
                           subtitles: Path | None, metadata: Path, music: Path | None,
                           report: ProgressCallback) -> None:
    fps = reel.format.fps
    scene_files, durations = [], []
    for number, scene in enumerate(reel.scenes):
        pairs = [(p.resolve(), s.frames / fps) for p, s in zip(parts, reel.segments) if s.scene == scene]
        listing = work / f"scene-{number}.ffconcat"
        listing.write_text(ffmpeg.concat_list(pairs), encoding="utf-8")
        scene_file = work / f"scene-{number}.mp4"
        ffmpeg.run(ffmpeg.concat_args(listing, scene_file))
        scene_files.append(scene_file)
        durations.append(sum(d for _, d in pairs))
    ffmpeg.run_with_progress(ffmpeg.xfade_args(scene_files, durations, output, fps=fps, seconds=fade,
                                               subtitles=subtitles, metadata=metadata, music=music),
                             sum(durations), _seconds_progress(report, "cut: cross-fading scenes"))


def _seconds_progress(report: ProgressCallback, label: str) -> Callable[[int, int], None]:
    return lambda done, total: report(f"{label} (seconds of film)", done, total)
