"""The offline speech engine: libespeak-ng from the espeakng-loader wheel, driven through ctypes."""

import wave

import numpy as np
import pytest

from filmsofone.backends.speech_base import SpeechRequest, VoiceParams, speech_class
from filmsofone.backends.speech_espeak import EspeakSpeech, check_voice_id
from filmsofone.errors import BackendError, UserError


def samples(path):
    with wave.open(str(path), "rb") as source:
        return np.frombuffer(source.readframes(source.getnframes()), dtype="<i2"), source.getframerate()


def test_speaks_a_line_as_a_wav_file(tmp_path):
    request = SpeechRequest(text="Keep the lamp lit, Tom. The boats are late.",
                            voice=VoiceParams(voice="en-gb-x-rp+f3", pitch=60, rate=160))
    result = speech_class("espeak")().synthesize(request, tmp_path / "line.wav")
    pcm, rate = samples(tmp_path / "line.wav")
    assert rate == result.sample_rate and 1.5 < result.seconds < 6.0
    assert np.abs(pcm).max() > 3000  # speech, not silence
    assert len(pcm) / rate == pytest.approx(result.seconds)


def test_pitch_rate_and_variant_change_the_voice(tmp_path):
    engine = EspeakSpeech()

    def say(**voice):
        return engine.synthesize(SpeechRequest(text="Nobody crosses the causeway after dark.",
                                               voice=VoiceParams(**voice)), tmp_path / "x.wav").seconds, \
            samples(tmp_path / "x.wav")[0]

    slow, _ = say(voice="en+m3", rate=120)
    fast, _ = say(voice="en+m3", rate=260)
    assert slow > 1.5 * fast
    _, low = say(voice="en+m3", pitch=20)
    _, high = say(voice="en+m3", pitch=80)
    _, other = say(voice="en+f2", pitch=20)
    assert not np.array_equal(low, high) and not np.array_equal(low, other)


def test_unknown_voices_are_the_users_mistake():
    for voice in ("en+nobody", "xx-nowhere+m3", ""):
        with pytest.raises(BackendError) as caught:
            check_voice_id(voice)
        assert isinstance(caught.value, UserError)
    check_voice_id("en-gb-scotland+Andrea")
    with pytest.raises(BackendError, match="unknown speech backend"):
        speech_class("nonesuch")
