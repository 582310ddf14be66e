"""The ONLY module that builds and runs ffmpeg commands.

Builders are pure functions returning argument lists (test them by comparing lists); filter graphs are
built with ffmpeg-python's graph API (`ffmpeg_python.input(...).filter(...)`) and compiled to argument
lists with `get_args()`. `run` is the one runner: every ffmpeg process starts there (never through a
shell), dies with its parent, and a failure becomes an `FFmpegError` carrying the useful lines of
ffmpeg's stderr. `probe` reads a file's streams and duration with `ffmpeg -i` (the imageio-ffmpeg wheel
ships no ffprobe).

The binary: `$FILMSOFONE_FFMPEG` when set, else the one inside the imageio-ffmpeg wheel, else `ffmpeg` on
PATH.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import ffmpeg as ffmpeg_python
import imageio_ffmpeg

from .errors import FFmpegError, FFmpegMissing

FFMPEG_ENV = "FILMSOFONE_FFMPEG"
_PR_SET_PDEATHSIG = 1  # prctl(2) option: the signal a process gets when its parent dies (Linux)


@lru_cache(maxsize=1)
def ffmpeg_binary() -> str:
    """Path of the ffmpeg executable to use."""
    override = os.environ.get(FFMPEG_ENV)
    if override:
        return override
    try:
        return imageio_ffmpeg.get_ffmpeg_exe()
    except Exception:  # the wheel has no binary for this platform
        found = shutil.which("ffmpeg")
        if found:
            return found
    raise _no_ffmpeg("in the imageio-ffmpeg wheel or on PATH")


def _no_ffmpeg(where: str) -> FFmpegMissing:
    """The one error for a missing or unusable ffmpeg binary."""
    return FFmpegMissing(f"no working ffmpeg {where}", f"install imageio-ffmpeg, or set {FFMPEG_ENV}=/path/to/ffmpeg")


_WORKING: set[str] = set()  # binaries that ran once in this process


def require() -> None:
    """Raise FFmpegMissing at once when no ffmpeg can be run (asked once per binary): for work that needs it all
    along, so that it stops before it starts instead of failing item by item."""
    binary = ffmpeg_binary()
    if binary in _WORKING:
        return
    try:
        run(["-hide_banner", "-version"], timeout=60)
    except FFmpegMissing:
        raise
    except FFmpegError:  # it runs but is not a working ffmpeg (another program, a broken build)
        raise _no_ffmpeg(f"at {binary}") from None
    _WORKING.add(binary)


def base_args() -> list[str]:
    """The start of every command: quiet, no prompts, overwrite outputs."""
    return ["-hide_banner", "-nostdin", "-loglevel", "error", "-y"]


def compiled(output) -> list[str]:
    """The argument list of an ffmpeg-python output node, after `base_args()`."""
    return [*base_args(), *output.get_args()]


def run(args: list[str], *, timeout: float | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """Run ffmpeg with `args` (without the binary) and wait; raise FFmpegError with its stderr when it fails
    (`check=False` returns the failed process: probes read what ffmpeg printed either way)."""
    with _start(args) as process:
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise FFmpegError(f"ffmpeg took longer than {timeout:.0f} s",
                              "try a shorter clip or a faster machine") from None
        except BaseException:  # interrupted: never leave ffmpeg running
            process.kill()
            process.wait()
            raise
    done = subprocess.CompletedProcess([ffmpeg_binary(), *args], process.returncode, out, err)
    if check and done.returncode != 0:
        raise FFmpegError(f"ffmpeg failed: {_useful_stderr(err)}")
    return done


def _start(args: list[str]) -> subprocess.Popen:
    """Start ffmpeg (stdout and stderr piped, text) so that it dies with this process."""
    binary = ffmpeg_binary()
    program = shutil.which(binary)
    if program is None:
        raise _no_ffmpeg(f"at {binary}")
    try:
        return subprocess.Popen(_dying_with_parent([program, *args]), stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError:  # not executable, not a program
        raise _no_ffmpeg(f"at {binary}") from None


# Run by a fresh interpreter that then becomes ffmpeg (Linux): the kernel is to SIGKILL it when the process that
# started it dies (prctl PR_SET_PDEATHSIG). Never as subprocess's pre-exec hook: Python code run in a fork of a
# process with other threads (progress readers, worker pools) can wait forever on a lock one of them held.
_DIE_WITH_PARENT = (
    "import ctypes, os, signal, sys\n"
    f"ctypes.CDLL(None, use_errno=True).prctl({_PR_SET_PDEATHSIG}, signal.SIGKILL)\n"
    "if os.getppid() != int(sys.argv[1]):\n"  # the parent died before the signal was set
    "    os._exit(1)\n"
    "os.execv(sys.argv[2], sys.argv[2:])\n"
)


def _dying_with_parent(command: list[str]) -> list[str]:
    """`command` started through the launcher that ties its life to this process's (Linux), else as it is."""
    if not sys.platform.startswith("linux") or not sys.executable:
        return command
    return [sys.executable, "-I", "-S", "-c", _DIE_WITH_PARENT, str(os.getpid()), *command]


def _useful_stderr(stderr: str, lines: int = 3) -> str:
    kept = [line.strip() for line in stderr.splitlines() if line.strip()]
    return " | ".join(kept[-lines:]) or "no error output"


# --- probing ---------------------------------------------------------------------------------------


@dataclass
class MediaInfo:
    """What `ffmpeg -i` says about a file."""

    duration: float
    video: list[str] = field(default_factory=list)  # one line per video stream
    audio: list[str] = field(default_factory=list)
    subtitles: list[str] = field(default_factory=list)
    chapters: int = 0
    width: int | None = None
    height: int | None = None
    fps: float | None = None


_DURATION_RE = re.compile(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)")
_STREAM_RE = re.compile(r"Stream #\d+:\d+(?:\[[^\]]*\])?(?:\([^)]*\))?: (Video|Audio|Subtitle): (.*)")
_SIZE_RE = re.compile(r"(\d{2,5})x(\d{2,5})")
_FPS_RE = re.compile(r"([\d.]+) fps")


def probe_args(path: Path) -> list[str]:
    return ["-hide_banner", "-nostdin", "-i", str(path)]


def probe(path: Path) -> MediaInfo:
    """Streams, duration and chapters of a media file."""
    if not Path(path).is_file():
        raise FFmpegError(f"no such media file: {path}")
    done = run(probe_args(path), check=False)
    return parse_probe(done.stderr, path)


def parse_probe(stderr: str, path: Path | str = "input") -> MediaInfo:
    """Parse the banner `ffmpeg -i FILE` prints (pure, for tests)."""
    match = _DURATION_RE.search(stderr)
    if not match:
        raise FFmpegError(f"{path} is not a readable media file: {_useful_stderr(stderr)}")
    hours, minutes, seconds = match.groups()
    info = MediaInfo(duration=int(hours) * 3600 + int(minutes) * 60 + float(seconds))
    for kind, description in _STREAM_RE.findall(stderr):
        getattr(info, {"Video": "video", "Audio": "audio", "Subtitle": "subtitles"}[kind]).append(description)
    info.chapters = len(re.findall(r"^\s*Chapter #\d+[:.]\d+", stderr, re.M))
    if info.video:
        size = _SIZE_RE.search(info.video[0])
        if size:
            info.width, info.height = int(size.group(1)), int(size.group(2))
        fps = _FPS_RE.search(info.video[0])
        if fps:
            info.fps = float(fps.group(1))
    return info


def decode_check_args(path: Path) -> list[str]:
    """Decode every frame and discard it: errors (if any) appear on stderr."""
    return ["-hide_banner", "-nostdin", "-v", "error", "-i", str(path), "-f", "null", "-"]


def decode_errors(path: Path) -> str:
    """ffmpeg's error output when fully decoding `path` ('' when it decodes cleanly)."""
    done = run(decode_check_args(path), check=False)
    return done.stderr.strip() if done.returncode == 0 else (done.stderr.strip() or "decode failed")


# --- assembly: cards, normalisation, the cut (filmsofone.assemble) ---------------------------------
# The house clip format every part of a cut shares, so parts join by stream copy: H.264 yuv420p at the
# film's size and frame rate, AAC 48 kHz stereo, MP4 with +faststart.

AUDIO_RATE = 48000
AUDIO_CHANNELS = 2


def house_video_options(fps: int, preset: str = "veryfast") -> dict[str, str]:
    """Video encoder options of the house clip format (option name without the dash -> value)."""
    return {"c:v": "libx264", "preset": preset, "crf": "20", "pix_fmt": "yuv420p", "r": str(fps),
            "video_track_timescale": str(fps * 512)}


def house_audio_options() -> dict[str, str]:
    """Audio encoder options of the house clip format."""
    return {"c:a": "aac", "b:a": "128k", "ar": str(AUDIO_RATE), "ac": str(AUDIO_CHANNELS)}


def house_video_args(fps: int, preset: str = "veryfast") -> list[str]:
    return _as_args(house_video_options(fps, preset))


def house_audio_args() -> list[str]:
    return _as_args(house_audio_options())


def _as_args(options: dict[str, str]) -> list[str]:
    return [part for name, value in options.items() for part in (f"-{name}", value)]


def _seconds(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".") or "0"


def card_clip_args(image: Path, output: Path, *, frames: int, fps: int, preset: str = "veryfast") -> list[str]:
    """A still image held for `frames` frames, with silence, in the house format (image already sized).

    The image is decoded once and repeated by the `loop` filter (much faster than `-loop 1`).
    """
    duration = _seconds(frames / fps)
    return [*base_args(), "-i", str(image), "-f", "lavfi", "-t", duration, "-i", f"anullsrc=r={AUDIO_RATE}:cl=stereo",
            "-map", "0:v:0", "-map", "1:a:0",
            "-vf", f"loop=loop={frames - 1}:size=1:start=0,setpts=N/{fps}/TB,setsar=1,format=yuv420p",
            "-frames:v", str(frames), *house_video_args(fps, preset), "-tune", "stillimage",
            *house_audio_args(), "-t", duration, "-movflags", "+faststart", str(output)]


def fit_video(stream, width: int, height: int, fps: int, fit: str = "letterbox"):
    """`stream` brought to `width`x`height` at `fps`, yuv420p (letterbox pads with black, crop fills)."""
    if fit == "crop":
        stream = stream.filter("scale", width, height, force_original_aspect_ratio="increase")
        stream = stream.filter("crop", width, height)
    else:
        stream = stream.filter("scale", width, height, force_original_aspect_ratio="decrease")
        stream = stream.filter("pad", width, height, "(ow-iw)/2", "(oh-ih)/2", color="black")
    return stream.filter("setsar", 1).filter("fps", fps).filter("format", "yuv420p")


def fit_audio(stream, duration: str | None = None):
    """`stream` as 48 kHz stereo float; padded with silence or cut to `duration` seconds when given."""
    stream = stream.filter("aresample", AUDIO_RATE).filter("aformat", sample_fmts="fltp", channel_layouts="stereo")
    if duration is not None:
        stream = stream.filter("apad", whole_dur=duration).filter("atrim", 0, duration)
    return stream


def silence(duration: str | None = None):
    """An input of stereo silence at the house rate (endless unless `duration` seconds are given)."""
    options = {"f": "lavfi"} if duration is None else {"f": "lavfi", "t": duration}
    return ffmpeg_python.input(f"anullsrc=r={AUDIO_RATE}:cl=stereo", **options)["a"]


def normalise_args(source: Path, output: Path, *, width: int, height: int, fps: int, frames: int | None = None,
                   fit: str = "letterbox", has_audio: bool = True) -> list[str]:
    """Re-encode one clip into the house format (the cut's parts, user clips attached as takes).

    With `frames`, exactly that many frames, the audio padded or cut to match; without, the clip's own
    length. A clip without sound gets silence.
    """
    duration = None if frames is None else _seconds(frames / fps)
    clip = ffmpeg_python.input(str(source))
    video = fit_video(clip["v:0"], width, height, fps, fit)
    audio = fit_audio(clip["a:0"], duration) if has_audio else silence(duration)
    options = {**house_video_options(fps), **house_audio_options(), "movflags": "+faststart"}
    if frames is not None:
        options |= {"frames:v": str(frames), "t": duration}
    elif not has_audio:
        options["shortest"] = None  # the silence is endless: stop with the picture
    return compiled(ffmpeg_python.output(video, audio, str(output), **options))


def concat_list(entries: list[tuple[Path, float]]) -> str:
    """The concat demuxer's list: each file cut at its out-point (seconds), so parts abut exactly."""
    lines = ["ffconcat version 1.0"]
    for path, outpoint in entries:
        quoted = str(path).replace("'", "'\\''")
        lines += [f"file '{quoted}'", f"outpoint {_seconds(outpoint)}"]
    return "\n".join(lines) + "\n"


def concat_args(list_file: Path, output: Path, *, subtitles: Path | None = None, metadata: Path | None = None,
                music: Path | None = None, music_volume: float = 0.25, language: str = "eng",
                audio: Path | None = None, fps: int | None = None) -> list[str]:
    """Join the parts in `list_file` by stream copy into one MP4 with soft subtitles, chapters and music.

    Video is never re-encoded. Audio is decoded and encoded once (cheap): copied AAC would keep each
    part's encoder-delay samples and drift ~21 ms per join; with a music bed the mix is also
    loudness-normalised. `audio`: the film's finished sound (a WAV as long as the film, e.g. the sound
    stage's master), encoded once instead of the parts' own audio. `fps`: the film's frame rate, for
    chapter-safe time bases (`chapter_safe_time_bases`).
    """
    args = [*base_args(), "-f", "concat", "-safe", "0", "-i", str(list_file)]
    sub_index, meta_index, inputs = _subtitle_and_metadata_inputs(args, 1, subtitles, metadata)
    music_index = None
    if music is not None:
        args += ["-stream_loop", "-1", "-i", str(music)]
        music_index, inputs = inputs, inputs + 1
    if audio is not None:
        args += ["-i", str(audio)]
    args += ["-map", "0:v:0"]
    if audio is not None:
        args += ["-map", f"{inputs}:a:0", *house_audio_args()]
    elif music_index is None:
        args += ["-map", "0:a:0", *house_audio_args()]
    else:
        args += ["-filter_complex", music_bed_filter(music_index, music_volume), "-map", "[mix]",
                 *house_audio_args()]
    args += ["-c:v", "copy"]
    args += _subtitle_and_chapter_args(sub_index, meta_index, language, fps)
    return [*args, "-movflags", "+faststart", str(output)]


def music_bed_filter(music_index: int, volume: float = 0.25, film_audio: str = "0:a:0") -> str:
    """Mix a looping music bed under the film's sound and normalise the loudness of the mix (EBU R128)."""
    return (f"[{music_index}:a]aresample={AUDIO_RATE},aformat=channel_layouts=stereo,volume={volume}[bed];"
            f"[{film_audio}][bed]amix=inputs=2:duration=first:normalize=0,loudnorm=I=-16:TP=-1.5:LRA=11,"
            f"aresample={AUDIO_RATE}[mix]")


def _subtitle_and_metadata_inputs(args: list[str], inputs: int, subtitles: Path | None,
                                  metadata: Path | None) -> tuple[int | None, int | None, int]:
    """Append the subtitle and ffmetadata inputs to `args`; return their input indexes and the new count."""
    sub_index = meta_index = None
    if subtitles is not None:
        args += ["-i", str(subtitles)]
        sub_index, inputs = inputs, inputs + 1
    if metadata is not None:
        args += ["-f", "ffmetadata", "-i", str(metadata)]
        meta_index, inputs = inputs, inputs + 1
    return sub_index, meta_index, inputs


def _subtitle_and_chapter_args(sub_index: int | None, meta_index: int | None, language: str,
                               fps: int | None = None) -> list[str]:
    args: list[str] = []
    if sub_index is not None:
        args += ["-map", f"{sub_index}:s:0", "-c:s", "mov_text", "-metadata:s:s:0", f"language={language}"]
    if meta_index is not None:
        args += ["-map_metadata", str(meta_index), "-map_chapters", str(meta_index)]
    return args + chapter_safe_time_bases(fps, subtitles=sub_index is not None, chapters=meta_index is not None)


def chapter_safe_time_bases(fps: int | None, *, subtitles: bool, chapters: bool) -> list[str]:
    """Stream time bases that keep an MP4's chapters right.

    The mp4 muxer times its QuickTime chapter track in the least common multiple of the streams' time bases.
    A subtitle encoder's 1/1000000 with the video's 1/12288 (24 fps) and the sound's 1/48000 makes that
    1/192000000, in which a chapter longer than 11.2 s overflows its sample's 32-bit duration: ffmpeg drops
    those samples ("Application provided duration ... is invalid") and readers get garbled chapters (the
    first one 0 s long, titles shifted). Subtitles in milliseconds (SRT's own precision) and, when chapters
    are written, the picture in 1/48000 (exact for every frame rate that divides 48000) bring it to 1/48000:
    chapters of up to 12 hours.
    """
    args = ["-time_base:s", "1/1000"] if subtitles else []
    if chapters and fps and AUDIO_RATE % int(fps) == 0 and int(fps) == fps:
        args += ["-time_base:v", f"1/{AUDIO_RATE}"]
    return args


def xfade_args(parts: list[Path], durations: list[float], output: Path, *, fps: int, seconds: float = 0.5,
               transition: str = "fade", subtitles: Path | None = None, metadata: Path | None = None,
               music: Path | None = None, music_volume: float = 0.25, language: str = "eng") -> list[str]:
    """Join scene files with a cross-fade of `seconds` between each pair (video xfade, audio acrossfade).

    This re-encodes: transitions are blended pictures. The result is `seconds` shorter per join.
    """
    args = [*base_args()]
    for part in parts:
        args += ["-i", str(part)]
    graph = [f"[{i}:v]trim=duration={_seconds(d)},setpts=PTS-STARTPTS[sv{i}];"
             f"[{i}:a]atrim=duration={_seconds(d)},asetpts=PTS-STARTPTS[sa{i}]" for i, d in enumerate(durations)]
    video_label, audio_label, offset = "sv0", "sa0", 0.0
    for index in range(1, len(parts)):
        offset += durations[index - 1] - seconds
        out_v, out_a = f"v{index}", f"a{index}"
        graph.append(f"[{video_label}][sv{index}]xfade=transition={transition}:duration={_seconds(seconds)}:"
                     f"offset={_seconds(offset)}[{out_v}]")
        graph.append(f"[{audio_label}][sa{index}]acrossfade=d={_seconds(seconds)}[{out_a}]")
        video_label, audio_label = out_v, out_a
    sub_index, meta_index, inputs = _subtitle_and_metadata_inputs(args, len(parts), subtitles, metadata)
    if music is not None:
        args += ["-stream_loop", "-1", "-i", str(music)]
        graph.append(music_bed_filter(inputs, music_volume, film_audio=audio_label))
        audio_label = "mix"
    maps = ["-map", f"[{video_label}]", "-map", f"[{audio_label}]"]
    args += ["-filter_complex", ";".join(graph)]
    return [*args, *maps, *house_video_args(fps), *house_audio_args(),
            *_subtitle_and_chapter_args(sub_index, meta_index, language, fps), "-movflags", "+faststart", str(output)]


def thumbnail_args(source: Path, output: Path, *, at: float, width: int = 320) -> list[str]:
    """One JPEG frame of `source` at `at` seconds, `width` pixels wide."""
    return [*base_args(), "-ss", _seconds(at), "-i", str(source), "-frames:v", "1",
            "-vf", f"scale={width}:-2", "-q:v", "4", str(output)]


def with_progress(args: list[str]) -> list[str]:
    """`args` asking ffmpeg to print machine-readable progress (out_time_us=...) on stdout."""
    return [*args[:-1], "-progress", "pipe:1", "-nostats", args[-1]]


def run_with_progress(args: list[str], seconds: float, report) -> None:
    """Run ffmpeg like `run`, calling `report(done_seconds, total_seconds)` as it writes the output."""
    errors: list[str] = []
    total = max(1, round(seconds))
    with _start(with_progress(args)) as process:
        reader = threading.Thread(target=lambda: errors.extend(process.stderr), daemon=True)
        reader.start()
        try:
            for line in process.stdout:
                if line.startswith("out_time_us=") and line.strip()[12:].isdigit():
                    report(min(total, int(line.strip()[12:]) // 1_000_000), total)
            process.wait()
        except BaseException:  # interrupted: never leave ffmpeg running
            process.kill()
            process.wait()
            raise
        finally:
            reader.join()
    if process.returncode != 0:
        raise FFmpegError(f"ffmpeg failed: {_useful_stderr(''.join(errors))}")
    report(total, total)


def video_frames_args(path: Path) -> list[str]:
    """Count the frames of the first video stream without decoding (stream copy to nowhere)."""
    return ["-hide_banner", "-nostdin", "-v", "error", "-i", str(path), "-map", "0:v:0", "-c", "copy",
            "-f", "null", "-progress", "pipe:1", "-nostats", "-"]


def video_frames(path: Path) -> int:
    """Frames in the first video stream of `path` (0 when it has none or cannot be read)."""
    done = run(video_frames_args(path), check=False)
    counts = re.findall(r"^frame=(\d+)", done.stdout, re.M)
    return int(counts[-1]) if done.returncode == 0 and counts else 0


def probe_many_args(paths: list[Path]) -> list[str]:
    """Probe several files and count their video frames in one run (verbose banner + per-stream stats)."""
    args = ["-hide_banner", "-nostdin", "-v", "verbose"]
    for path in paths:
        args += ["-i", str(path)]
    for index in range(len(paths)):
        args += ["-map", f"{index}:v:0?"]
    return [*args, "-c", "copy", "-f", "null", "-"]


def parse_probe_many(stderr: str, count: int) -> list[tuple[MediaInfo, int]]:
    """Split the output of `probe_many_args` into (MediaInfo, video frames) per input (pure)."""
    starts = [m.start() for m in re.finditer(r"^Input #\d+", stderr, re.M)]
    tail = re.search(r"^(Stream mapping:|Output #)", stderr, re.M)
    ends = starts[1:] + [tail.start() if tail else len(stderr)]
    infos = [parse_probe(stderr[a:b]) for a, b in zip(starts, ends)]
    if len(infos) != count:
        raise FFmpegError(f"expected {count} inputs in ffmpeg's output, found {len(infos)}")
    source_of = {int(out): int(src) for src, out in re.findall(r"Stream #(\d+):\d+ -> #0:(\d+)", stderr)}
    frames = [0] * count
    for out, packets in re.findall(r"Output stream #0:(\d+) \(video\): (\d+) packets muxed", stderr):
        if int(out) in source_of:
            frames[source_of[int(out)]] = int(packets)
    return list(zip(infos, frames))


def probe_many(paths: list[Path]) -> list[tuple[MediaInfo, int] | FFmpegError]:
    """(MediaInfo, frames) per file, one ffmpeg run for all; a file that breaks the run is probed alone."""
    if not paths:
        return []
    done = run(probe_many_args(paths), check=False)
    if done.returncode == 0:
        try:
            return list(parse_probe_many(done.stderr, len(paths)))
        except FFmpegError:
            pass
    results: list[tuple[MediaInfo, int] | FFmpegError] = []
    for path in paths:
        try:
            results.append(probe_with_frames(path))
        except FFmpegError as exc:
            results.append(exc)
    return results


def probe_frames_args(path: Path) -> list[str]:
    """`probe` and `video_frames` in one run: the banner on stderr, the frame count on stdout."""
    return ["-hide_banner", "-nostdin", "-i", str(path), "-map", "0:v:0?", "-c", "copy", "-f", "null",
            "-progress", "pipe:1", "-nostats", "-"]


def probe_with_frames(path: Path) -> tuple[MediaInfo, int]:
    """What `probe` says about `path`, and the frame count of its first video stream (one ffmpeg run)."""
    if not Path(path).is_file():
        raise FFmpegError(f"no such media file: {path}")
    done = run(probe_frames_args(path), check=False)
    info = parse_probe(done.stderr, path)
    counts = re.findall(r"^frame=(\d+)", done.stdout, re.M)
    return info, int(counts[-1]) if done.returncode == 0 and counts and info.video else 0


# --- clips for generation (animatic frames, user clips) ------------------------------------------


def camera_move(stream, motion: str, duration: float, width: int, height: int, amount: float):
    """A `width`x`height` window moving over a larger still frame (crop, or scale then crop to zoom)."""
    t = f"min(t/{max(duration, 0.01):.4f},1)"
    window = {
        "pan_right": (f"(iw-ow)*{t}", "(ih-oh)/2"),
        "pan_left": (f"(iw-ow)*(1-{t})", "(ih-oh)/2"),
        "tilt_up": ("(iw-ow)/2", f"(ih-oh)*(1-{t})"),
        "tilt_down": ("(iw-ow)/2", f"(ih-oh)*{t}"),
        "drift": (f"(iw-ow)*(0.4+0.2*{t})", "(ih-oh)/2"),  # a static shot: the slightest sideways breath
    }.get(motion)
    if window is not None:
        return stream.filter("crop", width, height, x=window[0], y=window[1])
    zoom = f"(1+{amount:.4f}*(1-{t}))" if motion == "pull_out" else f"(1+{amount:.4f}*{t})"  # else push_in
    stream = stream.filter("scale", w=f"2*trunc({width // 2}*{zoom})", h=f"2*trunc({height // 2}*{zoom})",
                           eval="frame", flags="fast_bilinear")
    return stream.filter("crop", width, height, x="(iw-ow)/2", y="(ih-oh)/2")


def still_motion_clip_args(frame: Path, dest: Path, *, duration: float, fps: int = 24, width: int = 640,
                           height: int = 360, motion: str = "push_in", amount: float = 0.1) -> list[str]:
    """An MP4 of exactly `duration` s from one still `frame` (larger than the output) with camera motion.

    `motion`: push_in, pull_out, pan_left, pan_right, tilt_up, tilt_down or drift. The still is converted
    to yuv420p once, before it is looped, so each frame costs only a crop (or a scale for push/pull).

    H.264 ultrafast yuv420p at `width`x`height` and `fps`, silent AAC 48 kHz stereo, +faststart.
    """
    frames = max(1, round(duration * fps))
    still = ffmpeg_python.input(str(frame))["v"].filter("format", "yuv420p")
    looped = still.filter("loop", loop=frames, size=1, start=0).filter("setpts", f"N/{fps}/TB")
    video = camera_move(looped, motion, frames / fps, width, height, amount)
    video = video.filter("setsar", 1).filter("format", "yuv420p")
    options = {"frames:v": str(frames), "t": f"{frames / fps:.4f}", "r": str(fps), "c:v": "libx264",
               "preset": "ultrafast", "tune": "stillimage", "pix_fmt": "yuv420p", "c:a": "aac", "b:a": "48k",
               "ar": str(AUDIO_RATE), "ac": str(AUDIO_CHANNELS), "movflags": "+faststart", "format": "mp4"}
    return compiled(ffmpeg_python.output(video, silence(), str(dest), **options))


def frames_clip_args(pattern: Path, dest: Path, *, fps: int, frames: int, width: int, height: int) -> list[str]:
    """An MP4 in the clip format from numbered PNG frames (`pattern` like dir/%05d.png, a model's output),
    at `width`x`height`, with a silent track."""
    video = (ffmpeg_python.input(str(pattern), framerate=fps)["v"]
             .filter("scale", width, height, flags="bicubic").filter("setsar", 1).filter("format", "yuv420p"))
    options = {"frames:v": str(frames), "t": f"{frames / fps:.4f}", "r": str(fps), "c:v": "libx264",
               "preset": "veryfast", "pix_fmt": "yuv420p", "c:a": "aac", "b:a": "48k", "ar": str(AUDIO_RATE),
               "ac": str(AUDIO_CHANNELS), "movflags": "+faststart", "format": "mp4"}
    return compiled(ffmpeg_python.output(video, silence(), str(dest), **options))


def verify_args(path: Path) -> list[str]:
    """Decode every frame, printing the banner (streams, duration) and errors tagged with their level."""
    return ["-hide_banner", "-nostdin", "-loglevel", "level+info", "-nostats", "-i", str(path), "-f", "null", "-"]


def verify_media(path: Path) -> tuple[MediaInfo, str]:
    """One pass: what the file holds and the errors (if any) from decoding all of it ('' when clean)."""
    if not Path(path).is_file():
        raise FFmpegError(f"no such media file: {path}")
    done = run(verify_args(path), check=False)
    info = parse_probe(done.stderr, path)
    errors = [line for line in done.stderr.splitlines() if line.startswith(("[error]", "[fatal]", "[panic]"))
              or "] [error]" in line or "] [fatal]" in line]
    if done.returncode != 0 and not errors:
        errors = [_useful_stderr(done.stderr)]
    return info, "\n".join(errors)


# --- sound: decoding, the mix, loudness, speech detection (filmsofone.sound, filmsofone.assemble) ------
# Audio graphs are built with ffmpeg-python's graph API and compiled to argument lists (tests compare them).
# The mix: music and ambience ducked under the dialogue (sidechaincompress keyed by the dialogue), added to
# the dialogue and the clips' own sound; the master: a gain to -16 LUFS integrated, then a limiter whose
# ceiling leaves room for inter-sample peaks and the AAC encoder (true peak at most -1 dBTP). The finished
# sound is a WAV the join encodes once (`concat_args(audio=...)`), or `remux_args` puts under a picture.

LOUDNESS_TARGET = -16.0  # LUFS, integrated
TRUE_PEAK_LIMIT = -1.0  # dBTP
_LIMITER_CEILING = -3.0  # dBFS (sample peak): margin for inter-sample peaks and the AAC encoder (~1 dB)
_EBUR128_I_RE = re.compile(r"Integrated loudness:\s*\n\s*I:\s*(-?[\d.]+|-inf) LUFS")
_EBUR128_TP_RE = re.compile(r"True peak:\s*\n\s*Peak:\s*(-?[\d.]+|-inf) dBFS")
_SILENCE_RE = re.compile(r"silence_(start|end): (-?[\d.]+)")


def decode_audio_args(source: Path, output: Path, *, rate: int = AUDIO_RATE) -> list[str]:
    """Any audio (or a video's sound) as 16-bit stereo WAV at `rate`."""
    stream = ffmpeg_python.input(str(source)).audio.filter("aresample", rate).filter(
        "aformat", sample_fmts="s16", channel_layouts="stereo")
    return compiled(ffmpeg_python.output(stream, str(output), acodec="pcm_s16le", vn=None))


def mix_args(film: Path, stems: dict[str, Path], output: Path, *, duck_threshold: float = 0.02,
             duck_ratio: float = 8.0, concat: bool = False, muted: list[tuple[float, float]] = ()) -> list[str]:
    """The film's own sound (input 0: a film, or with `concat` the cut's ffconcat list of parts; silenced
    over the `muted` (start, end) seconds) plus the stems, music and ambience ducked under dialogue, as
    float WAV.

    `stems` holds any of 'dialogue', 'music', 'ambience' (16-bit stereo WAVs as long as the film); without
    dialogue nothing is ducked.
    """
    source = ffmpeg_python.input(str(film), f="concat", safe=0) if concat else ffmpeg_python.input(str(film))
    native = source.audio.filter("aresample", AUDIO_RATE).filter(
        "aformat", sample_fmts="fltp", channel_layouts="stereo")
    if muted:
        windows = "+".join(f"between(t,{start:.6f},{end:.6f})" for start, end in muted)
        native = native.filter("volume", volume=0, enable=windows)
    beds = [ffmpeg_python.input(str(stems[name])).audio for name in ("music", "ambience") if name in stems]
    if "dialogue" not in stems:
        layers = [native, *beds]
    else:
        dialogue = ffmpeg_python.input(str(stems["dialogue"])).audio.filter(  # evens the voices: less for the limiter
            "acompressor", threshold=0.125, ratio=3, attack=5, release=120, makeup=1)
        layers = [native, dialogue]
        if beds:
            split = dialogue.filter_multi_output("asplit", 2)
            key, voice = split[0], split[1]
            bed = beds[0] if len(beds) == 1 else ffmpeg_python.filter(beds, "amix", inputs=len(beds),
                                                                       duration="first", normalize=0)
            ducked = ffmpeg_python.filter([bed, key], "sidechaincompress", threshold=duck_threshold,
                                          ratio=duck_ratio, attack=15, release=400, makeup=1)
            layers = [native, voice, ducked]
    mixed = layers[0] if len(layers) == 1 else ffmpeg_python.filter(layers, "amix", inputs=len(layers),
                                                                     duration="first", normalize=0)
    return compiled(ffmpeg_python.output(mixed, str(output), acodec="pcm_f32le", ar=AUDIO_RATE, ac=2))


def loudness_args(path: Path, *, true_peak: bool = True) -> list[str]:
    """Measure integrated loudness (and the true peak) of a file's sound (EBU R128); the summary is on stderr."""
    stream = ffmpeg_python.input(str(path)).audio.filter("ebur128", peak="true" if true_peak else "none")
    return ["-hide_banner", "-nostdin", "-nostats", *ffmpeg_python.output(stream, "-", format="null").get_args()]


@dataclass
class Loudness:
    integrated: float  # LUFS
    true_peak: float  # dBTP


def parse_loudness(stderr: str) -> Loudness:
    """The summary `ebur128` prints at the end (pure)."""
    found_i, found_tp = _EBUR128_I_RE.findall(stderr), _EBUR128_TP_RE.findall(stderr)
    if not found_i:
        raise FFmpegError(f"no loudness summary in ffmpeg's output: {_useful_stderr(stderr)}")
    value = lambda text: float("-inf") if text == "-inf" else float(text)  # noqa: E731
    return Loudness(value(found_i[-1]), value(found_tp[-1]) if found_tp else float("nan"))


def measure_loudness(path: Path, *, true_peak: bool = True) -> Loudness:
    return parse_loudness(run(loudness_args(path, true_peak=true_peak)).stderr)


def master_gain(measured: Loudness, target: float = LOUDNESS_TARGET) -> float:
    """dB to bring `measured` to `target` (0 for silence)."""
    return 0.0 if measured.integrated == float("-inf") else target - measured.integrated


def limit_args(mix: Path, output: Path, *, gain_db: float) -> list[str]:
    """The mix brought to the target loudness (`gain_db`) under the limiter's ceiling, as 16-bit WAV."""
    ceiling = 10 ** (_LIMITER_CEILING / 20)
    sound = (ffmpeg_python.input(str(mix)).audio.filter("volume", f"{gain_db:.2f}dB")
             .filter("alimiter", limit=f"{ceiling:.4f}", level="disabled", attack=5, release=60, asc=1))
    return compiled(ffmpeg_python.output(sound, str(output), acodec="pcm_s16le", ar=AUDIO_RATE, ac=2))


def remux_args(film: Path, audio: Path, output: Path, *, metadata: Path | None = None,
               fps: int | None = None) -> list[str]:
    """`film`'s picture and subtitles (copied) with `audio` as its sound (encoded once); chapters and
    metadata from the ffmetadata file `metadata` (an MP4's own chapter track does not survive a remux), in
    chapter-safe time bases for a film of `fps`."""
    source = ffmpeg_python.input(str(film))
    sound = ffmpeg_python.input(str(audio)).audio
    args = ffmpeg_python.output(source["v:0"], sound, str(output), vcodec="copy", acodec="aac", ar=AUDIO_RATE,
                                ac=2, **{"b:a": "128k", "movflags": "+faststart"}).get_args()
    at = args.index("-map")
    inputs, rest = args[:at], args[at:]
    if metadata is not None:
        inputs += ["-f", "ffmetadata", "-i", str(metadata)]
    extra = ["-map", "0:s?", "-c:s", "copy"]
    extra += ["-map_metadata", "2", "-map_chapters", "2"] if metadata is not None else ["-map_chapters", "-1"]
    extra += chapter_safe_time_bases(fps, subtitles=False, chapters=metadata is not None)
    at = rest.index("-vcodec")
    return [*base_args(), *inputs, *rest[:at], *extra, *rest[at:]]


def silences_args(path: Path, *, noise_db: float = -45.0, seconds: float = 0.05) -> list[str]:
    """Find the silences of a file's sound (silencedetect; the report is on stderr)."""
    stream = ffmpeg_python.input(str(path)).audio.filter("silencedetect", noise=f"{noise_db}dB", d=seconds)
    return ["-hide_banner", "-nostdin", "-nostats", *ffmpeg_python.output(stream, "-", format="null").get_args()]


def parse_silences(stderr: str, duration: float) -> list[tuple[float, float]]:
    """(start, end) of each silence silencedetect reported (an open one ends at `duration`) (pure)."""
    found: list[tuple[float, float]] = []
    start: float | None = None
    for kind, value in _SILENCE_RE.findall(stderr):
        if kind == "start":
            start = max(0.0, float(value))
        elif start is not None:
            found.append((start, float(value)))
            start = None
    if start is not None:
        found.append((start, duration))
    return found


def silences(path: Path, duration: float, **options) -> list[tuple[float, float]]:
    return parse_silences(run(silences_args(path, **options)).stderr, duration)
