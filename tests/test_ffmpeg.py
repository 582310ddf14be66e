import pytest

from filmsofone import ffmpeg
from filmsofone.errors import FFmpegError

BANNER = """Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'film.mp4':
  Duration: 00:01:02.50, start: 0.000000, bitrate: 100 kb/s
  Chapters:
    Chapter #0:0: start 0.000000, end 30.000000
    Chapter #0:1: start 30.000000, end 62.500000
  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p, 640x360, 50 kb/s, 24 fps, 24 tbr
  Stream #0:1[0x2](und): Audio: aac (LC) (mp4a / 0x6134706D), 48000 Hz, stereo, fltp, 2 kb/s
  Stream #0:2[0x3](eng): Subtitle: mov_text (tx3g / 0x67337874), 0 kb/s
"""


def test_parse_probe_reads_streams_duration_chapters():
    info = ffmpeg.parse_probe(BANNER)
    assert info.duration == pytest.approx(62.5)
    assert (len(info.video), len(info.audio), len(info.subtitles), info.chapters) == (1, 1, 1, 2)
    assert (info.width, info.height, info.fps) == (640, 360, 24.0)


def test_parse_probe_rejects_non_media():
    with pytest.raises(FFmpegError, match="not a readable media file"):
        ffmpeg.parse_probe("notes.txt: Invalid data found when processing input", "notes.txt")


def test_probe_and_decode_a_real_clip(tmp_path):
    clip = tmp_path / "clip.mp4"
    ffmpeg.run([*ffmpeg.base_args(), "-f", "lavfi", "-i", "testsrc=size=160x90:rate=24:duration=1",
                "-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo", "-t", "1", "-c:v", "libx264",
                "-pix_fmt", "yuv420p", "-c:a", "aac", str(clip)])
    info = ffmpeg.probe(clip)
    assert info.duration == pytest.approx(1.0, abs=0.05)
    assert info.video and info.audio
    assert ffmpeg.decode_errors(clip) == ""


def test_run_turns_failure_into_user_error(tmp_path):
    with pytest.raises(FFmpegError, match="ffmpeg failed"):
        ffmpeg.run([*ffmpeg.base_args(), "-i", str(tmp_path / "missing.mp4"), str(tmp_path / "out.mp4")])


def test_binary_override(monkeypatch):
    ffmpeg.ffmpeg_binary.cache_clear()
    monkeypatch.setenv(ffmpeg.FFMPEG_ENV, "/opt/ffmpeg/bin/ffmpeg")
    try:
        assert ffmpeg.ffmpeg_binary() == "/opt/ffmpeg/bin/ffmpeg"
    finally:
        ffmpeg.ffmpeg_binary.cache_clear()
