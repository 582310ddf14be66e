"""A user's music or ambience file: decoded by ffmpeg from its path, then read block by block (never whole);
a file that is not audio is one clear error."""

import tracemalloc
import wave

import numpy as np
import pytest

from filmsofone import ffmpeg
from filmsofone.errors import UserError
from filmsofone.sound.ambience import AmbienceSource, AmbienceSpan
from filmsofone.sound.audio import RATE, FileLoop
from filmsofone.sound.stems import BLOCK_SECONDS, decode_user_audio
from filmsofone.workspace import Workspace


def tone_file(path, seconds, frequency=440):
    ffmpeg.run([*ffmpeg.base_args(), "-f", "lavfi", "-i", f"sine=frequency={frequency}:sample_rate=44100:"
                f"duration={seconds}", "-c:a", "flac", str(path)])
    return path


def whole(path):
    with wave.open(str(path), "rb") as source:
        pcm = np.frombuffer(source.readframes(source.getnframes()), dtype="<i2")
        return pcm.reshape(-1, source.getnchannels()).astype(np.float32) / 32768.0


@pytest.fixture
def ws(tmp_path):
    return Workspace(tmp_path)


def test_a_file_loop_reads_the_same_samples_as_the_whole_file_wrapping_around(ws, tmp_path):
    decoded = decode_user_audio(ws, str(tone_file(tmp_path / "tone.flac", 1.3)), "music", tmp_path / "cache")
    samples = whole(decoded)
    assert samples.shape[1] == 2 and len(samples) == pytest.approx(1.3 * RATE, abs=RATE * 0.01)  # 48 kHz stereo
    looped = FileLoop(decoded, gain=0.5)
    start, count = len(samples) - 1000, 2 * len(samples) + 77  # across the end, twice round
    expected = np.concatenate([samples] * 4)[start:start + count] * 0.5
    assert np.allclose(looped.tiled(start, count), expected, atol=1e-6)
    assert np.allclose(looped.tiled(start + 5 * len(samples), 10), expected[:10], atol=1e-6)


def test_a_long_file_is_never_held_whole_while_the_stem_is_written(ws, tmp_path):
    seconds = 90.0
    decoded = decode_user_audio(ws, str(tone_file(tmp_path / "long.flac", seconds)), "ambience", tmp_path / "cache")
    whole_bytes = int(seconds * RATE) * 2 * 4  # the file as float32 stereo
    tracemalloc.start()
    try:
        source = AmbienceSource([AmbienceSpan(0.0, 2 * seconds, file_loop=str(decoded))],
                                {str(decoded): FileLoop(decoded)})
        heard = 0.0
        for number in range(int(2 * seconds / BLOCK_SECONDS)):
            block = np.zeros((int(BLOCK_SECONDS * RATE), 2), dtype=np.float32)
            source.render_into(block, number * BLOCK_SECONDS)
            heard = max(heard, float(np.abs(block).max()))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert heard > 0.05  # the tone (ffmpeg's sine: 1/8 full scale) is there, over twice the file's length
    assert peak < whole_bytes / 3  # a few blocks' worth, not the file


@pytest.mark.parametrize("content", [b"just some words\n", b"RIFF\x00\x00\x00\x00WAVEfmt garbage"])
def test_a_file_that_is_not_audio_is_one_clear_error(ws, tmp_path, content):
    (ws.root / "rain.wav").write_bytes(content)
    with pytest.raises(UserError, match="the ambience file rain.wav is not audio") as caught:
        decode_user_audio(ws, "rain.wav", "ambience", tmp_path / "cache")
    assert "WAV, MP3, FLAC" in caught.value.hint
    with pytest.raises(UserError, match="no such music file: gone.ogg"):
        decode_user_audio(ws, "gone.ogg", "music", tmp_path / "cache")
    assert not list((tmp_path / "cache").glob("*.wav")) if (tmp_path / "cache").exists() else True


def test_decoding_a_long_file_shows_its_progress_in_seconds_of_the_file(ws, tmp_path):
    seen = []
    decode_user_audio(ws, str(tone_file(tmp_path / "long.flac", 60.0)), "music", tmp_path / "cache",
                      progress=lambda label, done, total: seen.append((label, done, total)))
    assert seen and all(label == "sound: decoding the music file long.flac" for label, _, _ in seen)
    assert {total for _, _, total in seen} == {60} and seen[-1][1] == 60
    assert [done for _, done, _ in seen] == sorted(done for _, done, _ in seen)
    assert seen[0][1] == 0  # shown before ffmpeg's first figure, however long the file
    seen.clear()
    decode_user_audio(ws, str(tmp_path / "long.flac"), "music", tmp_path / "cache", progress=seen.append)
    assert not seen  # decoded once: the cached WAV is read, nothing to wait for
