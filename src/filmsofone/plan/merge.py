"""Re-planning without losing the user's work: locked and edited shots stay, the rules fill around them."""

from __future__ import annotations

from ..models import Shot


def kept(shot: Shot) -> bool:
    return shot.locked or shot.edited


def _overlaps(a: Shot, b: Shot) -> bool:
    """A fresh shot `a` is covered by the kept shot `b`: shared dialogue or mostly the same source text."""
    if set(a.dialogue) & set(b.dialogue):
        return True
    if a.source_span is None or b.source_span is None:
        return False
    (a0, a1), (b0, b1) = a.source_span, b.source_span
    if a0 == a1 or b0 == b1:
        return a0 == b0 and a1 == b1 and a.kind == b.kind
    shared = min(a1, b1) - max(a0, b0)
    return shared > 0 and shared >= 0.5 * (a1 - a0)


def _anchor(index: int, shots: list[Shot]) -> float:
    """Where a kept shot sits in text order: its own span when it was not moved out of place, else after
    the shot before it in the stored list."""
    before = next((s.source_span[0] for s in reversed(shots[:index]) if s.source_span), -1)
    after = next((s.source_span[0] for s in shots[index + 1:] if s.source_span), float("inf"))
    own = shots[index].source_span
    if own is not None and before <= own[0] <= after:
        return own[0]
    return before


def same_source(a: Shot, b: Shot) -> bool:
    """Two shots made from the same words: same source span, same lines (and same kind when the span is empty)."""
    if a.source_span is None or a.source_span != b.source_span or a.dialogue != b.dialogue:
        return False
    (start, end) = a.source_span
    return start != end or a.kind == b.kind


def merge_previous(fresh: list[Shot], previous: list[Shot], removed: list[Shot] = ()) -> list[Shot]:
    """The fresh shots, minus those a kept shot covers or the user removed, with the kept shots in their
    places; renumbered, with stable ids (see `_number`)."""
    fresh = [s for s in fresh if not any(same_source(s, r) for r in removed)]
    previous = sorted(previous, key=lambda s: s.order)
    keep = [(i, s) for i, s in enumerate(previous) if kept(s)]
    kept_shots = [s for _, s in keep]
    survivors = [s for s in fresh if not any(_overlaps(s, k) for k in kept_shots)]
    keyed = [((s.source_span[0] if s.source_span else -1), 0, n, s) for n, s in enumerate(survivors)]
    keyed += [(_anchor(i, previous), 1, i, s) for i, s in keep]
    ordered = [s for *_, s in sorted(keyed, key=lambda k: k[:3])]
    return _number(ordered, previous, list(removed))


def _number(ordered: list[Shot], previous: list[Shot], removed: list[Shot]) -> list[Shot]:
    """Orders 1..n. Ids are stable, so takes stay with their shots: kept shots keep theirs, a fresh shot
    made from the same words as a stored one takes that one's id, and any other takes `<scene>-<order>`
    unless that id ever named another shot, else the next unused number."""
    if not ordered:
        return []
    scene = ordered[0].scene
    used = {s.id for s in ordered if kept(s)}
    spent = used | {s.id for s in previous} | {s.id for s in removed}
    numbers = [int(i.rsplit("-", 1)[1]) for i in spent if i.rsplit("-", 1)[-1].isdigit()]
    next_free = max(numbers + [0]) + 1
    reusable = [p for p in previous if not kept(p)]
    result = []
    for order, shot in enumerate(ordered, 1):
        if kept(shot):
            result.append(shot.model_copy(update={"order": order}))
            continue
        match = next((p for p in reusable if p.id not in used and same_source(shot, p)), None)
        shot_id = match.id if match else f"{scene}-{order:03d}"
        if match is None and shot_id in spent | used:
            shot_id, next_free = f"{scene}-{next_free:03d}", next_free + 1
        used.add(shot_id)
        result.append(shot.model_copy(update={"order": order, "id": shot_id}))
    return result
