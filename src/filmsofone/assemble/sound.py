"""The cut's sound: stems laid on the reel's timeline (`filmsofone.sound`), mixed and mastered (EBU R128).

The dialogue, music and ambience stems are written beside the film; the mix ducks music and ambience
under the dialogue and adds the clips' own sound; the master brings the mix to -16 LUFS integrated with
true peaks at most -1 dBTP, replacing the joined film's sound (the picture is copied).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import ffmpeg
from ..bible import CastBible, load_bible
from ..models import ProgressCallback
from ..project import load_intents
from ..sound.native import native_audio_shots
from ..sound.stems import StemOptions, Stems, TimelineItem, render_stems
from ..workspace import Workspace
from .inputs import CutInputs
from .reel import Reel
from .timing import film_seconds, segment_times


@dataclass
class SoundOptions:
    """What the cut's sound holds besides the clips' own: spoken lines, the score, the ambience; and whether
    the lines are shown as subtitles.

    `dialogue=False`: no line is heard (no dialogue stem, no voiceover, and a clip that speaks its own lines
    is muted while it does); `subtitles=False`: no line is shown (no subtitle track, no .srt/.vtt). The CLI's
    `--no-dialogue` sets both; the silent cut of the tests keeps its subtitles.
    """

    dialogue: bool = True
    music: bool = True
    ambience: bool = True
    allow_paid: bool = False  # hosted voices or music may be paid for (refused with the price otherwise)
    subtitles: bool = True

    @property
    def any(self) -> bool:
        return self.dialogue or self.music or self.ambience


LOUDNESS_TOLERANCE = 0.4  # LU: a master further from the target is made again with the difference
SILENT = SoundOptions(dialogue=False, music=False, ambience=False)


def timeline(reel: Reel, fade: float) -> list[TimelineItem]:
    return [TimelineItem(scene=s.scene, shot_id=s.shot_id, start=a, end=b)
            for s, (a, b) in zip(reel.segments, segment_times(reel, fade))]


def native_shots(inputs: CutInputs) -> set[str]:
    """The shots of the cut whose clip has its own audible sound from a sound-making backend."""
    return native_audio_shots({shot_id: (take.backend, take.path, bool(take.signature.audio_codec))
                               for shot_id, take in inputs.takes.items()},
                              inputs.project.cache_dir / "cut" / "loudness.json")


def muted_windows(reel: Reel, fade: float, native: set[str], sound: SoundOptions) -> list[tuple[float, float]]:
    """Without dialogue, the film seconds where a clip would speak its own lines: the clip's sound is silenced
    there (its speech cannot be told apart from its effects), the stems' ambience and music go on under it."""
    if sound.dialogue:
        return []
    return [times for segment, times in zip(reel.segments, segment_times(reel, fade))
            if segment.shot_id in native and segment.dialogue]


def make_stems(ws: Workspace, inputs: CutInputs, reel: Reel, film: Path, fade: float, music: Path | None,
               sound: SoundOptions, native: set[str], report: ProgressCallback) -> Stems:
    """Write the stems of this cut beside `film` (`native`: the shots whose clips have their own sound)."""
    bible = inputs.bible if isinstance(inputs.bible, CastBible) else load_bible(ws, inputs.analysis.book.slug)
    if music is not None and not bible.music.film:
        bible = bible.model_copy(deep=True)
        bible.music.film = str(Path(music).resolve())
    options = StemOptions(dialogue=sound.dialogue, music=sound.music, ambience=sound.ambience, native_audio=native,
                          allow_paid=sound.allow_paid)
    return render_stems(ws, inputs.analysis.book.slug,
                        inputs.analysis, inputs.text, bible, inputs.shots, timeline(reel, fade), film_seconds(reel, fade),
                        film, intents=load_intents(inputs.project.db_path), options=options, progress=report)


def master(native: Path, stems: dict[str, Path], work: Path, sound: SoundOptions, report: ProgressCallback, *,
           concat: bool = False, muted: list[tuple[float, float]] = ()) -> tuple[Path, ffmpeg.Loudness]:
    """Mix the stems under the film's own sound (`native`: a film, or with `concat` the parts' list; silent
    over the `muted` windows) and master it to -16 LUFS under the limiter; return the finished WAV and its
    loudness as measured."""
    used = {name: path for name, path in stems.items() if getattr(sound, name)}
    mix, finished = work / "mix.wav", work / "master.wav"
    report("sound: mixing", 0, 3)
    ffmpeg.run(ffmpeg.mix_args(native, used, mix, concat=concat, muted=list(muted)))
    report("sound: mixing", 1, 3)
    gain = ffmpeg.master_gain(ffmpeg.measure_loudness(mix, true_peak=False))
    ffmpeg.run(ffmpeg.limit_args(mix, finished, gain_db=gain))
    report("sound: mixing", 2, 3)
    level = ffmpeg.measure_loudness(finished)
    miss = ffmpeg.master_gain(level)
    if abs(miss) > LOUDNESS_TOLERANCE:  # the limiter took more than expected: once more, a little louder
        ffmpeg.run(ffmpeg.limit_args(mix, finished, gain_db=gain + miss))
        level = ffmpeg.measure_loudness(finished)
    mix.unlink(missing_ok=True)
    report("sound: mixing", 3, 3)
    return finished, level
