"""Optional refinement by a language model: the least sure quotations re-attributed by a chat backend.

Off unless asked (`filmsofone speakers S --refine`). For each quotation whose speaker is below a confidence
(or found for no one), the chat backend (`openai-chat`: a local Ollama or a hosted service) gets the text
around it with the line marked ⟦...⟧, the lines near it with the speakers the analysis gave them, and the
characters that may speak it (id, name, aliases, gender), and answers JSON `{"speaker": "<id>"}` or
`{"speaker": "unknown"}`. The answer is validated with pydantic and must name a character of the analysis or
"unknown"; otherwise it is asked again once, and a second bad answer (or a model that cannot be reached) leaves
the line as it was, with a warning. Answers are cached by the hash of what was asked (a run resumes where it
stopped); a token and price estimate is given before anything is sent. A line the model gives a speaker gets
method "llm" and is not asked again; lines the user fixed (method "user") are never asked.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from ..backends.chat_ask import AnswerCache, Estimate, ask_checked, messages_key, prompt_tokens, reach, strip_fences
from ..backends.transport import RetryPolicy
from ..errors import UserError
from ..models import BookAnalysis, Character, ProgressCallback, Quote

UNKNOWN = "unknown"
BEFORE_CHARS = 1200  # text given before the line
AFTER_CHARS = 400  # and after it
MAX_CHARACTERS = 30  # characters offered for one line (those of its scene and nearby first)
ANSWER_TOKENS = 20  # about what one answer takes
AGREED_CONFIDENCE = 0.8  # the model gave the analysis's speaker (two ways of reading agree)
CHANGED_CONFIDENCE = 0.6  # the model gave another speaker (not calibrated: no gold to measure it on here)
SYSTEM = """You decide who speaks one quotation in a novel. You get the characters who may speak it (id, name,
aliases, gender), the text around it with the quotation marked ⟦like this⟧, and the quotations near it with the
speakers an automatic analysis gave them (these may be wrong). Read the speech tags, who is addressed, who
answers whom and who is present. Answer only JSON: {"speaker": "<the character's id, e.g. c3>"}, or
{"speaker": "unknown"} when the text does not let you decide."""


class SpeakerAnswer(BaseModel):
    speaker: str


@dataclass
class QuoteAsk:
    """What is asked about one quotation."""

    quote: Quote
    messages: list[dict]

    @property
    def key(self) -> str:
        return messages_key(self.messages)


@dataclass
class Refinement:
    """What the model made of the asked lines (the analysis is changed in place)."""

    asked: int = 0  # lines sent to the model in this run
    cached: int = 0  # lines whose answer was cached
    changed: list[tuple[str, str | None, str]] = field(default_factory=list)  # (quote id, old speaker, new)
    agreed: list[str] = field(default_factory=list)  # quote ids the model gave the analysis's speaker
    unknown: list[str] = field(default_factory=list)  # quote ids the model could not decide
    warnings: list[str] = field(default_factory=list)  # lines left as they were, and why


def lines_to_refine(analysis: BookAnalysis, below: float, limit: int | None = None) -> list[Quote]:
    """The lines found for no one, then those of confidence under `below` (least sure first), at most `limit`,
    in the book's order; never a line the user fixed or the model already answered."""
    unsure = [q for q in analysis.quotes if q.method not in ("user", "llm") and q.spans
              and (q.speaker is None or (q.confidence is not None and q.confidence < below))]
    unsure.sort(key=lambda q: (q.speaker is not None, q.confidence if q.confidence is not None else 0.0, q.spans[0][0]))
    chosen = unsure if limit is None else unsure[: max(limit, 0)]
    return sorted(chosen, key=lambda q: q.spans[0][0])


def quote_ask(analysis: BookAnalysis, text: str, quote: Quote, model: str) -> QuoteAsk:
    """The messages about one line: the text around it (the line marked), nearby lines, possible speakers."""
    start, end = quote.spans[0][0], quote.spans[-1][1]
    low, high = _word_boundary(text, max(0, start - BEFORE_CHARS)), min(len(text), end + AFTER_CHARS)
    names = {c.id: c.name for c in analysis.characters}
    nearby = [{"starts": " ".join(text[q.spans[0][0]:q.spans[0][1]].split())[:60],
               "speaker": names.get(q.speaker or "", UNKNOWN)}
              for q in analysis.quotes if q is not quote and q.spans and low <= q.spans[0][0] < high]
    material = {
        "model": model,
        "characters": [_described(c) for c in _candidates(analysis, text, quote, low, high)],
        "text": text[low:start] + "⟦" + text[start:end] + "⟧" + text[end:high],
        "nearby_quotations": nearby,
        "analysis_guess": names.get(quote.speaker or "", UNKNOWN),
    }
    user = json.dumps(material, ensure_ascii=False)
    return QuoteAsk(quote, [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}])


def read_answer(answer: str, known: set[str]) -> tuple[str | None, list[str]]:
    """The character id the answer names (None: "unknown"), and the reasons it is refused (none: accepted)."""
    try:
        parsed = SpeakerAnswer.model_validate_json(strip_fences(answer))
    except ValidationError as exc:
        return None, [f"the answer is not the JSON asked for: {exc.errors()[0]['msg']}"]
    speaker = parsed.speaker.strip()
    if speaker.casefold() == UNKNOWN:
        return None, []
    if speaker not in known:
        return None, [f"there is no character '{speaker[:40]}' in the list (answer one of its ids, or \"unknown\")"]
    return speaker, []


def estimate(asks: list[QuoteAsk], cache: AnswerCache, backend) -> Estimate:
    """Tokens and price of the lines not cached yet."""
    todo = [a for a in asks if cache.get(a.key) is None]
    prompt = sum(prompt_tokens(a.messages) for a in todo)
    completion = ANSWER_TOKENS * len(todo)
    return Estimate(len(todo), len(asks) - len(todo), prompt, completion, backend.price(prompt, completion))


def refine_speakers(analysis: BookAnalysis, text: str, backend, cache_dir: Path, *, below: float,
                    limit: int | None = None, progress: ProgressCallback | None = None,
                    policy: RetryPolicy | None = None, read_timeout: float | None = None,
                    on_estimate=None) -> Refinement:
    """Ask the chat `backend` about the least sure lines and give them the speakers it names (in place).

    `on_estimate(Estimate)` is called before anything is sent (it may refuse by raising); without it, a run
    that may cost money is refused."""
    asks = [quote_ask(analysis, text, q, backend.options.model) for q in lines_to_refine(analysis, below, limit)]
    cache = AnswerCache(cache_dir)
    cost = estimate(asks, cache, backend)
    if on_estimate is not None:
        on_estimate(cost)
    elif cost.asks and (cost.usd > 0 or backend.is_paid()):
        raise UserError(f"refining speakers with {backend.name} may cost money (about ${cost.usd:.2f})",
                        "run `filmsofone speakers S --refine --estimate` to see the estimate, then confirm with --yes")
    refinement = Refinement(cached=cost.cached)
    answers = asyncio.run(_ask_all(asks, {c.id for c in analysis.characters}, backend, cache, progress, policy,
                                   read_timeout, refinement))
    for ask in asks:
        _apply(ask.quote, answers.get(ask.quote.id), refinement)
    return refinement


def _apply(quote: Quote, answer: dict | None, refinement: Refinement) -> None:
    if answer is None:
        return  # left as it was (a warning says why)
    speaker = answer.get("speaker")
    if speaker is None:
        refinement.unknown.append(quote.id)
        return
    agreed = speaker == quote.speaker
    if agreed:
        refinement.agreed.append(quote.id)
    else:
        refinement.changed.append((quote.id, quote.speaker, speaker))
    quote.speaker, quote.method = speaker, "llm"
    quote.confidence = max(quote.confidence or 0.0, AGREED_CONFIDENCE if agreed else CHANGED_CONFIDENCE)


async def _ask_all(asks: list[QuoteAsk], known: set[str], backend, cache: AnswerCache, progress, policy,
                   read_timeout, refinement: Refinement) -> dict[str, dict]:
    """Each line's answer {"speaker": id or None} (cached, or asked now); a line left out was not answered."""
    answers: dict[str, dict] = {}
    policy = policy or backend.retry_policy(4)
    label = f"speakers: asking {backend.name}"
    async with backend.client(timeout=read_timeout) as client:
        if any(cache.get(ask.key) is None for ask in asks):
            await reach(client, backend)  # a server that is not there: one line, before any progress
        for done, ask in enumerate(asks, 1):
            answer = cache.get(ask.key)
            if not isinstance(answer, dict) or (answer.get("speaker") is not None and answer["speaker"] not in known):
                speaker, problem = await ask_checked(
                    client, backend, ask.messages, lambda reply: read_answer(reply, known), policy=policy,
                    what=f"quotation {ask.quote.id}", again="Answer again with the same JSON.",
                    on_wait=(lambda wait, at=done - 1: progress(f"speakers: {wait}", at, len(asks))) if progress else None)
                refinement.asked += 1
                if problem:
                    refinement.warnings.append(f"{ask.quote.id}: {problem}; its speaker is left as it was")
                    answer = None
                else:
                    answer = {"speaker": speaker}
                    cache.put(ask.key, answer)
            if answer is not None:
                answers[ask.quote.id] = answer
            if progress:
                progress(label, done, len(asks))
    return answers


def _candidates(analysis: BookAnalysis, text: str, quote: Quote, low: int, high: int) -> list[Character]:
    """Who may speak the line: its scene's people, the speakers and the characters named near it, the analysis's
    guess; then the book's major characters; at most MAX_CHARACTERS, the most mentioned first within each."""
    window = text[low:high]
    named = {c.id for c in analysis.characters if any(n and n in window for n in (c.name, *c.aliases))}
    scene = next((s for s in analysis.scenes if s.id == quote.scene), None)
    near = set(scene.characters if scene else ()) | named | {quote.speaker or ""}
    near |= {q.speaker for q in analysis.quotes if q.scene == quote.scene and q.speaker}
    first = [c for c in analysis.characters if c.id in near]
    rest = [c for c in analysis.characters if c.id not in near and c.role == "major"]
    ordered = sorted(first, key=lambda c: -c.mentions) + sorted(rest, key=lambda c: -c.mentions)
    return ordered[:MAX_CHARACTERS]


def _described(character: Character) -> dict:
    return {"id": character.id, "name": character.name, "aliases": character.aliases[:6], "gender": character.gender}


def _word_boundary(text: str, at: int) -> int:
    """`at` moved forward to the start of a word (the window does not open mid-word)."""
    if at == 0:
        return 0
    space = text.find(" ", at, at + 40)
    return space + 1 if space >= 0 else at
