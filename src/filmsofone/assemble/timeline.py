"""The cut handed to an editor: an OpenTimelineIO timeline, and through OTIO's adapters a CMX 3600 EDL
and FCP XML (Premiere, Resolve, Kdenlive import one of the three).

The timeline is built from the cut's manifest (`<film>.cut.json`): one clip per segment (the title and
chapter cards, each shot's take or its placeholder card) on a video track and an audio track (the clips'
own sound), the dialogue, music and ambience stems on three more audio tracks (not in the EDL), a marker
at the start of each scene, the dialogue cues as metadata. Media paths are relative to the exported
file, and every clip is named after its file, so an editor can relink by name if the files move.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import opentimelineio as otio

from ..errors import UserError
from ..project import open_project
from ..workspace import Workspace, output_file
from .cut import CutManifest, load_manifest, manifest_path

FORMATS = {"otio": ("otio_json", ".otio"), "edl": ("cmx_3600", ".edl"), "fcpxml": ("fcp_xml", ".xml")}
ADAPTER_PACKAGES = {"cmx_3600": "otio-cmx3600-adapter", "fcp_xml": "otio-fcp-adapter"}


def export_timeline(ws: Workspace, slug: str, fmt: str, output: Path | None, *, film: Path | None = None) -> Path | None:
    """Write the timeline of the cut of `slug` (the whole film, or the cut `film`: one made of some scenes or
    with --output) as `fmt` (otio | edl | fcpxml); return the file written (beside the film by default)."""
    if fmt not in FORMATS:
        raise UserError(f"unknown timeline format '{fmt}'", f"use one of {', '.join(FORMATS)}")
    project = open_project(ws, slug)
    film = _cut_of(project.film_path, slug, film)
    adapter, suffix = FORMATS[fmt]
    if output:
        target = output_file(Path(output), f"{film.stem}{suffix}")
    else:
        target = film.with_suffix(suffix)
        target.parent.mkdir(parents=True, exist_ok=True)
    edl = adapter == "cmx_3600"  # one video track, plain ASCII comments
    timeline = build_timeline(load_manifest(film), relative_to=target.parent.resolve(), with_audio=not edl,
                              ascii_names=edl)
    write(timeline, target, adapter)
    return target


def _cut_of(whole: Path, slug: str, film: Path | None) -> Path:
    """The film whose manifest is exported: `film` when named (it must be a cut filmsofone made), else the
    whole film."""
    if film is None:
        if not manifest_path(whole).is_file():
            raise UserError(f"'{slug}' has no cut of the whole film yet",
                            f"make it with `filmsofone cut {slug}`, or name a cut of some scenes with --cut FILE.mp4")
        return whole
    film = Path(film).expanduser()
    if not manifest_path(film).is_file():
        raise UserError(f"{film} is not a cut filmsofone made (no {manifest_path(film).name} beside it)",
                        f"name the .mp4 that `filmsofone cut {slug}` printed")
    return film


def write(timeline, target: Path, adapter: str) -> None:
    if adapter not in otio.adapters.available_adapter_names():
        raise UserError(f"OpenTimelineIO has no '{adapter}' adapter here",
                        f"pip install {ADAPTER_PACKAGES.get(adapter, 'opentimelineio-plugins')}")
    otio.adapters.write_to_file(timeline, str(target), adapter_name=adapter)


def _relative(path: str, base: Path) -> str:
    try:
        return Path(os.path.relpath(Path(path).resolve(), base)).as_posix()
    except ValueError:  # another drive (Windows): keep it absolute
        return Path(path).resolve().as_posix()


def _ascii(text: str) -> str:
    text = text.replace("·", "-").replace("—", "-").replace("’", "'")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def build_timeline(manifest: CutManifest, *, relative_to: Path, with_audio: bool = True, ascii_names: bool = False):
    """An `otio.schema.Timeline` of the cut described by `manifest`."""
    rate = manifest.format.fps
    timeline = otio.schema.Timeline(name=manifest.title,
                                    global_start_time=otio.opentime.RationalTime(0, rate))
    timeline.metadata["filmsofone"] = {
        "slug": manifest.slug, "film": _relative(manifest.film, relative_to),
        "format": manifest.format.model_dump(), "transitions_seconds": manifest.transitions,
        "subtitles": [c.model_dump() for c in manifest.cues],
        "subtitles_srt": _relative(manifest.subtitles_srt, relative_to) if manifest.subtitles_srt else None,
    }
    video = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    audio = otio.schema.Track(name="A1", kind=otio.schema.TrackKind.Audio)
    titles = {m.scene: _ascii(m.title) if ascii_names else m.title for m in manifest.chapters}
    seen_scenes: set[str] = set()
    cues_by_shot: dict[str, list[str]] = {}
    for cue in manifest.cues:
        cues_by_shot.setdefault(cue.shot_id, []).append(cue.text)
    video_clips, audio_clips, openers = [], [], []
    for placed in manifest.segments:
        segment = placed.segment
        video_clips.append(_clip(otio, placed, rate, relative_to, cues_by_shot.get(segment.shot_id or "", [])))
        audio_clips.append(_clip(otio, placed, rate, relative_to, []))
        if segment.scene not in seen_scenes:
            seen_scenes.add(segment.scene)
            openers.append(len(video_clips) - 1)
    half = round(manifest.transitions * rate / 2)
    _fill(otio, video, video_clips, openers[1:], half)
    for index in openers:
        clip = video_clips[index]
        scene = clip.metadata["filmsofone"]["scene"]
        clip.markers.append(otio.schema.Marker(
            name=titles.get(scene, scene),
            marked_range=otio.opentime.TimeRange(clip.source_range.start_time, otio.opentime.RationalTime(1, rate)),
            color=otio.schema.MarkerColor.GREEN, metadata={"filmsofone": {"scene": scene}}))
    timeline.tracks.append(video)
    if with_audio:
        _fill(otio, audio, audio_clips, openers[1:], half)
        timeline.tracks.append(audio)
        for number, (name, path) in enumerate(manifest.stems.items(), 2):
            timeline.tracks.append(_stem_track(otio, f"A{number} {name}", path, manifest, relative_to))
    return timeline


def _stem_track(otio, name: str, path: str, manifest: CutManifest, base: Path):
    """One audio track holding a whole stem (dialogue, music or ambience) from the film's start."""
    rate = manifest.format.fps
    source = otio.opentime.TimeRange(otio.opentime.RationalTime(0, rate),
                                     otio.opentime.RationalTime(round(manifest.duration * rate), rate))
    track = otio.schema.Track(name=name, kind=otio.schema.TrackKind.Audio)
    track.append(otio.schema.Clip(
        name=Path(path).name, source_range=source,
        media_reference=otio.schema.ExternalReference(target_url=_relative(path, base), available_range=source),
        metadata={"filmsofone": {"kind": "stem", "stem": name.split(" ", 1)[1], "file": Path(path).name}}))
    return track


def _fill(otio, track, clips: list, joins: list[int], half: int) -> None:
    """Append `clips` to `track`, with a dissolve centred on each scene join (the cut's cross-fades).

    Each side gives up `half` frames, kept as a handle the dissolve uses, so the track lasts as long as
    the cross-faded film. A join whose clips are too short for it stays a straight cut.
    """
    dissolves = {}
    for index in joins if half > 0 else []:
        before, after = clips[index - 1], clips[index]
        if min(before.source_range.duration.value, after.source_range.duration.value) <= half:
            continue
        rate = before.source_range.duration.rate
        cut_half = otio.opentime.RationalTime(half, rate)
        before.source_range = otio.opentime.TimeRange(before.source_range.start_time,
                                                      before.source_range.duration - cut_half)
        after.source_range = otio.opentime.TimeRange(after.source_range.start_time + cut_half,
                                                     after.source_range.duration - cut_half)
        dissolves[index] = otio.schema.Transition(
            name="cross-fade", transition_type=otio.schema.TransitionTypes.SMPTE_Dissolve,
            in_offset=cut_half, out_offset=cut_half)
    for index, clip in enumerate(clips):
        if index in dissolves:
            track.append(dissolves[index])
        track.append(clip)


def _clip(otio, placed, rate: int, base: Path, dialogue: list[str]):
    segment = placed.segment
    duration = otio.opentime.RationalTime(segment.frames, rate)
    source = otio.opentime.TimeRange(otio.opentime.RationalTime(0, rate), duration)
    media = otio.schema.ExternalReference(target_url=_relative(placed.part, base), available_range=source)
    name = segment.shot_id or (segment.title if segment.kind != "title" else "Title")
    return otio.schema.Clip(
        name=name, media_reference=media, source_range=source,
        metadata={"filmsofone": {"kind": segment.kind, "scene": segment.scene, "shot_id": segment.shot_id,
                                 "file": Path(placed.part).name, "dialogue": dialogue}},
    )
