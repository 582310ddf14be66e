"""Which scenes are kept and how long each runs: story weight, the user's choices, the target running time.

A scene's story weight counts the lines of its speakers (major characters count most), the first and last
appearances of characters, the book's first and last scenes and a chapter's opening, scaled by the user's
weight. The scenes kept are the pinned ones, the best scene of every major character (and, in a short story,
of every chapter, when the target gives each chapter `MIN_SCENE_SECONDS`), then the heaviest until their
material can fill the target at about `SCENE_SECONDS` a scene. Budgets share the time left by
weight (each kept scene gets at least `MIN_SCENE_SECONDS`, none more than its whole material); inside a
scene the best beats are kept, in text order, until its budget is spent (`best_within`; the LLM adapter's
scenes are cut to their budget the same way, `trim_to_budget`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..models import BookAnalysis
from .model import AdaptedBeat, Choices
from .runtime import ESTABLISHING_SECONDS, beat_seconds
from .source import SceneMaterial, beat_score, mark_ends

SCENE_SECONDS = 90.0
MIN_SCENE_SECONDS = 25.0
COMPRESSED = 0.85  # below this share of its material a scene's long speeches are trimmed


@dataclass
class Plan:
    """A scene as the selection sees it."""

    material: SceneMaterial
    weight: float
    pinned: bool = False
    dropped: bool = False
    budget: float = 0.0
    chosen: list[int] = field(default_factory=list)
    trimmed: bool = False

    @property
    def id(self) -> str:
        return self.material.scene.id

    @property
    def full(self) -> float:
        if not self.material.candidates:
            return 0.0
        return ESTABLISHING_SECONDS + sum(c.seconds() for c in self.material.candidates)

    @property
    def seconds(self) -> float:
        if not self.chosen:
            return 0.0
        cands = self.material.candidates
        return ESTABLISHING_SECONDS + sum(cands[i].seconds(self.trimmed) for i in self.chosen)


def story_weights(analysis: BookAnalysis, materials: list[SceneMaterial], choices: Choices) -> list[float]:
    """Each scene's story weight (see the module docstring); 0 for a scene with nothing to film."""
    roles = {c.id: c.role for c in analysis.characters}
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    for index, scene in enumerate(analysis.scenes):
        for cid in scene.characters:
            first.setdefault(cid, index)
            last[cid] = index
    bonus = {"major": 2.0, "intermediate": 1.0, "minor": 0.0}
    weights = []
    for index, material in enumerate(materials):
        scene = material.scene
        lines = sum(c.score for c in material.candidates if c.kind == "dialogue")
        actions = sum(1 for c in material.candidates if c.kind == "action")
        weight = 1.0 + math.log1p(lines) + 0.3 * math.log1p(actions)
        weight += sum(bonus.get(roles.get(c, "minor"), 0.0) * ((first.get(c) == index) + (last.get(c) == index))
                      for c in scene.characters)
        weight += 0.5 * sum(1 for c in scene.characters if roles.get(c) == "major")
        weight += 3.0 if index in (0, len(materials) - 1) else 0.0
        weight += 0.5 if index == 0 or analysis.scenes[index - 1].chapter != scene.chapter else 0.0
        weights.append(0.0 if not material.candidates else weight * max(0.0, choices.of(scene.id).weight))
    return weights


def select(analysis: BookAnalysis, plans: list[Plan], target: float, *, every_chapter: bool = False) -> None:
    """Decide kept scenes, budgets and beats in place (see the module docstring); `every_chapter`: a short
    story, whose every chapter keeps a scene when the target allows."""
    for plan in plans:
        if plan.pinned:
            plan.budget = plan.full
            plan.chosen = list(range(len(plan.material.candidates)))
    open_plans = [p for p in plans if not p.pinned and not p.dropped and p.weight > 0 and p.full > 0]
    left = max(0.0, target - sum(p.seconds for p in plans if p.pinned))
    kept = _choose_scenes(analysis, open_plans, left, every_chapter)
    _share_budgets(kept, left)
    for plan in kept:
        _fill(plan, plan.budget)
    spare = left - sum(p.seconds for p in kept)
    for plan in sorted(kept, key=lambda p: -p.weight):
        if spare <= 1.0:
            break
        before = plan.seconds
        _fill(plan, before + spare)
        spare -= plan.seconds - before


def _choose_scenes(analysis: BookAnalysis, plans: list[Plan], seconds: float, every_chapter: bool = False) -> list[Plan]:
    """The pinned-less scenes to keep: each major character's best scene (and each chapter's, with
    `every_chapter` when the time allows), then the heaviest, in book order."""
    if sum(p.full for p in plans) <= seconds:
        return plans
    wanted = max(1, round(seconds / SCENE_SECONDS))
    ranked = sorted(plans, key=lambda p: (-p.weight, p.material.scene.start))
    chosen: dict[str, Plan] = {}
    chapters = {p.material.scene.chapter for p in plans}
    if every_chapter and len(chapters) * MIN_SCENE_SECONDS <= seconds:
        for chapter in sorted(chapters):
            best = next(p for p in ranked if p.material.scene.chapter == chapter)
            chosen[best.id] = best
    for character in analysis.characters:
        if character.role != "major":
            continue
        theirs = [p for p in ranked if character.id in p.material.scene.characters]
        if theirs and not any(character.id in p.material.scene.characters for p in chosen.values()):
            chosen[theirs[0].id] = theirs[0]
    for plan in ranked:
        enough = len(chosen) >= wanted and sum(p.full for p in chosen.values()) >= 1.15 * seconds
        if enough:
            break
        chosen.setdefault(plan.id, plan)
    return sorted(chosen.values(), key=lambda p: p.material.scene.start)


def _share_budgets(plans: list[Plan], seconds: float) -> None:
    """Water-filling: a floor each, then the rest by weight x sqrt(material), no scene above its material."""
    floor = min(MIN_SCENE_SECONDS, 0.5 * seconds / max(len(plans), 1))
    for plan in plans:
        plan.budget = min(plan.full, floor)
    pool = seconds - sum(p.budget for p in plans)
    growing = [p for p in plans if p.budget < p.full]
    while pool > 0.5 and growing:
        shares = {p.id: p.weight * math.sqrt(p.full) for p in growing}
        total = sum(shares.values()) or 1.0
        handed = 0.0
        for plan in growing:
            extra = min(plan.full - plan.budget, pool * shares[plan.id] / total)
            plan.budget += extra
            handed += extra
        pool -= handed
        growing = [p for p in growing if p.full - p.budget > 0.01]
        if handed < 0.01:
            break


def _fill(plan: Plan, budget: float) -> None:
    """Keep the best beats (score per square-root second) while they fit; the chosen ones stay chosen."""
    cands = plan.material.candidates
    plan.trimmed = plan.trimmed or budget < COMPRESSED * plan.full
    used = plan.seconds if plan.chosen else ESTABLISHING_SECONDS
    plan.chosen = best_within([c.score for c in cands], [c.seconds(plan.trimmed) for c in cands], budget,
                              chosen=plan.chosen, used=used)


def best_within(scores: list[float], costs: list[float], budget: float, *, chosen=(), used: float = 0.0) -> list[int]:
    """The beats kept within `budget` seconds (half a second of slack), as indices in text order: those in
    `chosen`, then the best by score per square-root second while they fit (`used` seconds are spent)."""
    kept = set(chosen)
    order = sorted(range(len(scores)), key=lambda i: (-scores[i] / math.sqrt(max(costs[i], 0.5)), i))
    for index in order:
        if index not in kept and used + costs[index] <= budget + 0.5:
            kept.add(index)
            used += costs[index]
    return sorted(kept)


def trim_to_budget(beats: list[AdaptedBeat], budget: float, roles: dict[str, str]) -> list[AdaptedBeat]:
    """A written scene (the LLM adapter's) cut at beat boundaries to `budget` seconds the way the offline
    adapter cuts one: its opening on the place counted, the best beats kept in text order while they fit,
    each scored as the offline reader scores its candidates (`source.beat_score`). A scene within its
    budget is returned as it is."""
    costs = [beat_seconds(b.kind, b.text) for b in beats]
    if ESTABLISHING_SECONDS + sum(costs) <= budget + 0.5:
        return beats
    scores = [beat_score(b.kind, b.text, b.speaker, roles) for b in beats]
    mark_ends(scores)
    return [beats[i] for i in best_within(scores, costs, budget, used=ESTABLISHING_SECONDS)]
