"""The embedded store: SQLite through SQLModel, one database per book.

`save_analysis` / `load_analysis` persist the `BookAnalysis`; `save_shots` / `load_shots` the shot
lists. Generation jobs and takes are written by `filmsofone.generate`.
"""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, col, delete, select

from ..models import BookAnalysis, BookInfo, Chapter, Character, Quote, Scene, Setting, Shot
from .db import engine_for, forget_engine, session_for
from .migrations import SCHEMA_VERSION, get_version
from .tables import (
    BookRow,
    ChapterRow,
    CharacterRow,
    JobRow,
    QuoteRow,
    SceneRow,
    SettingRow,
    ShotRow,
    TakeRow,
    utcnow,
)

__all__ = [
    "SCHEMA_VERSION",
    "BookRow",
    "JobRow",
    "TakeRow",
    "ShotRow",
    "engine_for",
    "forget_engine",
    "get_version",
    "imported_book",
    "load_analysis",
    "load_book",
    "load_shots",
    "made_clips",
    "save_analysis",
    "save_shots",
    "session_for",
]

_ANALYSIS_TABLES = (ChapterRow, SceneRow, CharacterRow, SettingRow, QuoteRow)


def save_analysis(db_path: Path, analysis: BookAnalysis, source_path: str) -> None:
    """Replace the stored analysis of the book with `analysis`, in one transaction.

    The user's per-scene intents are kept for the scenes whose ids survive.
    """
    with session_for(db_path) as session:
        intents = {row.id: row.intent for row in session.exec(select(SceneRow)).all() if row.intent}
        for table in (BookRow, *_ANALYSIS_TABLES):
            session.exec(delete(table))
        info = analysis.book
        session.add(BookRow(slug=info.slug, title=info.title, source_path=source_path,
                            source_sha256=info.source_sha256, chars=info.chars))
        session.add_all(ChapterRow(**c.model_dump()) for c in analysis.chapters)
        session.add_all(SceneRow(ordinal=i, intent=intents.get(s.id), **s.model_dump())
                        for i, s in enumerate(analysis.scenes))
        session.add_all(CharacterRow(ordinal=i, **c.model_dump()) for i, c in enumerate(analysis.characters))
        session.add_all(SettingRow(ordinal=i, **s.model_dump()) for i, s in enumerate(analysis.settings))
        session.add_all(
            QuoteRow(ordinal=i, spans=[list(s) for s in q.spans], tag=q.tag.model_dump(mode="json") if q.tag else None,
                     **q.model_dump(exclude={"spans", "tag"}))
            for i, q in enumerate(analysis.quotes)
        )
        session.commit()


def load_book(session: Session) -> BookRow | None:
    return session.exec(select(BookRow)).first()


def imported_book(db_path: Path) -> BookRow | None:
    """The book stored in the database at `db_path`; None when there is no database or no book in it yet."""
    if not Path(db_path).is_file():
        return None
    with session_for(db_path) as session:
        return load_book(session)


def load_analysis(db_path: Path) -> BookAnalysis:
    """The stored analysis, as the document `filmsofone show S --json` prints."""
    with session_for(db_path) as session:
        book = load_book(session)
        if book is None:
            raise LookupError(f"no book in {db_path}")
        chapters = session.exec(select(ChapterRow).order_by(ChapterRow.index)).all()
        scenes = session.exec(select(SceneRow).order_by(SceneRow.ordinal)).all()
        characters = session.exec(select(CharacterRow).order_by(CharacterRow.ordinal)).all()
        settings = session.exec(select(SettingRow).order_by(SettingRow.ordinal)).all()
        quotes = session.exec(select(QuoteRow).order_by(QuoteRow.ordinal)).all()
        return BookAnalysis(
            book=BookInfo(slug=book.slug, title=book.title, source_sha256=book.source_sha256, chars=book.chars),
            chapters=[Chapter(index=c.index, title=c.title, start=c.start, end=c.end, part=c.part) for c in chapters],
            scenes=[Scene(**s.model_dump(exclude={"ordinal", "intent"})) for s in scenes],
            characters=[Character(**c.model_dump(exclude={"ordinal"})) for c in characters],
            settings=[Setting(**s.model_dump(exclude={"ordinal"})) for s in settings],
            quotes=[Quote(**q.model_dump(exclude={"ordinal", "spans"}), spans=[tuple(s) for s in q.spans]) for q in quotes],
        )


def save_shots(db_path: Path, scene_id: str, shots: list[Shot]) -> None:
    """Replace the shot list of one scene."""
    with session_for(db_path) as session:
        session.exec(delete(ShotRow).where(ShotRow.scene == scene_id))
        session.add_all(
            ShotRow(id=s.id, scene=scene_id, order=s.order, locked=s.locked, edited=s.edited,
                    data=s.model_dump(mode="json"), updated_at=utcnow())
            for s in shots
        )
        session.commit()


def load_shots(db_path: Path, scene_id: str | None = None) -> list[Shot]:
    """Shots of one scene (or of the whole book, in scene order) in order."""
    with session_for(db_path) as session:
        query = select(ShotRow)
        if scene_id is not None:
            query = query.where(ShotRow.scene == scene_id)
        rows = session.exec(query).all()
        scene_order = {s.id: s.ordinal for s in session.exec(select(SceneRow)).all()}
    rows = sorted(rows, key=lambda r: (scene_order.get(r.scene, 1 << 30), r.order))
    return [Shot.model_validate(r.data) for r in rows]


def made_clips(db_path: Path, scenes: set[str]) -> tuple[int, float]:
    """How many clips (takes) the scenes have, and the estimated USD the jobs that made them cost."""
    with session_for(db_path) as session:
        takes = session.exec(select(TakeRow).where(col(TakeRow.scene).in_(scenes))).all()
        job_ids = {t.job_id for t in takes if t.job_id is not None}
        cost = sum(j.cost for j in session.exec(select(JobRow).where(col(JobRow.id).in_(job_ids))).all())
    return len(takes), cost
