"""Sample buffers: reading and writing WAV, resampling, fades, coloured noise (numpy, no ffmpeg).

Stems are float32 arrays shaped (samples, 2) at RATE; they are written as 16-bit stereo WAV files that
the mix (ffmpeg) reads.
"""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

RATE = 48000


def silence(seconds: float, channels: int = 2) -> np.ndarray:
    return np.zeros((max(0, int(round(seconds * RATE))), channels), dtype=np.float32)


def read_wav(path: Path) -> np.ndarray:
    """A 16-bit WAV file as mono float32 at RATE (resampled when needed)."""
    with wave.open(str(path), "rb") as source:
        channels, rate, width = source.getnchannels(), source.getframerate(), source.getsampwidth()
        raw = source.readframes(source.getnframes())
    if width != 2:
        raise ValueError(f"{path}: expected 16-bit PCM, got {8 * width}-bit")
    samples = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1)
    return resample(samples, rate, RATE)


class FileLoop:
    """A 16-bit WAV at RATE (a user's file decoded by ffmpeg) played as an endless loop, read block by block
    from disk: a long file is never held whole in memory."""

    def __init__(self, path: Path, gain: float = 1.0):
        self.path, self.gain = Path(path), gain
        with wave.open(str(self.path), "rb") as source:
            self.frames, self.channels = source.getnframes(), source.getnchannels()
            if source.getsampwidth() != 2 or source.getframerate() != RATE:
                raise ValueError(f"{path}: expected 16-bit PCM at {RATE} Hz")

    def __len__(self) -> int:
        return self.frames

    def tiled(self, start: int, count: int) -> np.ndarray:
        """Stereo float32 samples [start, start+count) of the file repeated forever."""
        out = np.zeros((max(0, count), 2), dtype=np.float32)
        if not self.frames:
            return out
        position, filled = start % self.frames, 0
        with wave.open(str(self.path), "rb") as source:
            while filled < count:
                take = min(count - filled, self.frames - position)
                source.setpos(position)
                pcm = np.frombuffer(source.readframes(take), dtype="<i2").reshape(-1, self.channels)
                out[filled:filled + len(pcm)] = pcm[:, :2] if self.channels >= 2 else pcm[:, :1]
                filled, position = filled + take, 0
        out *= self.gain / 32768.0
        return out


def resample(samples: np.ndarray, rate: int, target: int = RATE) -> np.ndarray:
    """Band-limited resampling by FFT (exact length ratio), enough for speech and synthesised sound."""
    if rate == target or samples.size == 0:
        return samples.astype(np.float32)
    length = int(round(samples.size * target / rate))
    spectrum = np.fft.rfft(samples)
    bins = length // 2 + 1
    if bins <= spectrum.size:
        spectrum = spectrum[:bins]
    else:
        spectrum = np.concatenate([spectrum, np.zeros(bins - spectrum.size, dtype=spectrum.dtype)])
    return (np.fft.irfft(spectrum, n=length) * (length / samples.size)).astype(np.float32)


def write_wav(path: Path, samples: np.ndarray) -> Path:
    """Write float samples (mono or (n, 2)) as 16-bit stereo WAV at RATE, through a temporary name."""
    stereo = samples if samples.ndim == 2 else np.stack([samples, samples], axis=1)
    pcm = (np.clip(stereo, -1.0, 1.0) * 32767.0).astype("<i2")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    with wave.open(str(partial), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(pcm.tobytes())
    partial.replace(path)
    return path


def add_at(track: np.ndarray, clip: np.ndarray, start: float) -> None:
    """Mix `clip` (mono or stereo) into `track` (stereo) from `start` seconds, clipped to the track."""
    first = int(round(start * RATE))
    if first >= len(track) or first + len(clip) <= 0:
        return
    skip = max(0, -first)
    first = max(0, first)
    piece = clip[skip:skip + len(track) - first]
    track[first:first + len(piece)] += piece[:, None] if piece.ndim == 1 else piece


def fade(clip: np.ndarray, fade_in: float, fade_out: float) -> np.ndarray:
    """Equal-power fades at both ends (in place; returns the clip)."""
    for seconds, at_start in ((fade_in, True), (fade_out, False)):
        n = min(len(clip), int(seconds * RATE))
        if n <= 0:
            continue
        curve = np.sin(np.linspace(0.0, np.pi / 2, n, dtype=np.float32))
        curve = curve if at_start else curve[::-1]
        if at_start:
            clip[:n] *= curve[:, None] if clip.ndim == 2 else curve
        else:
            clip[-n:] *= curve[:, None] if clip.ndim == 2 else curve
    return clip


def coloured_noise(seconds: float, rng: np.random.Generator, *, slope: float = 0.0, low: float = 20.0,
                   high: float = 20000.0) -> np.ndarray:
    """Noise with power falling `slope` dB per octave (0 white, 3 pink, 6 brown) between `low` and `high` Hz,
    shaped in the frequency domain; normalised to peak 1."""
    n = max(2, int(round(seconds * RATE)))
    freqs = np.fft.rfftfreq(n, 1.0 / RATE)
    shape = np.where((freqs >= low) & (freqs <= high), 1.0, 0.0)
    shape[1:] /= np.power(freqs[1:] / 1000.0, slope / 6.0)
    shape[0] = 0.0
    spectrum = (rng.standard_normal(freqs.size) + 1j * rng.standard_normal(freqs.size)) * shape
    noise = np.fft.irfft(spectrum, n=n)
    peak = np.max(np.abs(noise)) or 1.0
    return (noise / peak).astype(np.float32)


def db(value: float) -> float:
    """Decibels to a gain factor."""
    return float(10 ** (value / 20.0))
