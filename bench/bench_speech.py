"""Speech synthesis speed: seconds of speech made per CPU second, per engine (offline: espeak).

    .venv/bin/python bench/bench_speech.py [--lines 200]

Speaks the sample novella's lines (each in its cast voice, as the dialogue track does) without the cache,
and prints lines, seconds of speech, CPU seconds and their ratio.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from filmsofone.backends.speech_base import SpeechRequest, speech_class
from filmsofone.bible.voices import cast_voices
from filmsofone.books import import_book
from filmsofone.demo import SAMPLE_SLUG, sample_book_path
from filmsofone.project import load_text
from filmsofone.sound.lines import quote_words
from filmsofone.sound.speech import voice_params
from filmsofone.workspace import Workspace


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-speech-") as tmp:
        ws = Workspace(Path(tmp) / "ws").ensure()
        analysis = import_book(ws, sample_book_path(), slug=SAMPLE_SLUG)
        text = load_text(ws, SAMPLE_SLUG)
        voices = cast_voices(analysis)
        quotes = {q.id: q for q in analysis.quotes}
        said = [(quote_words(quotes, text, q.id), voices[q.speaker]) for q in analysis.quotes
                if q.speaker in voices][: args.lines]
        engine = speech_class("espeak")()
        engine.synthesize(SpeechRequest(text="warm up", voice=voice_params(said[0][1], ws)), Path(tmp) / "w.wav")
        cpu, wall, seconds = time.process_time(), time.perf_counter(), 0.0
        for number, (line, voice) in enumerate(said):
            result = engine.synthesize(SpeechRequest(text=line, voice=voice_params(voice, ws)),
                                       Path(tmp) / f"{number}.wav")
            seconds += result.seconds
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(f"espeak: {len(said)} lines, {seconds:.1f} s of speech in {cpu:.2f} CPU s ({wall:.2f} s wall): "
          f"{seconds / max(cpu, 1e-9):.0f} s of speech per CPU second")


if __name__ == "__main__":
    main()
