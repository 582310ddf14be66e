"""Long books: a 50 MB text reads with progress, a too-large one is refused at once, every import stage reports
progress, and the recogniser streams batches (several processes giving the same entities as one)."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from filmsofone import books
from filmsofone.analysis import nlp
from filmsofone.cli import main
from filmsofone.ingest import read_book, reader

PARAGRAPH = (
    "Mara Lind walked along the quay at Portwen with Jonah Reed, and the gulls wheeled over the grey water "
    "while the ferry came in from Lisbury.\n\n“It is late again,” said Mara. “It always is,” said Jonah.\n\n"
)


def _write_book(path: Path, megabytes: float) -> Path:
    chapter = "".join(PARAGRAPH for _ in range(200))
    target, written, number = int(megabytes * 2**20), 0, 0
    with path.open("w", encoding="utf-8") as out:
        while written < target:
            number += 1
            piece = f"CHAPTER {number}.\n\n{chapter}"
            out.write(piece)
            written += len(piece.encode("utf-8"))
    return path


def test_a_50_mb_text_reads_with_progress_in_megabytes(tmp_path: Path):
    path = _write_book(tmp_path / "omnibus.txt", 50)
    events = []
    book = read_book(path, progress=lambda label, done, total: events.append((label, done, total)))
    assert len(book.text) == path.stat().st_size - book.text.count("“") * 2 - book.text.count("”") * 2
    assert book.text.startswith("CHAPTER 1.\n\nMara Lind")
    reading = [e for e in events if e[0] == "reading the book"]
    assert len(reading) >= 10 and reading[-1][1] == reading[-1][2] == 50
    assert [d for _, d, _ in reading] == sorted(d for _, d, _ in reading)
    assert events[-1] == ("reading the book: decoded", 1, 1)


def test_a_too_large_file_is_one_line_exit_2_and_nothing_written(tmp_path: Path, ws, capsys):
    path = tmp_path / "everything.txt"
    with path.open("wb") as f:
        f.truncate(reader.MAX_BOOK_BYTES + 2**20)  # sparse: no time spent writing
    started = time.perf_counter()
    with pytest.raises(SystemExit) as exit_info:
        main(["--workspace", str(ws.root), "import", str(path)])
    assert time.perf_counter() - started < 2.0
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert exit_info.value.code == 2 and len(lines) == 1, err
    assert "the limit is 128 MB" in lines[0] and "split it" in lines[0] and "Traceback" not in err
    assert ws.slugs() == [] and not ws.project("everything").root.exists()


def test_every_import_stage_reports_progress(ws, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(reader, "_READ_CHUNK", 4096)  # a small book read in chunks, as a long one is
    monkeypatch.setattr(nlp, "BATCH_CHARS", 500)
    path = tmp_path / "the-quay.txt"
    path.write_text("".join(f"CHAPTER {n}.\n\n{PARAGRAPH * 8}" for n in range(1, 4)), encoding="utf-8")
    events = []
    books.import_book(ws, path, progress=lambda label, done, total: events.append((label, done, total)))
    bars = {label.split(": ", 1)[0] for label, _, _ in events}
    assert {"reading the book", "analysis", "reading names", "storing"} <= bars
    assert all(0 <= done <= total for _, done, total in events)
    names = [e for e in events if e[0] == "reading names"]
    assert len(names) >= 3 and names[-1][1] == names[-1][2]
    assert events[-1] == ("storing: done", 3, 3)
    assert ws.project("the-quay").text_path.is_file()


def test_entities_stream_in_batches_and_two_processes_find_the_same(monkeypatch):
    monkeypatch.setattr(nlp, "BATCH_CHARS", 500)
    text = PARAGRAPH * 20
    spans = [(m, m + len(PARAGRAPH)) for m in range(0, len(text), len(PARAGRAPH))]
    labels = frozenset({"PERSON", "GPE", "LOC", "FAC", "ORG"})
    ticks = []
    one = list(nlp.entities(text, spans, labels=labels, processes=1, progress=lambda *a: ticks.append(a)))
    two = list(nlp.entities(text, spans, labels=labels, processes=2))
    assert one == two and one
    assert "Mara Lind" in {e.text for e in one}
    assert all(text[e.start : e.end] == e.text for e in one)
    batches = len(nlp._batches(spans))
    assert batches > 1 and [done for _, done, _ in ticks] == list(range(batches + 1)) and ticks[-1][2] == batches


def _die(batch):
    os._exit(9)  # as the out-of-memory killer would end a worker


def test_a_recogniser_worker_that_dies_is_a_clear_error_not_a_hang(monkeypatch):
    from filmsofone.errors import UserError

    monkeypatch.setattr(nlp, "BATCH_CHARS", 500)
    monkeypatch.setattr(nlp, "_worker_batch", _die)
    text = PARAGRAPH * 10
    spans = [(m, m + len(PARAGRAPH)) for m in range(0, len(text), len(PARAGRAPH))]
    started = time.perf_counter()
    with pytest.raises(UserError, match="worker process of the name recogniser died"):
        list(nlp.entities(text, spans, labels=frozenset({"PERSON"}), processes=2))
    assert time.perf_counter() - started < 30


def test_recogniser_workers_are_spawned_not_forked_from_a_process_with_threads(monkeypatch):
    """A fork copies locks held by the caller's other threads (progress display, local servers, BLAS pools);
    a forked worker that needs one waits forever (it hung the whole test suite)."""
    assert nlp.worker_context().get_start_method() == "spawn"
    monkeypatch.setattr(nlp, "BATCH_CHARS", 500)
    text = PARAGRAPH * 4
    spans = [(m, m + len(PARAGRAPH)) for m in range(0, len(text), len(PARAGRAPH))]
    assert len(nlp._batches(spans)) > 1
    busy = threading.Event()
    worker = threading.Thread(target=busy.wait, daemon=True)
    worker.start()
    try:
        found = list(nlp.entities(text, spans, labels=frozenset({"PERSON"}), processes=2))
    finally:
        busy.set()
    assert found == list(nlp.entities(text, spans, labels=frozenset({"PERSON"}), processes=1))
