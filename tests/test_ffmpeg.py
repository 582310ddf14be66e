import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from filmsofone import ffmpeg
from filmsofone.errors import FFmpegError, FFmpegMissing

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


def test_a_missing_binary_is_one_clear_error_for_every_call(tmp_path, monkeypatch):
    ffmpeg.ffmpeg_binary.cache_clear()
    monkeypatch.setenv(ffmpeg.FFMPEG_ENV, str(tmp_path / "no-ffmpeg"))
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"not really")
    calls = [lambda: ffmpeg.run([*ffmpeg.base_args(), "-version"]), lambda: ffmpeg.probe(clip),
             lambda: ffmpeg.verify_media(clip), lambda: ffmpeg.probe_many([clip]),
             lambda: ffmpeg.run_with_progress([*ffmpeg.base_args(), "-i", str(clip), "out.mp4"], 1.0, print)]
    try:
        for call in calls:
            with pytest.raises(FFmpegError) as info:
                call()
            assert info.value.message == f"no working ffmpeg at {tmp_path / 'no-ffmpeg'}"
            assert ffmpeg.FFMPEG_ENV in info.value.hint
    finally:
        ffmpeg.ffmpeg_binary.cache_clear()


@pytest.mark.parametrize("binary", ["missing", "not ffmpeg"])
def test_require_says_at_once_that_no_ffmpeg_can_run(tmp_path, monkeypatch, binary):
    """`require()` (asked before work that needs ffmpeg all along): a missing program, or one that is not a
    working ffmpeg (here /bin/false), is FFmpegMissing with the one message; the real one passes."""
    ffmpeg.ffmpeg_binary.cache_clear()
    path = str(tmp_path / "no-ffmpeg") if binary == "missing" else "/bin/false"
    monkeypatch.setenv(ffmpeg.FFMPEG_ENV, path)
    try:
        with pytest.raises(FFmpegMissing) as info:
            ffmpeg.require()
        assert info.value.message == f"no working ffmpeg at {path}" and ffmpeg.FFMPEG_ENV in info.value.hint
        monkeypatch.delenv(ffmpeg.FFMPEG_ENV)
        ffmpeg.ffmpeg_binary.cache_clear()
        ffmpeg.require()
    finally:
        ffmpeg.ffmpeg_binary.cache_clear()


def test_every_ffmpeg_process_starts_in_the_one_runner():
    """No other module runs ffmpeg or finds its binary; inside ffmpeg.py one Popen and no subprocess.run."""
    src = Path(ffmpeg.__file__).parent
    for path in src.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.name == "ffmpeg.py" and path.parent == src:
            assert text.count("subprocess.Popen(") == 1 and "subprocess.run(" not in text
            assert "preexec_fn" not in text  # Python code in a fork of a threaded process can deadlock
        else:
            assert "ffmpeg_binary" not in text and "imageio_ffmpeg" not in text, path


def test_ffmpeg_dies_with_its_parent(tmp_path):
    """A process that started ffmpeg is SIGKILLed: ffmpeg goes too (PR_SET_PDEATHSIG), no orphan encodes on."""
    child = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from filmsofone import ffmpeg\n"
         "p = ffmpeg._start(['-nostdin', '-nostats', '-loglevel', 'quiet', '-re', '-f', 'lavfi', '-i', 'anullsrc',"
         " '-f', 'null', '-'])  # silent: a closed pipe would not stop it\n"
         "print(p.pid, flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(Path(ffmpeg.__file__).parents[1])})
    pid = int(child.stdout.readline())
    try:
        assert _alive(pid)
        child.kill()
        child.wait()
        deadline = time.monotonic() + 10
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(pid)
    finally:
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)  # never leave the test's own ffmpeg behind


def test_ffmpeg_runs_from_many_threads_at_once():
    """The runner is used from threads (progress readers, parallel encodes): starting ffmpeg from several threads
    at once never waits on a lock copied into a forked child, and each gets its own answer."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(6) as pool:
        done = list(pool.map(lambda _: ffmpeg.run([*ffmpeg.base_args(), "-version"], timeout=60), range(24)))
    assert all(d.returncode == 0 and d.stdout.startswith("ffmpeg version") for d in done)
    assert all(d.args[0] == ffmpeg.ffmpeg_binary() for d in done)


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status  # a zombie has exited; only its reaping is left


def test_normalise_makes_the_house_format_from_a_silent_clip(tmp_path):
    source, part, take = tmp_path / "in.mp4", tmp_path / "part.mp4", tmp_path / "take.mp4"
    ffmpeg.run([*ffmpeg.base_args(), "-f", "lavfi", "-i", "testsrc=size=160x120:rate=25:duration=1",
                "-c:v", "libx264", "-pix_fmt", "yuv420p", str(source)])
    ffmpeg.run(ffmpeg.normalise_args(source, part, width=128, height=72, fps=24, frames=12, has_audio=False))
    info, frames = ffmpeg.probe_with_frames(part)
    assert (info.width, info.height, info.fps, frames) == (128, 72, 24.0, 12)
    assert info.audio and "48000 Hz" in info.audio[0] and "stereo" in info.audio[0]
    ffmpeg.run(ffmpeg.normalise_args(source, take, width=128, height=72, fps=24, has_audio=False))
    info = ffmpeg.probe(take)
    assert info.duration == pytest.approx(1.0, abs=0.1) and info.audio and ffmpeg.decode_errors(take) == ""


def test_still_motion_clip_args_compile_the_graph():
    args = ffmpeg.still_motion_clip_args(Path("f.png"), Path("o.mp4"), duration=1, fps=10, width=64, height=36,
                                         motion="push_in", amount=0.5)
    assert args == [
        "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-i", "f.png", "-f", "lavfi", "-i",
        "anullsrc=r=48000:cl=stereo", "-filter_complex",
        "[0:v]format=yuv420p[s0];[s0]loop=loop=10:size=1:start=0[s1];[s1]setpts=N/10/TB[s2];"
        "[s2]scale=eval=frame:flags=fast_bilinear:h=2*trunc(18*(1+0.5000*min(t/1.0000\\,1))):"
        "w=2*trunc(32*(1+0.5000*min(t/1.0000\\,1)))[s3];[s3]crop=64:36:x=(iw-ow)/2:y=(ih-oh)/2[s4];"
        "[s4]setsar=1[s5];[s5]format=yuv420p[s6]",
        "-map", "[s6]", "-map", "1:a", "-f", "mp4", "-ac", "2", "-ar", "48000", "-b:a", "48k", "-c:a", "aac",
        "-c:v", "libx264", "-frames:v", "10", "-movflags", "+faststart", "-pix_fmt", "yuv420p",
        "-preset", "ultrafast", "-r", "10", "-t", "1.0000", "-tune", "stillimage", "o.mp4"]
