"""The sound's ffmpeg commands, built with ffmpeg-python's graph API, compared as argument lists; and the
parsers of what ffmpeg prints (pure)."""

from pathlib import Path

import pytest

from filmsofone import ffmpeg

HEAD = ["-hide_banner", "-nostdin", "-loglevel", "error", "-y"]


def test_the_mix_ducks_music_and_ambience_under_the_dialogue():
    args = ffmpeg.mix_args(Path("film.mp4"), {"dialogue": Path("d.wav"), "music": Path("m.wav"),
                                              "ambience": Path("a.wav")}, Path("mix.wav"))
    assert args == [*HEAD, "-i", "film.mp4", "-i", "d.wav", "-i", "m.wav", "-i", "a.wav", "-filter_complex",
                    "[0:a]aresample=48000[s0];[s0]aformat=channel_layouts=stereo:sample_fmts=fltp[s1];"
                    "[1:a]acompressor=attack=5:makeup=1:ratio=3:release=120:threshold=0.125[s2];"
                    "[s2]asplit=2[s3][s4];[2:a][3:a]amix=duration=first:inputs=2:normalize=0[s5];"
                    "[s5][s3]sidechaincompress=attack=15:makeup=1:ratio=8.0:release=400:threshold=0.02[s6];"
                    "[s1][s4][s6]amix=duration=first:inputs=3:normalize=0[s7]",
                    "-map", "[s7]", "-ac", "2", "-acodec", "pcm_f32le", "-ar", "48000", "mix.wav"]
    alone = ffmpeg.mix_args(Path("film.mp4"), {"dialogue": Path("d.wav")}, Path("mix.wav"))
    assert "sidechaincompress" not in alone[alone.index("-filter_complex") + 1]
    beds = ffmpeg.mix_args(Path("film.mp4"), {"music": Path("m.wav"), "ambience": Path("a.wav")}, Path("mix.wav"))
    graph = beds[beds.index("-filter_complex") + 1]
    assert "d.wav" not in beds and "sidechaincompress" not in graph and "acompressor" not in graph
    assert "amix=duration=first:inputs=3:normalize=0" in graph  # the film's sound, music, ambience


def test_without_dialogue_only_the_films_own_sound_is_silenced_over_the_muted_windows():
    """`cut --no-dialogue` and a clip that speaks for itself: its sound goes, the music and ambience stay."""
    args = ffmpeg.mix_args(Path("film.mp4"), {"music": Path("m.wav"), "ambience": Path("a.wav")}, Path("mix.wav"),
                           muted=[(1.0, 2.5), (4.0, 5.0)])
    assert args[args.index("-filter_complex") + 1] == (
        "[0:a]aresample=48000[s0];[s0]aformat=channel_layouts=stereo:sample_fmts=fltp[s1];"
        "[s1]volume=enable=between(t\\,1.000000\\,2.500000)+between(t\\,4.000000\\,5.000000):volume=0[s2];"
        "[s2][1:a][2:a]amix=duration=first:inputs=3:normalize=0[s3]")  # the beds go into the mix untouched
    unmuted = ffmpeg.mix_args(Path("film.mp4"), {"music": Path("m.wav")}, Path("mix.wav"))
    assert "volume" not in unmuted[unmuted.index("-filter_complex") + 1]


def test_the_master_limits_and_the_join_or_a_remux_encodes_it_once():
    args = ffmpeg.limit_args(Path("mix.wav"), Path("master.wav"), gain_db=-2.5)
    assert args == [*HEAD, "-i", "mix.wav", "-filter_complex",
                    "[0:a]volume=-2.50dB[s0];[s0]alimiter=asc=1:attack=5:level=disabled:limit=0.7079:release=60[s1]",
                    "-map", "[s1]", "-ac", "2", "-acodec", "pcm_s16le", "-ar", "48000", "master.wav"]
    join = ffmpeg.concat_args(Path("parts.ffconcat"), Path("f.mp4"), subtitles=Path("s.srt"), metadata=Path("c.txt"),
                              audio=Path("master.wav"))
    assert join[join.index("master.wav") - 1] == "-i" and ["-map", "3:a:0"] == join[join.index("3:a:0") - 1:][:2]
    assert join.count("-c:v") == 1 and join[join.index("-c:v") + 1] == "copy"
    remux = ffmpeg.remux_args(Path("f.mp4"), Path("master.wav"), Path("o.mp4"), metadata=Path("ch.txt"))
    assert remux[-3:] == ["-vcodec", "copy", "o.mp4"] and "-filter_complex" not in remux
    assert ["-map_metadata", "2", "-map_chapters", "2"] == remux[remux.index("-map_metadata"):][:4]
    assert remux[remux.index("ch.txt") - 3:remux.index("ch.txt") + 1] == ["-f", "ffmetadata", "-i", "ch.txt"]
    mixed = ffmpeg.mix_args(Path("parts.ffconcat"), {"dialogue": Path("d.wav")}, Path("mix.wav"), concat=True)
    assert mixed[mixed.index("parts.ffconcat") - 5:mixed.index("parts.ffconcat")] == ["-f", "concat", "-safe", "0",
                                                                                          "-i"]


def test_loudness_and_silences_are_read_from_what_ffmpeg_prints():
    summary = ("[Parsed_ebur128_0 @ 0x1]\nSummary:\n\n  Integrated loudness:\n    I:         -16.3 LUFS\n"
               "    Threshold: -26.4 LUFS\n\n  Loudness range:\n    LRA:         5.1 LU\n\n"
               "  True peak:\n    Peak:       -1.7 dBFS\n")
    assert ffmpeg.parse_loudness(summary) == ffmpeg.Loudness(-16.3, -1.7)
    assert ffmpeg.master_gain(ffmpeg.Loudness(-20.0, -3.0)) == pytest.approx(4.0)
    assert ffmpeg.master_gain(ffmpeg.Loudness(float("-inf"), float("-inf"))) == 0.0
    with pytest.raises(ffmpeg.FFmpegError):
        ffmpeg.parse_loudness("no summary here")
    report = ("[silencedetect @ 0x1] silence_start: 0\n[silencedetect @ 0x1] silence_end: 1.5 | silence_duration: 1.5\n"
              "[silencedetect @ 0x1] silence_start: 3.25\n")
    assert ffmpeg.parse_silences(report, 5.0) == [(0.0, 1.5), (3.25, 5.0)]


def test_speech_and_silence_are_told_apart_on_a_real_file(tmp_path):
    import numpy as np

    from filmsofone.sound.audio import RATE, write_wav

    tone = np.sin(2 * np.pi * 300 * np.arange(RATE) / RATE).astype(np.float32) * 0.3
    path = write_wav(tmp_path / "x.wav", np.concatenate([np.zeros(RATE, np.float32), tone, np.zeros(RATE, np.float32)]))
    found = ffmpeg.silences(path, 3.0)
    assert [(round(a, 1), round(b, 1)) for a, b in found] == [(0.0, 1.0), (2.0, 3.0)]
    level = ffmpeg.measure_loudness(path)
    assert -30 < level.integrated < -10 and level.true_peak == pytest.approx(-10.5, abs=0.3)
