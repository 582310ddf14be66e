"""Hosted speech and music through the one transport, against fakes of the documented contracts (real
sockets on 127.0.0.1), failures included."""

import wave

import pytest
from fakes.speech import ELEVEN_KEY, OPENAI_KEY, FakeElevenLabs, FakeOpenAISpeech

from filmsofone import backends, ffmpeg
from filmsofone.backends.speech_base import SpeechRequest, VoiceParams, make_speech
from filmsofone.backends.transport import Failed, GaveUp, Refused
from filmsofone.errors import BackendError, UserError


def seconds(path):
    with wave.open(str(path)) as sound:
        return sound.getnframes() / sound.getframerate()


def line(text="Keep the lamp lit, Tom.", voice="alloy", **voice_fields):
    return SpeechRequest(text=text, voice=VoiceParams(engine="openai-speech", voice=voice, **voice_fields))


@pytest.fixture
def openai_fake():
    with FakeOpenAISpeech() as fake:
        yield fake


@pytest.fixture
def eleven_fake():
    with FakeElevenLabs() as fake:
        yield fake


def test_the_registry_lists_speech_and_music_by_kind():
    assert {"espeak", "openai-speech", "elevenlabs"} <= set(backends.backend_names(kind="speech"))
    assert "elevenlabs-music" in backends.backend_names(kind="music")
    with pytest.raises(BackendError, match="unknown speech backend"):
        backends.backend_class("runway", kind="speech")


def test_openai_speech_sends_the_documented_request_and_writes_the_wav(openai_fake, tmp_path):
    engine = make_speech("openai-speech", {"base_url": openai_fake.url, "model": "gpt-4o-mini-tts"}, key=OPENAI_KEY)
    result = engine.synthesize(line(description="warm, low, unhurried"), tmp_path / "a.wav")
    (sent,) = openai_fake.creates
    assert sent.json() == {"model": "gpt-4o-mini-tts", "input": "Keep the lamp lit, Tom.", "voice": "alloy",
                           "response_format": "wav", "speed": 1.0, "instructions": "warm, low, unhurried"}
    assert sent.headers["authorization"] == f"Bearer {OPENAI_KEY}"
    assert seconds(tmp_path / "a.wav") == pytest.approx(result.seconds)
    assert result.seconds == pytest.approx(0.06 * len("Keep the lamp lit, Tom."), abs=0.01)


def test_a_local_kokoro_server_takes_no_key_and_its_model_comes_from_the_voice(openai_fake, tmp_path):
    openai_fake.require_key = False
    engine = make_speech("openai-speech", {"base_url": openai_fake.url, "needs_key": False})
    engine.synthesize(line(voice="af_bella", options={"model": "kokoro"}), tmp_path / "k.wav")
    (sent,) = openai_fake.creates
    assert sent.json()["model"] == "kokoro" and "authorization" not in sent.headers


def test_openai_speech_failures(openai_fake, tmp_path):
    engine = make_speech("openai-speech", {"base_url": openai_fake.url}, key=OPENAI_KEY)
    openai_fake.fault("create", "throttle")  # 429 + Retry-After: waited, then sent again
    engine.synthesize(line(), tmp_path / "t.wav")
    assert len(openai_fake.creates) == 2
    with pytest.raises(Failed, match="Invalid voice 'nobody'"):
        engine.synthesize(line(voice="nobody"), tmp_path / "v.wav")
    openai_fake.outcome = "moderated"
    with pytest.raises(Refused):
        engine.synthesize(line(), tmp_path / "m.wav")
    openai_fake.outcome = "success"
    openai_fake.fault("create", "server_error")  # a 500 after a paid create: never sent twice
    with pytest.raises(Exception) as caught:
        engine.synthesize(line(), tmp_path / "s.wav")
    assert "OutcomeUnknown" in type(caught.value).__name__ or isinstance(caught.value, GaveUp)
    bad_key = make_speech("openai-speech", {"base_url": openai_fake.url}, key="sk-wrong")
    with pytest.raises(Failed, match="API key") as caught:
        bad_key.synthesize(line(), tmp_path / "k.wav")
    assert "sk-wrong" not in str(caught.value)
    assert not (tmp_path / "v.wav").exists() and not (tmp_path / "m.wav").exists()


def test_elevenlabs_speaks_a_line_as_pcm_and_an_exchange_cut_at_its_voice_segments(eleven_fake, tmp_path):
    engine = make_speech("elevenlabs", {"base_url": eleven_fake.url}, key=ELEVEN_KEY)
    one = engine.synthesize(SpeechRequest(text="Mind the lantern.", voice=VoiceParams(
        engine="elevenlabs", voice="JBFqnCBsd6RMkjVDRZzb")), tmp_path / "one.wav")
    sent = eleven_fake.creates[-1]
    assert sent.path == "/v1/text-to-speech/JBFqnCBsd6RMkjVDRZzb" and sent.query == {"output_format": "pcm_24000"}
    assert sent.headers["xi-api-key"] == ELEVEN_KEY and "authorization" not in sent.headers
    assert one.seconds == pytest.approx(0.06 * len("Mind the lantern."), abs=0.01)
    texts = ["Mind the lantern, the wind is rising.", "I have kept this light for forty years.", "Then keep it."]
    voices = ["JBFqnCBsd6RMkjVDRZzb", "21m00Tcm4TlvDq8ikWAM", "JBFqnCBsd6RMkjVDRZzb"]
    requests = [SpeechRequest(text=t, voice=VoiceParams(engine="elevenlabs", voice=v)) for t, v in zip(texts, voices)]
    results = engine.synthesize_exchange(requests, [tmp_path / f"x{i}.wav" for i in range(3)])
    sent = eleven_fake.creates[-1]
    assert sent.path == "/v1/text-to-dialogue/with-timestamps"
    assert sent.json()["inputs"] == [{"text": t, "voice_id": v} for t, v in zip(texts, voices)]
    assert [round(r.seconds, 2) for r in results] == [round(0.06 * len(t), 2) for t in texts]


def test_elevenlabs_failures(eleven_fake, tmp_path):
    engine = make_speech("elevenlabs", {"base_url": eleven_fake.url}, key=ELEVEN_KEY)
    with pytest.raises(Failed, match="was not found"):
        engine.synthesize(SpeechRequest(text="Hello.", voice=VoiceParams(engine="elevenlabs", voice="nope")),
                          tmp_path / "n.wav")
    with pytest.raises(UserError, match="needs its voice id"):
        engine.synthesize(SpeechRequest(text="Hello.", voice=VoiceParams(engine="elevenlabs")), tmp_path / "e.wav")
    eleven_fake.fault("create", "throttle")
    engine.synthesize(SpeechRequest(text="Hello.", voice=VoiceParams(engine="elevenlabs",
                                                                     voice="JBFqnCBsd6RMkjVDRZzb")), tmp_path / "t.wav")
    eleven_fake.fault("create", "malformed")  # a 200 that is not the JSON of the dialogue contract
    requests = [SpeechRequest(text="Hi.", voice=VoiceParams(engine="elevenlabs", voice="JBFqnCBsd6RMkjVDRZzb"))]
    with pytest.raises(Exception, match="(?i)answer|json|malformed|not a json"):
        engine.synthesize_exchange(requests, [tmp_path / "d.wav"])
    with pytest.raises(Failed, match="API key"):
        make_speech("elevenlabs", {"base_url": eleven_fake.url}, key="xi-wrong").synthesize(requests[0], tmp_path / "k")


def test_elevenlabs_music_composes_a_scene_piece_decoded_to_wav(eleven_fake, tmp_path):
    composer = backends.get_backend("elevenlabs-music", {"base_url": eleven_fake.url}, kind="music", key=ELEVEN_KEY)
    path = composer.compose("instrumental film score, slow pulse, calm to dread", 12.0, tmp_path / "m.wav")
    sent = eleven_fake.creates[-1]
    assert sent.json() == {"prompt": "instrumental film score, slow pulse, calm to dread", "music_length_ms": 12000,
                           "model_id": "music_v1", "force_instrumental": True}
    info = ffmpeg.probe(path)
    assert info.audio and info.duration == pytest.approx(12.0, abs=0.2)
    eleven_fake.outcome = "moderated"
    with pytest.raises(Refused):
        composer.compose("in the style of a famous song", 20.0, tmp_path / "r.wav")
    assert not (tmp_path / "r.wav").exists()


def test_hosted_lines_show_their_price_and_are_spoken_only_when_paid_for(openai_fake, ws, monkeypatch, capsys):
    from bible.helpers import TEXT, store_book

    from filmsofone.bible import seed_bible
    from filmsofone.bible.edit import set_fields
    from filmsofone.cli import main
    from filmsofone.plan import plan_book

    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    seed_bible(ws, "quills", store_book(ws), TEXT)
    set_fields(ws, "quills", "Ada", ["voice.engine=openai-speech", "voice.voice=coral",
                                     f"voice.options.base_url={openai_fake.url}"])
    plan_book(ws, "quills")

    def run(*argv):
        try:
            main(["-w", str(ws.root), *argv])
            return 0
        except SystemExit as exc:
            return exc.code

    assert run("voice", "quills") == 2
    err = capsys.readouterr().err
    assert "costs money" in err and "by openai-speech, about $0.00" in err and OPENAI_KEY not in err
    assert openai_fake.creates == []  # nothing sent before the price is accepted
    assert run("voice", "quills", "--yes") == 0
    sent = len(openai_fake.creates)
    assert sent == 2  # Ada's two lines; the others speak with espeak
    assert run("voice", "quills") == 0 and len(openai_fake.creates) == sent  # cached: never paid twice
