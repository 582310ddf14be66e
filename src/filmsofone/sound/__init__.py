"""Sound: a voice for every character, a score from each scene's intent, ambience per place, and stems.

Between `generate` and `assemble`: `voice_book` speaks the planned lines and re-times the speaking shots
(before generation); `render_stems` lays the dialogue, music and ambience of a cut on its timeline as
three WAV stems, which `assemble` mixes under the picture.
"""

from __future__ import annotations

from .voicing import VoicingReport, voice_book

__all__ = ["VoicingReport", "voice_book"]
