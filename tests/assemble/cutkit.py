"""Tiny books, shots and clips for the assembly and screening-room tests (real files, real ffmpeg)."""

from __future__ import annotations

from pathlib import Path

from filmsofone import ffmpeg, store
from filmsofone.models import BookAnalysis, BookInfo, Chapter, Character, Quote, Scene, Setting, Shot
from filmsofone.workspace import Workspace

LINES = [
    "Mind the lantern, the wind is rising.",
    "I have kept this light for forty years and I will keep it tonight.",
    "Then keep it, but keep your coat on too.",
    "Nobody crosses the causeway after dark, not even for you.",
]


def make_clip(path: Path, seconds: float, *, size: str = "320x180", fps: int = 24, audio: bool = True,
              tone: bool = False, codec_args: list[str] | None = None, rate: int = 48000,
              channels: int = 2, frequency: int = 440) -> Path:
    """A testsrc clip; house format by default (H.264 yuv420p, AAC 48 kHz stereo, +faststart); with `tone`, a
    sine of `frequency` Hz as its sound."""
    path.parent.mkdir(parents=True, exist_ok=True)
    args = [*ffmpeg.base_args(), "-f", "lavfi", "-i", f"testsrc=size={size}:rate={fps}:duration={seconds}"]
    if audio:
        source = (f"sine=frequency={frequency}:sample_rate={rate}:duration={seconds}" if tone
                  else f"anullsrc=r={rate}:cl={'mono' if channels == 1 else 'stereo'}")
        args += ["-f", "lavfi", "-t", str(seconds), "-i", source]
    args += codec_args or ["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-r", str(fps)]
    if audio:
        args += ["-c:a", "aac", "-ar", str(rate), "-ac", str(channels)]
    args += ["-t", str(seconds), "-movflags", "+faststart", str(path)]
    ffmpeg.run(args)
    return path


class Book:
    """A small imported book: analysis, text and shot lists stored in a fresh workspace."""

    def __init__(self, ws: Workspace, slug: str = "tale", scenes: tuple[tuple[str, int], ...] = (
            ("1.1", 1), ("1.2", 1), ("2.1", 2)), shots_per_scene: int = 2, shot_seconds: float = 1.0):
        self.ws, self.slug = ws, slug
        self.project = ws.project(slug).ensure()
        pieces, quotes, cursor = [], [], 0
        for number, line in enumerate(LINES, 1):
            lead = f"Paragraph {number}. Ada looked out. \""
            start = cursor + len(lead)
            pieces.append(f"{lead}{line}\" said Ada.\n\n")
            quotes.append(Quote(id=f"q{number}", spans=[(start, start + len(line))], speaker="c1",
                                scene=scenes[(number - 1) % len(scenes)][0]))
            cursor += len(pieces[-1])
        self.text = "".join(pieces)
        self.project.text_path.write_text(self.text, encoding="utf-8")
        chapters = sorted({c for _, c in scenes})
        self.analysis = BookAnalysis(
            book=BookInfo(slug=slug, title="The Lantern Test", source_sha256="0" * 64, chars=len(self.text)),
            chapters=[Chapter(index=c, title=f"Chapter {c}", start=0, end=len(self.text)) for c in chapters],
            scenes=[Scene(id=sid, chapter=c, start=0, end=len(self.text), setting="s1", time_of_day="night",
                          characters=["c1"]) for sid, c in scenes],
            characters=[Character(id="c1", name="Ada Quill", aliases=["Ada"], gender="female", role="major")],
            settings=[Setting(id="s1", name="the lighthouse", interior=True)],
            quotes=quotes,
        )
        store.save_analysis(self.project.db_path, self.analysis, source_path="tale.txt")
        self.shots: list[Shot] = []
        for sid, _ in scenes:
            scene_shots = [Shot(id=f"{sid}-{o:03d}", scene=sid, order=o, duration=shot_seconds,
                                action=f"Shot {o} of scene {sid}") for o in range(1, shots_per_scene + 1)]
            spoken = [q.id for q in quotes if q.scene == sid]
            if spoken and len(scene_shots) > 1:
                scene_shots[1].dialogue = spoken
            store.save_shots(self.project.db_path, sid, scene_shots)
            self.shots += scene_shots
        self.takes: dict[str, dict] = {}

    def shoot(self, shot_ids: list[str] | None = None, **clip_options) -> dict[str, dict]:
        """Render a clip for each shot (all by default) and store it as the shot's newest take."""
        for shot in self.shots:
            if shot_ids is not None and shot.id not in shot_ids:
                continue
            path = self.project.clips_dir / f"{shot.id}.mp4"
            make_clip(path, shot.duration, **clip_options)
            self.add_take(shot.id, path, shot.duration)
        return self.takes

    def voice(self) -> None:
        """Speak the lines and re-time the speaking shots (as the demo does before generating)."""
        from filmsofone.sound import voice_book

        voice_book(self.ws, self.slug)
        self.shots = store.load_shots(self.project.db_path)

    def add_take(self, shot_id: str, path: Path, duration: float) -> None:
        """Record `path` as the newest take of `shot_id` in the store (as generation does)."""
        from filmsofone.store.tables import TakeRow

        relative = Path(path).resolve().relative_to(self.project.root.resolve()).as_posix()
        with store.session_for(self.project.db_path) as session:
            session.add(TakeRow(shot_id=shot_id, scene=shot_id.split("-")[0], backend="test",
                                cache_key=f"test-{shot_id}-{relative}", path=relative, duration=duration))
            session.commit()
        self.takes[shot_id] = {"path": path, "duration": duration}


class Exchange(Book):
    """Ada and Tom talking in scene 1.1, then Tom alone in scene 2.1, one line or none per shot: a silent
    opening, Ada, Tom's reply, a silent reaction shot, Ada twice, and Tom after the scene change."""

    LAYOUT = (("1.1", None), ("1.1", "c1"), ("1.1", "c2"), ("1.1", None), ("1.1", "c1"), ("1.1", "c1"),
              ("2.1", "c2"))
    SPOKEN = (*LINES, "The causeway floods at nine and the boat is gone.")

    def __init__(self, ws: Workspace, slug: str = "talk", shot_seconds: float = 1.2):
        self.ws, self.slug = ws, slug
        self.project = ws.project(slug).ensure()
        names = {"c1": "Ada", "c2": "Tom"}
        pieces, quotes, cursor, spoken = [], [], 0, iter(self.SPOKEN)
        for scene, who in self.LAYOUT:
            if who is None:
                continue
            line, lead = next(spoken), f"Paragraph {len(quotes) + 1}. {names[who]} looked out. \""
            pieces.append(f"{lead}{line}\" said {names[who]}.\n\n")
            quotes.append(Quote(id=f"q{len(quotes) + 1}", spans=[(cursor + len(lead), cursor + len(lead) + len(line))],
                                speaker=who, scene=scene))
            cursor += len(pieces[-1])
        self.text = "".join(pieces)
        self.project.text_path.write_text(self.text, encoding="utf-8")
        self.analysis = BookAnalysis(
            book=BookInfo(slug=slug, title="The Causeway Test", source_sha256="0" * 64, chars=len(self.text)),
            chapters=[Chapter(index=1, title="Chapter 1", start=0, end=len(self.text))],
            scenes=[Scene(id=sid, chapter=1, start=0, end=len(self.text), setting="s1", time_of_day="night",
                          characters=["c1", "c2"]) for sid in ("1.1", "2.1")],
            characters=[Character(id="c1", name="Ada Quill", aliases=["Ada"], gender="female", role="major"),
                        Character(id="c2", name="Tom Quill", aliases=["Tom"], gender="male", role="major")],
            settings=[Setting(id="s1", name="the lighthouse", interior=True)],
            quotes=quotes,
        )
        store.save_analysis(self.project.db_path, self.analysis, source_path="talk.txt")
        self.shots, spoken_quotes = [], iter(quotes)
        for scene in ("1.1", "2.1"):
            layout = [who for sid, who in self.LAYOUT if sid == scene]
            scene_shots = [Shot(id=f"{scene}-{o:03d}", scene=scene, order=o, duration=shot_seconds,
                                action=f"Shot {o} of scene {scene}",
                                dialogue=[next(spoken_quotes).id] if who else [])
                           for o, who in enumerate(layout, 1)]
            store.save_shots(self.project.db_path, scene, scene_shots)
            self.shots += scene_shots
        self.takes = {}


def subtitle_packets(film: Path) -> list[tuple[float, float, str]]:
    """(start, end, text) of every non-empty mov_text sample of `film`."""
    import av

    cues = []
    with av.open(str(film)) as container:
        streams = [s for s in container.streams if s.type == "subtitle"]
        if not streams:
            return []
        for packet in container.demux(streams[0]):
            if packet.pts is None:
                continue
            payload = bytes(packet)
            text = payload[2:2 + int.from_bytes(payload[:2], "big")].decode("utf-8")
            if text:
                start = float(packet.pts * packet.time_base)
                cues.append((start, start + float(packet.duration * packet.time_base), text))
    return cues


def chapters(film: Path) -> list[tuple[float, float, str]]:
    import av

    with av.open(str(film)) as container:
        return [(float(c["start"] * c["time_base"]), float(c["end"] * c["time_base"]), c["metadata"].get("title", ""))
                for c in container.chapters()]


def audio_rms(film: Path) -> float:
    """Root-mean-square level of the first audio stream (0.0 for digital silence)."""
    import av

    total, count = 0.0, 0
    with av.open(str(film)) as container:
        for frame in container.decode(audio=0):
            samples = frame.to_ndarray().astype("float64")
            total += float((samples ** 2).sum())
            count += samples.size
    return (total / max(count, 1)) ** 0.5


def frame_at(film: Path, seconds: float):
    """The decoded RGB frame (numpy array) nearest `seconds` into `film`."""
    import av

    with av.open(str(film)) as container:
        for frame in container.decode(video=0):
            if frame.time is not None and frame.time >= seconds:
                return frame.to_ndarray(format="rgb24")
    raise AssertionError(f"no frame at {seconds} s in {film}")


def decoded_audio_seconds(film: Path) -> float:
    """Seconds of sound a player decodes from the first audio stream (drift shows up here)."""
    import av

    with av.open(str(film)) as container:
        stream = container.streams.audio[0]
        return sum(frame.samples for frame in container.decode(stream)) / stream.rate
