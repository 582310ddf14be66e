"""Timeline export: OTIO read back with one clip per shot in order; EDL and FCP XML through OTIO's adapters."""

import subprocess
import sys
from pathlib import Path

import opentimelineio as otio
import pytest
from cutkit import Book

from filmsofone.assemble.cut import cut
from filmsofone.assemble.timeline import export_timeline
from filmsofone.errors import UserError


@pytest.fixture
def cut_book(ws, monkeypatch):
    book = Book(ws)
    book.shoot([s.id for s in book.shots if s.id != "1.2-001"])  # one placeholder
    book.manifest = cut(ws, "tale").manifest
    return book


def _shot_clips(timeline):
    return [c for c in timeline.video_tracks()[0].find_clips()
            if c.metadata.get("filmsofone", {}).get("shot_id")]


def test_otio_has_one_clip_per_shot_in_order_with_markers_and_subtitles(cut_book, ws):
    path = export_timeline(ws, "tale", "otio", None)
    assert path == ws.project("tale").cuts_dir / "tale.otio"
    timeline = otio.adapters.read_from_file(str(path))
    clips = _shot_clips(timeline)
    assert [c.name for c in clips] == [s.id for s in cut_book.shots]
    assert [c.metadata["filmsofone"]["kind"] for c in clips].count("placeholder") == 1
    assert clips[0].source_range.duration == otio.opentime.RationalTime(24, 24)
    assert timeline.duration().to_seconds() == pytest.approx(cut_book.manifest.duration)
    markers = [m.name for c in timeline.video_tracks()[0].find_clips() for m in c.markers]
    assert [m.split(" ")[0] for m in markers] == ["1.1", "1.2", "2.1"]
    urls = [c.media_reference.target_url for c in clips]
    assert urls[1] == "../clips/1.1-002.mp4"  # relative to the exported file
    for clip in clips:  # every relative path resolves to a real file
        assert (path.parent / clip.media_reference.target_url).is_file()
    subtitles = timeline.metadata["filmsofone"]["subtitles"]
    assert subtitles[0]["text"].startswith("Mind the lantern") and subtitles[0]["shot_id"] == "1.1-002"
    tracks = timeline.audio_tracks()
    assert [t.name for t in tracks] == ["A1", "A2 dialogue", "A3 music", "A4 ambience"]
    for track, stem in zip(tracks[1:], ("dialogue", "music", "ambience")):
        (clip,) = list(track.find_clips())
        assert (path.parent / clip.media_reference.target_url).resolve() == Path(cut_book.manifest.stems[stem])
        assert clip.source_range.duration.to_seconds() == pytest.approx(cut_book.manifest.duration, abs=1 / 24)


def test_edl_written_and_read_back_by_the_cmx_adapter(cut_book, ws, tmp_path):
    path = export_timeline(ws, "tale", "edl", tmp_path / "tale.edl")
    text = path.read_text()
    assert text.startswith("TITLE: The Lantern Test") and "* LOC:" in text and text.isascii()
    timeline = otio.adapters.read_from_file(str(path), adapter_name="cmx_3600")
    names = [c.name for c in timeline.find_clips()]
    assert [n for n in names if n[0].isdigit()] == [s.id for s in cut_book.shots]
    assert timeline.duration().to_frames() == round(cut_book.manifest.duration * 24)


def test_fcp_xml_written_and_read_back_by_its_adapter(cut_book, ws):
    path = export_timeline(ws, "tale", "fcpxml", None)
    assert path.suffix == ".xml" and path.read_text().startswith("<?xml")
    timeline = otio.adapters.read_from_file(str(path), adapter_name="fcp_xml")
    clips = list(timeline.video_tracks()[0].find_clips())
    assert [c.name for c in clips if c.name[0].isdigit()] == [s.id for s in cut_book.shots]
    assert clips[3].media_reference.target_url.endswith("clips/1.1-002.mp4")
    stems = [c.media_reference.target_url for t in timeline.audio_tracks() for c in t.find_clips()
             if c.name.startswith("tale.")]
    assert sorted(Path(u).name for u in stems) == ["tale.ambience.wav", "tale.dialogue.wav", "tale.music.wav"]


def test_export_needs_a_cut_and_a_known_format(ws, monkeypatch):
    Book(ws)
    with pytest.raises(UserError, match="no cut of the whole film yet"):
        export_timeline(ws, "tale", "otio", None)
    with pytest.raises(UserError, match="unknown timeline format"):
        export_timeline(ws, "tale", "aaf", None)


def test_export_command(cut_book, ws):
    done = subprocess.run([str(Path(sys.executable).with_name("filmsofone")), "-w", str(ws.root), "export", "tale",
                           "--format", "edl", "-o", str(ws.root / "t.edl")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (ws.root / "t.edl").read_text().startswith("TITLE:")


def test_cross_faded_cut_exports_dissolves_of_the_same_length(ws, tmp_path):
    book = Book(ws)
    book.shoot()
    made = cut(ws, "tale", transitions=True).manifest
    path = export_timeline(ws, "tale", "otio", None)
    timeline = otio.adapters.read_from_file(str(path))
    track = timeline.video_tracks()[0]
    dissolves = [item for item in track if isinstance(item, otio.schema.Transition)]
    assert len(dissolves) == 2 and dissolves[0].in_offset.value == dissolves[0].out_offset.value == 6
    assert track.duration().to_seconds() == pytest.approx(made.duration)
    assert [c.name for c in _shot_clips(timeline)] == [s.id for s in book.shots]
    for fmt, adapter in (("fcpxml", "fcp_xml"), ("edl", "cmx_3600")):
        written = export_timeline(ws, "tale", fmt, tmp_path / f"faded.{fmt}")
        again = otio.adapters.read_from_file(str(written), adapter_name=adapter)
        assert again.duration().to_seconds() == pytest.approx(made.duration, abs=1 / 24)
