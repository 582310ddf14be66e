"""The LLM adapter: a chat backend (`filmsofone backends`, kind chat) writes each kept scene's beats.

The offline adapter still decides which scenes are kept and how long each runs; the model gets, per scene,
its narration sentences (numbered n1, n2, ...) and its quotations (by id, with the speaker) and answers
JSON `{"beats": [{"kind": "action|dialogue|voiceover", "text": ..., "quote": "q12"|null,
"source": "n3"|null}]}`. The answer is validated with pydantic and against the book: a line of dialogue
must be its quotation's words verbatim, a voice-over its sentence's, an action line must point to a
sentence and hold no speech tag and no interior state. A scene the model writes longer than its budget is
cut at beat boundaries as the offline adapter cuts one (`select.trim_to_budget`). A refused answer is asked again once (with the
reasons); a second refusal, or a model that cannot be reached, gives the offline adapter's version of that
scene and a warning. Accepted answers are cached by the hash of what was asked, so a second run (or one
resumed after an interruption) asks only what it has not asked yet.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ValidationError

from ..backends.chat_ask import AnswerCache, Estimate, ask_checked, messages_key, prompt_tokens, reach, strip_fences
from ..backends.transport import RetryPolicy
from ..errors import UserError
from ..lexicon import has_speech_verb, states_interior
from ..models import BookAnalysis, ProgressCallback
from .checks import is_verbatim
from .filmable import feels, is_residue, tidy
from .model import AdaptedBeat, Adaptation, Choices
from .offline import adapt_book, scene_seconds
from .select import trim_to_budget
from .runtime import SPEECH_WPS
from .source import Piece, dialogue_line, scene_pieces

SYSTEM = """You are a screenwriter adapting one scene of a novel for the screen.
Write the scene as an ordered list of beats, about {seconds:.0f} seconds of film (about {words} spoken or
read words in all). Each beat is one of:
- "action": what the camera sees and hears, in the present tense, short; "source" is the id (n1, n2 ...) of
  the narration sentence it comes from; never a character's thoughts or feelings, never "said" or any
  speech verb;
- "dialogue": a line spoken by a character: "quote" is the quotation's id (q...) and "text" its words copied
  exactly (you may stop at the end of a sentence; keep every apostrophe and dash);
- "voiceover": the narrator's words copied exactly from one narration sentence ("source"), rarely.
Keep the lines that carry the story and the scene's turn. Answer only JSON:
{{"beats": [{{"kind": "action", "text": "...", "quote": null, "source": "n1"}}, ...]}}"""


class ModelBeat(BaseModel):
    kind: Literal["action", "dialogue", "voiceover"]
    text: str
    quote: str | None = None
    source: str | None = None


class ModelScene(BaseModel):
    beats: list[ModelBeat]


@dataclass
class SceneAsk:
    """What is asked about one scene, and how to check the answer."""

    scene_id: str
    seconds: float
    messages: list[dict]
    sentences: dict[str, Piece]
    quotes: dict[str, Piece]

    @property
    def key(self) -> str:
        return messages_key(self.messages)


def scene_ask(analysis: BookAnalysis, text: str, scene_id: str, seconds: float, model: str) -> SceneAsk:
    """The messages about one scene (numbered sentences, quotations with speakers) and the answer's keys."""
    scene = analysis.scene(scene_id)
    names = {c.id: c.name for c in analysis.characters}
    sentences, quotes, material = {}, {}, []
    for piece in scene_pieces(analysis, scene, text):
        if piece.quote is not None:
            quotes[piece.quote.id] = piece
            material.append({"quote": piece.quote.id, "speaker": names.get(piece.quote.speaker or "", "unknown"),
                             "text": dialogue_line(text, piece.quote)})
        else:
            key = f"n{len(sentences) + 1}"
            sentences[key] = piece
            material.append({"sentence": key, "text": tidy(text[piece.start:piece.end])})
    system = SYSTEM.format(seconds=seconds, words=int(seconds * SPEECH_WPS))
    user = json.dumps({"model": model, "scene": scene_id, "material": material}, ensure_ascii=False)
    return SceneAsk(scene_id, seconds, [{"role": "system", "content": system}, {"role": "user", "content": user}],
                    sentences, quotes)


def read_answer(answer: str, ask: SceneAsk, text: str) -> tuple[list[AdaptedBeat], list[str]]:
    """The answer's beats checked against the book; the reasons it is refused (none: accepted)."""
    try:
        parsed = ModelScene.model_validate_json(strip_fences(answer))
    except ValidationError as exc:
        return [], [f"the answer is not the JSON asked for: {exc.errors()[0]['msg']}"]
    beats, problems = [], []
    for number, beat in enumerate(parsed.beats, 1):
        made, problem = _checked(beat, ask, text)
        if problem:
            problems.append(f"beat {number}: {problem}")
        elif made is not None:
            beats.append(made)
    if not beats and not problems:
        problems.append("the answer has no beats")
    return sorted(beats, key=lambda b: b.source[0]), problems


def _checked(beat: ModelBeat, ask: SceneAsk, text: str) -> tuple[AdaptedBeat | None, str | None]:
    words = tidy(beat.text)
    if beat.kind == "dialogue":
        piece = ask.quotes.get(beat.quote or "")
        if piece is None:
            return None, f"no quotation '{beat.quote}' in this scene"
        if not is_verbatim(words, text[piece.start:piece.end], len(piece.quote.spans)):
            return None, f"'{words[:60]}' is not the words of {beat.quote} as the book has them"
        return AdaptedBeat(kind="dialogue", text=words, speaker=piece.quote.speaker, quote=piece.quote.id,
                           source=(piece.start, piece.end)), None
    piece = ask.sentences.get(beat.source or "")
    if piece is None:
        return None, f"no narration sentence '{beat.source}' in this scene"
    if beat.kind == "voiceover":
        if not is_verbatim(words, text[piece.start:piece.end], 1):
            return None, f"the voice-over is not the words of {beat.source}"
    elif has_speech_verb(words) or is_residue(words) or states_interior(words) or feels(words):
        return None, f"the action '{words[:60]}' holds a speech tag, a thought or a fragment"
    return AdaptedBeat(kind=beat.kind, text=words, source=(piece.start, piece.end)), None


def _cached(cache: AnswerCache, ask: SceneAsk) -> list[AdaptedBeat] | None:
    try:
        return [AdaptedBeat.model_validate(b) for b in cache.get(ask.key) or ()] or None
    except (ValueError, TypeError):
        return None


def plan_asks(analysis: BookAnalysis, text: str, offline: Adaptation, model: str) -> list[SceneAsk]:
    """One ask per kept scene the user did not pin (a pinned scene is kept whole, as the offline adapter
    writes it)."""
    return [scene_ask(analysis, text, s.id, s.seconds, model) for s in offline.scenes
            if s.kept and s.note != "pinned by you"]


def estimate(asks: list[SceneAsk], cache_dir: Path, backend) -> Estimate:
    """Tokens and price of the scenes not cached yet (prompt: its characters / 4; answer: its words x 2)."""
    cache = AnswerCache(cache_dir)
    todo = [a for a in asks if _cached(cache, a) is None]
    prompt = sum(prompt_tokens(a.messages) for a in todo)
    completion = sum(int(a.seconds * SPEECH_WPS * 2) + 60 for a in todo)
    return Estimate(len(todo), len(asks) - len(todo), prompt, completion, backend.price(prompt, completion))


def adapt_with_model(analysis: BookAnalysis, text: str, choices: Choices, backend, cache_dir: Path, *,
                     progress: ProgressCallback | None = None, policy: RetryPolicy | None = None,
                     read_timeout: float | None = None, on_estimate=None) -> Adaptation:
    """The adaptation with each kept scene written by the chat `backend` (see the module docstring).

    `on_estimate(Estimate)` is called before anything is sent (it may refuse by raising); without it, a run
    that would cost money is refused."""
    offline = adapt_book(analysis, text, choices, progress=progress)
    asks = plan_asks(analysis, text, offline, backend.options.model)
    cost = estimate(asks, cache_dir, backend)
    if on_estimate is not None:
        on_estimate(cost)
    elif cost.usd > 0:
        raise UserError(f"adapting with {backend.name} would cost about ${cost.usd:.2f}",
                        "run `filmsofone adapt S` to see the estimate and confirm with --yes")
    written = asyncio.run(_ask_all(asks, text, backend, cache_dir, progress, policy, read_timeout))
    roles = {c.id: c.role for c in analysis.characters}
    scenes, warnings = [], []
    for scene in offline.scenes:
        beats, problem = written.get(scene.id, (None, None))
        if beats is None:
            if problem:
                warnings.append(f"scene {scene.id}: {problem}; the offline adapter's version is used")
                scene = scene.model_copy(update={"note": f"offline (the model's answer was refused: {problem})"})
            scenes.append(scene)
            continue
        beats = trim_to_budget(beats, scene.seconds, roles)
        scenes.append(scene.model_copy(update={"beats": beats, "seconds": round(scene_seconds(beats), 2),
                                               "note": backend.name}))
    return Adaptation(target_seconds=offline.target_seconds, total_seconds=round(sum(s.seconds for s in scenes), 1),
                      adapter=backend.name, full_seconds=offline.full_seconds, scenes=scenes, warnings=warnings)


async def _ask_all(asks: list[SceneAsk], text: str, backend, cache_dir: Path, progress, policy, read_timeout):
    """Each scene's beats (cached, or asked now: again once when refused), or None and why."""
    written: dict[str, tuple[list[AdaptedBeat] | None, str | None]] = {}
    policy = policy or backend.retry_policy(4)
    cache = AnswerCache(cache_dir)
    async with backend.client(timeout=read_timeout) as client:
        if any(_cached(cache, ask) is None for ask in asks):
            await reach(client, backend)  # a server that is not there: one line, before any progress
        for done, ask in enumerate(asks, 1):
            beats = _cached(cache, ask)
            if beats is None:
                beats, problem = await ask_checked(
                    client, backend, ask.messages, lambda reply, a=ask: read_answer(reply, a, text), policy=policy,
                    what=f"scene {ask.scene_id}", again="Answer again with the same JSON, copying every quotation exactly.",
                    on_wait=(lambda wait: progress(str(wait), 0, 1)) if progress else None)
                if beats is not None:
                    cache.put(ask.key, [b.model_dump(mode="json") for b in beats])
                written[ask.scene_id] = (beats, problem)
            else:
                written[ask.scene_id] = (beats, None)
            if progress:
                progress(f"adapting with {backend.name}", done, len(asks))
    return written
