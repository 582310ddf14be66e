"""The word lists about speech and people, in one place: speech verbs (and how they sound), honorifics and
titles, and the verbs of inner life.

Every stage that recognises a speech tag ("said Ada", "she whispered"), a title ("Mrs. Bennet") or a thought
reads these lists; no other module keeps its own. Words are as written in a book (inflected, "went on" as two
words); `alternation` turns a list into a regular-expression alternation (longest first).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# --- speech --------------------------------------------------------------------------------------------

# verbs that tag a quotation with its speaker ("said Ada", "Ada replied", "she wondered", "he wrote")
SPEECH_VERBS: tuple[str, ...] = (
    "said", "says", "say", "saying", "cried", "cries", "asked", "asks", "replied", "replies", "answered",
    "answers", "returned", "exclaimed", "observed", "added", "continued", "began", "remarked", "shouted",
    "whispered", "muttered", "murmured", "repeated", "rejoined", "retorted", "interrupted", "inquired",
    "enquired", "called", "screamed", "sighed", "laughed", "resumed", "responded", "protested", "declared",
    "suggested", "urged", "pursued", "thought", "went on", "growled", "groaned", "sobbed", "stammered",
    "explained", "insisted", "demanded", "roared", "bawled", "yelled", "snapped", "sneered", "gasped", "panted",
    "faltered", "ventured", "echoed", "concluded", "agreed", "admitted", "persisted", "spoke", "told", "warned",
    "begged", "pleaded", "commanded", "ordered", "croaked", "chuckled", "giggled", "grumbled", "hissed",
    "moaned", "mumbled", "reasoned", "reflected", "reminded", "reported", "shrieked", "smiled", "sniffed",
    "squeaked", "stormed", "wailed", "whimpered", "wondered", "joined in", "put in", "broke in", "burst out",
    "struck in", "interposed", "assented", "objected", "cried out", "called out", "thundered", "drawled",
    "lisped", "whined", "sang", "read", "wrote", "assured", "proceeded", "hazarded", "bellowed", "breathed",
    "broke out", "remonstrated",
)
# the speech verbs whose subject is a speaker wherever they occur, even far from any quotation ("said Cecil",
# "the Hatter went on"); the others also mean something else ("a house called Windy Corner", "returned to")
NAMING_SPEECH_VERBS: tuple[str, ...] = (
    "said", "cried", "asked", "replied", "answered", "exclaimed", "shouted", "whispered", "began", "continued",
    "added", "remarked", "went on", "thought",
)
# the speech verbs a line is raised with (a strong line: a louder, closer shot)
LOUD_SPEECH_VERBS = frozenset({
    "cried", "shouted", "screamed", "exclaimed", "roared", "shrieked", "yelled", "hissed", "snapped", "sobbed",
    "thundered", "bellowed", "gasped", "stammered", "burst out", "broke out", "retorted", "protested", "bawled",
    "cried out", "called out", "stormed",
})
# the speech verbs of a lowered voice
QUIET_SPEECH_VERBS = frozenset({"whispered", "murmured", "muttered", "breathed", "mumbled"})
# a verb's stem -> the screenplay parenthetical it becomes ('she whispered' -> "(whispering)")
PARENTHETICALS: dict[str, str] = {
    "whisper": "whispering", "murmur": "softly", "mutter": "muttering", "breath": "under the breath",
    "shout": "shouting", "scream": "screaming", "shriek": "shrieking", "yell": "shouting", "roar": "roaring",
    "bellow": "bellowing", "sob": "sobbing", "stammer": "stammering", "gasp": "gasping", "hiss": "hissing",
    "laugh": "laughing", "snap": "sharply", "sigh": "sighing", "growl": "growling", "cried": "crying out",
}
# what a person does besides speaking that a place never does ("Tibby nodded")
GESTURE_VERBS: tuple[str, ...] = ("laughed", "smiled", "nodded")

# --- inner life (thought, not speech: the adaptation's voice-over and the actor's face) ------------------

INTERIOR_VERBS: tuple[str, ...] = (
    "thought", "felt", "knew", "wondered", "hoped", "remembered", "feared", "believed", "wished", "longed",
    "supposed", "imagined", "realised", "realized", "recalled", "doubted", "dreaded", "suspected", "reflected",
    "fancied", "mused", "considered", "understood", "forgot", "forgotten", "regretted",
)

# --- people: honorifics and titles ------------------------------------------------------------------------

# honorific -> gender ("male" / "female" / "unknown"); keys without the trailing period
HONORIFICS: dict[str, str] = {
    "Mr": "male", "Mister": "male", "Sir": "male", "Lord": "male", "Master": "male", "Monsieur": "male",
    "Herr": "male", "Signor": "male", "Señor": "male", "Don": "male", "Father": "male", "Brother": "male",
    "Uncle": "male", "King": "male", "Prince": "male", "Duke": "male", "Earl": "male", "Count": "male",
    "Baron": "male", "Mrs": "female", "Miss": "female", "Ms": "female", "Lady": "female", "Madam": "female",
    "Madame": "female", "Mme": "female", "Mlle": "female", "Mademoiselle": "female", "Mistress": "female",
    "Dame": "female", "Frau": "female", "Fräulein": "female", "Signora": "female", "Señora": "female",
    "Aunt": "female", "Sister": "female", "Mother": "female", "Queen": "female", "Princess": "female",
    "Duchess": "female", "Countess": "female", "Baroness": "female",
    "Dr": "unknown", "Doctor": "unknown", "Professor": "unknown", "Prof": "unknown", "Colonel": "male",
    "Col": "male", "Captain": "male", "Capt": "male", "Major": "male", "General": "male", "Lieutenant": "male",
    "Sergeant": "male", "Inspector": "male", "Reverend": "male", "Rev": "male", "Judge": "unknown",
}
# honorifics after which a bare surname names a married woman / unmarried woman / man
FAMILY_TITLES = {"Mr": "male", "Mrs": "female", "Miss": "female", "Ms": "female", "Mister": "male"}
# honorifics followed by a surname rather than a first name (Colonel Forster, Dr. Watson, Mrs. Bennet)
SURNAME_TITLES = frozenset(
    {"Mr", "Mrs", "Miss", "Ms", "Mister", "Monsieur", "Madame", "Mme", "Mlle", "Herr", "Frau", "Signor", "Signora",
     "Dr", "Doctor", "Professor", "Prof", "Colonel", "Col", "Captain", "Capt", "Major", "General", "Lieutenant",
     "Sergeant", "Inspector", "Reverend", "Rev", "Judge", "Señor", "Señora"}
)
# titles of rank (Lady Catherine, Sir William): followed by a first name as often as by a surname
RANK_TITLES = frozenset({"Lady", "Lord", "Sir", "Duke", "Duchess", "Earl", "Count", "Countess", "Baron", "Baroness",
                         "King", "Queen", "Prince", "Princess"})
# the titles most names in English novels bear (a name after one of them is a person's, not a place's)
COMMON_TITLES: tuple[str, ...] = ("Mr", "Mrs", "Miss", "Ms", "Dr", "Lady", "Sir")
# titles written abbreviated, with a full stop ("Mr. Bennet")
ABBREVIATED_TITLES: tuple[str, ...] = ("Mr", "Mrs", "Ms", "Dr")
# abbreviations whose full stop does not end the sentence ("Mr. Bennet", "St. Paul's")
ABBREVIATIONS: tuple[str, ...] = (*ABBREVIATED_TITLES, "St")
# a common noun -> the titles that name the same office ("the doctor" is "Doctor Losberne")
TITLE_NOUNS: dict[str, tuple[str, ...]] = {
    "doctor": ("Dr", "Doctor"), "captain": ("Captain", "Capt"), "colonel": ("Colonel", "Col"), "major": ("Major",),
    "inspector": ("Inspector",), "professor": ("Professor", "Prof"), "sergeant": ("Sergeant",),
    "lieutenant": ("Lieutenant",), "general": ("General",), "judge": ("Judge",),
}

# kin noun -> (gender, titles the relative usually bears)
KIN: dict[str, tuple[str, tuple[str, ...]]] = {
    "mother": ("female", ("Mrs",)),
    "wife": ("female", ("Mrs", "Lady")),
    "father": ("male", ("Mr", "Sir")),
    "husband": ("male", ("Mr", "Sir")),
    "brother": ("male", ()),
    "sister": ("female", ()),
    "son": ("male", ()),
    "daughter": ("female", ()),
}


def alternation(words: Iterable[str]) -> str:
    """A regular-expression alternation of `words` (escaped, longest first, so "cried out" wins over "cried");
    multi-word entries match any run of spaces or line breaks between their words."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(r"[ \t\n]+".join(re.escape(part) for part in word.split()) for word in ordered)


def not_sentence_end() -> str:
    """Look-behinds that keep an abbreviation's full stop ("Mr.") from ending a sentence."""
    return "".join(rf"(?<!\b{re.escape(a)})" for a in ABBREVIATIONS)
