"""A same-size repair of the MP4 the cut writes: drop chapter references to a track that was never written.

Some ffmpeg builds, muxing a mov_text subtitle track together with chapters longer than ~10 s, keep the
Nero chapter list (`chpl`, which players read) but skip the QuickTime chapter text track, while every
track still carries `tref/chap -> 0`. Readers then complain "Referenced QT chapter track not found".
Turning those `tref` boxes into `free` boxes (same size, ignored by every reader) leaves a clean file.

The cause is the chapter track's clock (the least common multiple of the streams' time bases, where a long
chapter overflowed a 32-bit sample duration); the cut now writes chapter-safe time bases
(`ffmpeg.chapter_safe_time_bases`), so this repair is a safety net for other ffmpeg builds.
"""

from __future__ import annotations

import struct
from pathlib import Path

_CONTAINERS = {b"moov", b"trak"}


def _boxes(data: bytes | bytearray, start: int, end: int):
    """(offset, type, header size, size) of each box in data[start:end]."""
    offset = start
    while offset + 8 <= end:
        size, kind = struct.unpack(">I4s", data[offset:offset + 8])
        header = 8
        if size == 1:
            size, header = struct.unpack(">Q", data[offset + 8:offset + 16])[0], 16
        elif size == 0:
            size = end - offset
        if size < header or offset + size > end:
            return
        yield offset, kind, header, size
        offset += size


def _track_ids(moov: bytearray) -> set[int]:
    ids = set()
    for offset, kind, header, size in _boxes(moov, 8, len(moov)):
        if kind == b"trak":
            for inner, inner_kind, _, _ in _boxes(moov, offset + header, offset + size):
                if inner_kind == b"tkhd":
                    version = moov[inner + 8]
                    at = inner + 8 + (20 if version == 1 else 12)
                    ids.add(struct.unpack(">I", moov[at:at + 4])[0])
    return ids


def drop_dangling_chapter_refs(path: Path) -> int:
    """Neutralise `tref` boxes whose `chap` points at no track; return how many were changed."""
    path = Path(path)
    with path.open("r+b") as handle:
        moov_at = None
        offset = 0
        while True:  # walk the top-level boxes (moov is first with +faststart, else after mdat)
            handle.seek(offset)
            header = handle.read(16)
            if len(header) < 8:
                break
            size, kind = struct.unpack(">I4s", header[:8])
            if size == 1:
                size = struct.unpack(">Q", header[8:16])[0]
            if size < 8:
                break
            if kind == b"moov":
                moov_at = (offset, size)
                break
            offset += size
        if moov_at is None:
            return 0
        handle.seek(moov_at[0])
        moov = bytearray(handle.read(moov_at[1]))
        existing = _track_ids(moov)
        changed = 0
        for offset, kind, header, size in _boxes(moov, 8, len(moov)):
            if kind != b"trak":
                continue
            for inner, inner_kind, inner_header, inner_size in _boxes(moov, offset + header, offset + size):
                if inner_kind != b"tref":
                    continue
                refs = list(_boxes(moov, inner + inner_header, inner + inner_size))
                dangling = [r for r in refs if r[1] == b"chap" and not _targets(moov, r) & existing]
                if dangling and len(dangling) == len(refs):
                    moov[inner + 4:inner + 8] = b"free"
                    changed += 1
        if changed:
            handle.seek(moov_at[0])
            handle.write(moov)
        return changed


def _targets(moov: bytearray, ref: tuple[int, bytes, int, int]) -> set[int]:
    offset, _, header, size = ref
    count = (size - header) // 4
    return set(struct.unpack(f">{count}I", moov[offset + header:offset + header + 4 * count])) - {0}
