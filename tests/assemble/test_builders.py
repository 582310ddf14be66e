"""The assembly's ffmpeg builders are pure: compare the argument lists."""

from pathlib import Path

from filmsofone import ffmpeg

HEAD = ["-hide_banner", "-nostdin", "-loglevel", "error", "-y"]
VIDEO = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", "-r", "24",
         "-video_track_timescale", "12288"]
AUDIO = ["-c:a", "aac", "-b:a", "128k", "-ar", "48000", "-ac", "2"]


def test_card_clip_args():
    assert ffmpeg.card_clip_args(Path("c.png"), Path("c.mp4"), frames=48, fps=24, preset="ultrafast") == [
        *HEAD, "-i", "c.png", "-f", "lavfi", "-t", "2", "-i", "anullsrc=r=48000:cl=stereo",
        "-map", "0:v:0", "-map", "1:a:0", "-vf", "loop=loop=47:size=1:start=0,setpts=N/24/TB,setsar=1,format=yuv420p",
        "-frames:v", "48", *ffmpeg.house_video_args(24, "ultrafast"), "-tune", "stillimage", *AUDIO, "-t", "2",
        "-movflags", "+faststart", "c.mp4"]
    assert ffmpeg.house_video_args(24, "ultrafast")[:4] == ["-c:v", "libx264", "-preset", "ultrafast"]


FIT = ("[0:v:0]scale=640:360:force_original_aspect_ratio=decrease[s0];[s0]pad=640:360:(ow-iw)/2:(oh-ih)/2:color=black[s1];"
       "[s1]setsar=1[s2];[s2]fps=24[s3];[s3]format=yuv420p[s4]")
HOUSE = ["-ac", "2", "-ar", "48000", "-b:a", "128k", "-c:a", "aac", "-c:v", "libx264", "-crf", "20"]


def test_normalise_args_without_audio_adds_silence():
    args = ffmpeg.normalise_args(Path("in.mov"), Path("out.mp4"), width=640, height=360, fps=24, frames=36,
                                 has_audio=False)
    assert args == [*HEAD, "-i", "in.mov", "-f", "lavfi", "-t", "1.5", "-i", "anullsrc=r=48000:cl=stereo",
                    "-filter_complex", FIT, "-map", "[s4]", "-map", "1:a", *HOUSE, "-frames:v", "36",
                    "-movflags", "+faststart", "-pix_fmt", "yuv420p", "-preset", "veryfast", "-r", "24",
                    "-t", "1.5", "-video_track_timescale", "12288", "out.mp4"]


def test_normalise_args_with_audio_pads_and_trims_it():
    args = ffmpeg.normalise_args(Path("in.mov"), Path("out.mp4"), width=640, height=360, fps=24, frames=24)
    assert args[args.index("-filter_complex") + 1] == FIT + (
        ";[0:a:0]aresample=48000[s5];[s5]aformat=channel_layouts=stereo:sample_fmts=fltp[s6];"
        "[s6]apad=whole_dur=1[s7];[s7]atrim=0:1[s8]")
    assert args[args.index("-map"):args.index("-map") + 4] == ["-map", "[s4]", "-map", "[s8]"]


def test_normalise_args_crop_and_own_length():
    """Without `frames` the clip keeps its length (a user's clip attached as a take); silence stops with it."""
    args = ffmpeg.normalise_args(Path("in.mov"), Path("out.mp4"), width=640, height=360, fps=24, fit="crop",
                                 has_audio=False)
    assert args[args.index("-filter_complex") + 1] == (
        "[0:v:0]scale=640:360:force_original_aspect_ratio=increase[s0];[s0]crop=640:360[s1];"
        "[s1]setsar=1[s2];[s2]fps=24[s3];[s3]format=yuv420p[s4]")
    assert "-shortest" in args and "-t" not in args and "-frames:v" not in args
    assert args[args.index("-i") + 1:args.index("-i") + 7] == ["in.mov", "-f", "lavfi", "-i",
                                                              "anullsrc=r=48000:cl=stereo", "-filter_complex"]


def test_concat_list_quotes_and_cuts_each_part():
    text = ffmpeg.concat_list([(Path("/a/it's.mp4"), 1.5), (Path("/b/c.mp4"), 2 / 24)])
    assert text == ("ffconcat version 1.0\nfile '/a/it'\\''s.mp4'\noutpoint 1.5\n"
                    "file '/b/c.mp4'\noutpoint 0.083333\n")


def test_concat_args_copy_video_with_subtitles_and_chapters():
    args = ffmpeg.concat_args(Path("l.txt"), Path("f.mp4"), subtitles=Path("f.srt"), metadata=Path("m.txt"))
    assert args == [*HEAD, "-f", "concat", "-safe", "0", "-i", "l.txt", "-i", "f.srt", "-f", "ffmetadata",
                    "-i", "m.txt", "-map", "0:v:0", "-map", "0:a:0", *AUDIO, "-c:v", "copy",
                    "-map", "1:s:0", "-c:s", "mov_text", "-metadata:s:s:0", "language=eng",
                    "-map_metadata", "2", "-map_chapters", "2", "-time_base:s", "1/1000", "-movflags", "+faststart",
                    "f.mp4"]
    timed = ffmpeg.concat_args(Path("l.txt"), Path("f.mp4"), subtitles=Path("f.srt"), metadata=Path("m.txt"), fps=24)
    assert timed[-6:] == ["-time_base:s", "1/1000", "-time_base:v", "1/48000", "-movflags", "+faststart", "f.mp4"][-6:]
    assert "-time_base:v" in timed and "1/48000" in timed


def test_chapter_safe_time_bases_keep_the_chapter_tracks_clock_at_1_48000():
    assert ffmpeg.chapter_safe_time_bases(24, subtitles=True, chapters=True) == [
        "-time_base:s", "1/1000", "-time_base:v", "1/48000"]
    assert ffmpeg.chapter_safe_time_bases(25, subtitles=False, chapters=True) == ["-time_base:v", "1/48000"]
    assert ffmpeg.chapter_safe_time_bases(24, subtitles=True, chapters=False) == ["-time_base:s", "1/1000"]
    assert ffmpeg.chapter_safe_time_bases(7, subtitles=False, chapters=True) == []  # 48000 / 7 is not whole
    assert ffmpeg.chapter_safe_time_bases(None, subtitles=False, chapters=True) == []


def test_concat_args_with_music_bed():
    args = ffmpeg.concat_args(Path("l.txt"), Path("f.mp4"), music=Path("m.ogg"), music_volume=0.5)
    assert args[args.index("-stream_loop"):args.index("-stream_loop") + 4] == ["-stream_loop", "-1", "-i", "m.ogg"]
    graph = args[args.index("-filter_complex") + 1]
    assert graph.startswith("[1:a]aresample=48000,aformat=channel_layouts=stereo,volume=0.5[bed];")
    assert "amix=inputs=2:duration=first" in graph and "loudnorm=I=-16" in graph
    assert args[args.index("-map", args.index("-filter_complex")) + 1] == "[mix]"


def test_xfade_args_chain_offsets():
    args = ffmpeg.xfade_args([Path("a.mp4"), Path("b.mp4"), Path("c.mp4")], [4.0, 3.0, 5.0], Path("o.mp4"),
                             fps=24, seconds=0.5)
    graph = args[args.index("-filter_complex") + 1].split(";")
    assert graph[0] == "[0:v]trim=duration=4,setpts=PTS-STARTPTS[sv0]"
    assert "[sv0][sv1]xfade=transition=fade:duration=0.5:offset=3.5[v1]" in graph
    assert "[v1][sv2]xfade=transition=fade:duration=0.5:offset=6[v2]" in graph
    assert "[a1][sa2]acrossfade=d=0.5[a2]" in graph
    scored = ffmpeg.xfade_args([Path("a.mp4"), Path("b.mp4")], [4.0, 3.0], Path("o.mp4"), fps=24,
                               subtitles=Path("s.srt"), metadata=Path("m.txt"), music=Path("bed.ogg"))
    loop = scored.index("-stream_loop")
    assert scored[loop:loop + 4] == ["-stream_loop", "-1", "-i", "bed.ogg"]
    assert ffmpeg.music_bed_filter(4, 0.25, film_audio="a1") in scored[scored.index("-filter_complex") + 1]
    assert scored[scored.index("[v1]") - 1:scored.index("[v1]") + 3] == ["-map", "[v1]", "-map", "[mix]"]
    assert scored[scored.index("-map_chapters") + 1] == "3" and "2:s:0" in scored
    assert args[-len(AUDIO) - 3:] == [*AUDIO, "-movflags", "+faststart", "o.mp4"]


def test_thumbnail_and_frame_count_args():
    assert ffmpeg.thumbnail_args(Path("t.mp4"), Path("t.jpg"), at=1.25, width=240) == [
        *HEAD, "-ss", "1.25", "-i", "t.mp4", "-frames:v", "1", "-vf", "scale=240:-2", "-q:v", "4", "t.jpg"]
    assert ffmpeg.video_frames_args(Path("t.mp4"))[-5:] == ["null", "-progress", "pipe:1", "-nostats", "-"]


def test_probe_many_args_and_parse():
    assert ffmpeg.probe_many_args([Path("a.mp4"), Path("b.mp4")]) == [
        "-hide_banner", "-nostdin", "-v", "verbose", "-i", "a.mp4", "-i", "b.mp4", "-map", "0:v:0?",
        "-map", "1:v:0?", "-c", "copy", "-f", "null", "-"]
    stderr = """Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'a.wav':
  Duration: 00:00:02.00, bitrate: 1 kb/s
  Stream #0:0: Audio: pcm_s16le, 48000 Hz, stereo, s16, 1536 kb/s
Input #1, mov,mp4,m4a,3gp,3g2,mj2, from 'b.mp4':
  Duration: 00:00:01.00, start: 0.000000, bitrate: 97 kb/s
  Stream #1:0[0x1](und): Video: h264 (High), 1 reference frame (avc1 / 0x31637661), yuv420p(progressive, \
left), 640x360 [SAR 1:1 DAR 16:9], 77 kb/s, 24 fps, 24 tbr, 12288 tbn (default)
Stream mapping:
  Stream #1:0 -> #0:0 (copy)
Output #0, null, to 'pipe:':
  Stream #0:0(und): Video: h264 (High), yuv420p, 640x360, q=2-31, 24 fps
[out#0/null @ 0x1]   Output stream #0:0 (video): 24 packets muxed (9738 bytes);
"""
    (a, a_frames), (b, b_frames) = ffmpeg.parse_probe_many(stderr, 2)
    assert (a.video, a_frames, len(a.audio)) == ([], 0, 1)
    assert (b.width, b.fps, b_frames, len(b.video)) == (640, 24.0, 24, 1)


def test_probe_many_real_files_with_a_broken_one(tmp_path):
    from cutkit import make_clip

    good = make_clip(tmp_path / "good.mp4", 0.5)
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00" * 100)
    (info, frames), failure, (again, frames_again) = ffmpeg.probe_many([good, broken, good])
    assert frames == frames_again == 12 and info.width == 320
    assert isinstance(failure, ffmpeg.FFmpegError)
    assert ffmpeg.probe_many([good, good])[1][1] == 12  # one run for both


def test_with_progress_asks_for_machine_readable_progress():
    assert ffmpeg.with_progress(["-i", "a", "out.mp4"]) == ["-i", "a", "-progress", "pipe:1", "-nostats", "out.mp4"]
