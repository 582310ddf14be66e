"""Google Lyria 2 on Vertex AI against a fake of its documented predict contract (real socket on 127.0.0.1)."""

import wave

import numpy as np
import pytest
from fakes.lyria import KEY, PROJECT, FakeLyria

from filmsofone import backends
from filmsofone.backends.transport import Failed, OutcomeUnknown, Refused
from filmsofone.errors import BackendError


@pytest.fixture
def fake():
    with FakeLyria() as server:
        yield server


def composer(fake, **options):
    return backends.get_backend("lyria", {"base_url": fake.url + "/v1", "project": PROJECT, **options},
                                kind="music", key=KEY)


def test_a_scene_piece_is_one_documented_predict_call_written_as_48_khz_stereo(fake, tmp_path):
    path = composer(fake).compose("instrumental film score, slow pulse, calm to dread", 75.0, tmp_path / "m.wav")
    sent = fake.creates[-1]
    assert sent.path == f"/v1/projects/{PROJECT}/locations/us-central1/publishers/google/models/lyria-002:predict"
    assert sent.headers["authorization"] == f"Bearer {KEY}"
    assert sent.json() == {"instances": [{"prompt": "instrumental film score, slow pulse, calm to dread",
                                          "negative_prompt": "vocals, singing, lyrics"}], "parameters": {}}
    with wave.open(str(path)) as sound:
        assert (sound.getframerate(), sound.getnchannels(), sound.getsampwidth()) == (48000, 2, 2)
        assert sound.getnframes() / sound.getframerate() == pytest.approx(30.0, abs=0.05)  # Lyria makes 30 s
        pcm = np.frombuffer(sound.readframes(48000), dtype="<i2").reshape(-1, 2)[:, 0]
    assert np.argmax(np.abs(np.fft.rfft(pcm))) == pytest.approx(262, abs=2)  # the fake's tone, decoded
    composer(fake, seed=7).compose("calm", 10.0, tmp_path / "s.wav")
    assert fake.creates[-1].json()["instances"][0]["seed"] == 7  # and no sample_count beside it


def test_one_clip_is_paid_whatever_the_scene_length_and_a_project_is_required(fake):
    assert composer(fake).cost(12.0) == composer(fake).cost(300.0) == pytest.approx(0.06)
    with pytest.raises(BackendError, match="no Google Cloud project"):
        backends.get_backend("lyria", {"base_url": fake.url + "/v1"}, kind="music", key=KEY)


def test_refusals_bad_tokens_and_unknown_outcomes(fake, tmp_path):
    fake.outcome = "moderated"
    with pytest.raises(Refused, match="safety filters"):
        composer(fake).compose("in the style of a famous song", 20.0, tmp_path / "r.wav")
    assert len(fake.creates) == 1 and not (tmp_path / "r.wav").exists()  # a refusal is never resent
    fake.outcome = "success"
    with pytest.raises(Failed, match="GOOGLE_ACCESS_TOKEN") as caught:
        backends.get_backend("lyria", {"base_url": fake.url + "/v1", "project": PROJECT}, kind="music",
                             key="ya29.wrong-token").compose("calm", 10.0, tmp_path / "k.wav")
    assert "wrong-token" not in str(caught.value)
    fake.fault("create", "malformed")  # a 200 that is not the documented JSON: the piece may be made and paid
    before = len(fake.creates)
    with pytest.raises(OutcomeUnknown):
        composer(fake).compose("calm", 10.0, tmp_path / "u.wav")
    assert len(fake.creates) == before + 1  # never sent again without the user's word
    fake.fault("create", "throttle")  # 429 + Retry-After: waited out, then made
    assert composer(fake).compose("calm", 10.0, tmp_path / "t.wav").is_file()
