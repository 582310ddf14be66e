"""The word lists about speech and people, in one place: speech verbs (and how they sound), honorifics and
titles, and the verbs of inner life.

Every stage that recognises a speech tag ("said Ada", "she whispered"), a title ("Mrs. Pellow") or a thought
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
# the speech verbs whose subject is a speaker wherever they occur, even far from any quotation ("said Osric",
# "the Tinker went on"); the others also mean something else ("a house called Mill Corner", "returned to")
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

# --- numbers --------------------------------------------------------------------------------------------------

# ordinal words in order ("Chapter the Third", "the second constable"): ORDINALS.index(word) + 1 is the number
ORDINALS: tuple[str, ...] = tuple(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth "
    "fifteenth sixteenth seventeenth eighteenth nineteenth".split())

# --- animals ------------------------------------------------------------------------------------------------

# animals a story may name and cast ("Bosun, the old brown dog", "a parrot called Fig")
ANIMAL_NOUNS = frozenset("""
    dog hound puppy terrier spaniel collie mastiff retriever poodle sheepdog cat kitten tomcat horse pony mare
    stallion colt foal donkey mule cow bull ox calf goat sheep lamb pig parrot cockatoo bird raven crow jackdaw
    magpie owl canary hawk falcon goose duck hen cockerel rooster fox wolf bear monkey ape rabbit hare mouse rat
    ferret squirrel hedgehog badger otter tortoise toad frog snake
""".split())

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
# honorifics followed by a surname rather than a first name (Colonel Marden, Dr. Tolley, Mrs. Pellow)
SURNAME_TITLES = frozenset(
    {"Mr", "Mrs", "Miss", "Ms", "Mister", "Monsieur", "Madame", "Mme", "Mlle", "Herr", "Frau", "Signor", "Signora",
     "Dr", "Doctor", "Professor", "Prof", "Colonel", "Col", "Captain", "Capt", "Major", "General", "Lieutenant",
     "Sergeant", "Inspector", "Reverend", "Rev", "Judge", "Señor", "Señora"}
)
# particles that belong to a surname ("van der Hoek", "de Mornay", "du Plessis", "von Bülow"), lower case
SURNAME_PARTICLES = frozenset({"de", "du", "des", "van", "von", "der", "den", "ten", "ter", "la", "le", "di", "da",
                               "del", "della", "st."})
# titles of rank (Lady Imogen, Sir Osric): followed by a first name as often as by a surname
RANK_TITLES = frozenset({"Lady", "Lord", "Sir", "Duke", "Duchess", "Earl", "Count", "Countess", "Baron", "Baroness",
                         "King", "Queen", "Prince", "Princess"})
# the titles most names in English novels bear (a name after one of them is a person's, not a place's)
COMMON_TITLES: tuple[str, ...] = ("Mr", "Mrs", "Miss", "Ms", "Dr", "Lady", "Sir")
# titles written abbreviated, with a full stop ("Mr. Pellow")
ABBREVIATED_TITLES: tuple[str, ...] = ("Mr", "Mrs", "Ms", "Dr")
# abbreviations whose full stop does not end the sentence ("Mr. Pellow", "St. Paul's")
ABBREVIATIONS: tuple[str, ...] = (*ABBREVIATED_TITLES, "St")
# a common noun -> the titles that name the same office ("the doctor" is "Doctor Dunstable")
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


# --- the adaptation: what a camera can show ----------------------------------------------------------------

# speech verbs that also name something else ("she laughed", "he returned to the house", "a house called ...",
# "she began to walk"): a narration sentence holding one is a speech tag only next to a quotation
AMBIGUOUS_SPEECH_VERBS = frozenset({
    "returned", "observed", "added", "continued", "began", "called", "cried", "repeated", "resumed", "sighed",
    "laughed", "smiled", "screamed", "gasped", "sobbed", "roared", "thundered", "bellowed", "yelled", "shrieked",
    "urged", "pursued", "thought", "growled", "groaned", "panted", "echoed", "concluded", "agreed", "admitted",
    "persisted", "spoke", "told", "warned", "begged", "ordered", "chuckled", "giggled", "moaned", "reflected",
    "reminded", "reported", "sniffed", "stormed", "wailed", "whimpered", "wondered", "sang", "read", "wrote",
    "proceeded", "breathed", "went on", "joined in", "put in", "broke in", "burst out", "struck in", "broke out",
    "cried out", "called out", "assured", "ventured", "commanded", "croaked", "squeaked", "whined", "cries",
    "snapped", "hissed",
})
# the speech verbs that make a speech tag wherever they occur ("said he", "replied Elizabeth")
TAG_VERBS = frozenset(v for v in SPEECH_VERBS if v not in AMBIGUOUS_SPEECH_VERBS)

# words that state what a character thinks, feels, knows or remembers: INTERIOR_VERBS and their other
# forms, and the adjectives and nouns of inner life. The adaptation drops narration holding one, and
# `bench/adapt_check.py` counts the action lines that still do.
INTERIOR_STATE_WORDS = frozenset(INTERIOR_VERBS) | frozenset("""
thinks think thinking feel feels feeling know knows knowing known wonder wonders wondering hope hopes hoping
remember remembers remembering recollected recollect recall believe believes suppose supposes fancy fancies
wish wishes wishing realise realize understand understands imagine imagines doubt doubts consider considers
reflect reflects reflection resolved decided dread fears regret forget guessed guess suspect expected expect
expects intended intend preferred prefer desired desire desires conscious consciousness aware persuaded
convinced perceived perceive mind minded meditated pondered judged assumed presumed trusted conviction
anxious anxiety ashamed jealous envious curious vexed mortified grateful gratitude pleased displeased
delighted disappointed satisfied uneasy happiness unhappy thoughts idea ideas recollection recollections memory
memories opinion opinions feelings
""".split())

# verbs of liking and disliking (lemmas): "she liked to sit", "he detests being alone" state a feeling, not an
# action; the adapter reads them as verbs in spaCy's parse ("like" the preposition is not one)
LIKING_VERBS = frozenset("""
like love hate detest dislike loathe adore enjoy despise abhor relish prefer admire cherish appreciate esteem
resent envy pity
""".split())
# adjectives (and participles) of feeling: after a copula ("is glad", "grew afraid", "was surprised") they state
# what a character feels; in front of a noun ("an angry sea") they describe what is seen, so the adapter reads
# them only as a copula's complement in the parse
FEELING_ADJECTIVES = frozenset("""
glad happy unhappy sad sorrowful miserable wretched lonely angry furious cross indignant annoyed irritated afraid
frightened scared terrified fearful nervous worried troubled distressed upset proud ashamed embarrassed sorry fond
eager impatient hopeful hopeless desperate surprised astonished amazed puzzled bewildered perplexed confused shocked
relieved content contented thankful bored disgusted offended amused charmed enchanted
""".split())
# linking verbs whose adjective describes the subject ("she was glad", "he grew angry", "she felt ashamed")
COPULAS = frozenset("be become grow feel get remain".split())  # not seem/look: a face is seen
# lemmas of verbs of thought (the verbs of INTERIOR_STATE_WORDS as lemmas, so that every inflection counts:
# "is considering", "comprehends"); the parse reads them as a clause's main verb
THOUGHT_VERBS = frozenset("""
think feel know wonder hope remember recollect recall believe suppose fancy wish realise realize understand
comprehend imagine doubt consider contemplate reflect ponder muse meditate resolve decide dread fear regret forget
guess conjecture suspect expect intend prefer desire long perceive judge assume presume trust
""".split())
# nouns of the mind: as the subject of a clause ("her fears grew", "my pity goes out to him") or a clause
# of its own ("Her dread of being left alone."), what happens is in someone's head
MIND_NOUNS = frozenset("""
thought idea feeling memory recollection opinion conviction notion fancy fear hope doubt love sympathy
conjecture regret wish anxiety longing suspicion dread grief sorrow joy anger pity affection resentment
""".split())
# adjectives of a prediction ("they are sure to doze off", "he is bound to come"): what will or usually happens,
# not an action seen now
PREDICTION_ADJECTIVES = frozenset("sure certain bound likely unlikely apt".split())

# past-tense verbs of what can be seen (bodies moving, objects handled), each with its present tense
# (third person singular, and plural), for rewriting narration as screen action
_VISIBLE = """
walked walks walk|ran runs run|went goes go|came comes come|entered enters enter|crossed crosses cross|
sat sits sit|stood stands stand|rose rises rise|turned turns turn|looked looks look|glanced glances glance|
smiled smiles smile|nodded nods nod|bowed bows bow|shook shakes shake|took takes take|gave gives give|
handed hands hand|put puts put|placed places place|held holds hold|opened opens open|closed closes close|
shut shuts shut|threw throws throw|caught catches catch|picked picks pick|pulled pulls pull|pushed pushes push|
lifted lifts lift|dropped drops drop|fell falls fall|climbed climbs climb|rode rides ride|drove drives drive|
arrived arrives arrive|knocked knocks knock|rang rings ring|wrote writes write|danced dances dance|
kissed kisses kiss|embraced embraces embrace|wept weeps weep|ate eats eat|drank drinks drink|pours pours pour|
poured pours pour|lit lights light|struck strikes strike|hurried hurries hurry|rushed rushes rush|
followed follows follow|led leads lead|stepped steps step|leaned leans lean|knelt kneels kneel|waved waves wave|
pointed points point|seized seizes seize|grasped grasps grasp|snatched snatches snatch|tore tears tear|
burst bursts burst|flung flings fling|hid hides hide|showed shows show|appeared appears appear|
disappeared disappears disappear|passed passes pass|reached reaches reach|raised raises raise|
lowered lowers lower|folded folds fold|trembled trembles tremble|shivered shivers shiver|blushed blushes blush|
frowned frowns frown|stared stares stare|gazed gazes gaze|watched watches watch|sprang springs spring|
jumped jumps jump|leapt leaps leap|leaped leaps leap|hastened hastens hasten|strolled strolls stroll|
paced paces pace|wandered wanders wander|galloped gallops gallop|rowed rows row|sailed sails sail|
dressed dresses dress|played plays play|sang sings sing|slept sleeps sleep|woke wakes wake|lay lies lie|
sank sinks sink|shuddered shudders shudder|left leaves leave|moved moves move|carried carries carry|
brought brings bring|fetched fetches fetch|set sets set|laid lays lay|touched touches touch|grabbed grabs grab|
clutched clutches clutch|stopped stops stop|waited waits wait|hung hangs hang|burned burns burn|
flickered flickers flicker|blew blows blow|broke breaks break|stumbled stumbles stumble|ducked ducks duck|
crept creeps creep|fled flees flee|chased chases chase|fought fights fight|hit hits hit|slapped slaps slap|
kicked kicks kick|shot shoots shoot|fired fires fire|escaped escapes escape|returned returns return|
descended descends descend|ascended ascends ascend|mounted mounts mount|dismounted dismounts dismount|
swam swims swim|wiped wipes wipe|rubbed rubs rub|stroked strokes stroke|clasped clasps clasp|
shrugged shrugs shrug|winked winks wink|grinned grins grin|tapped taps tap|scratched scratches scratch|
peered peers peer|spread spreads spread|filled fills fill|emptied empties empty|counted counts count|
unlocked unlocks unlock|locked locks lock|slammed slams slam|wrapped wraps wrap|tied ties tie|cut cuts cut|
dug digs dig|swept sweeps sweep|washed washes wash|knit knits knit|sewed sews sew|signed signs sign|
sealed seals seal|tossed tosses toss|gathered gathers gather|scattered scatters scatter|glided glides glide|
dashed dashes dash|staggered staggers stagger|limped limps limp|marched marches march|tramped tramps tramp|
scrambled scrambles scramble|approached approaches approach|joined joins join|bent bends bend|lay lies lie|
laughed laughs laugh|sighed sighs sigh|vanished vanishes vanish|kept keeps keep|began begins begin|
wore wears wear|sent sends send|met meets meet|found finds find|saw sees see|heard hears hear|
looked looks look|beckoned beckons beckon|hugged hugs hug|patted pats pat|squeezed squeezes squeeze|
nudged nudges nudge|brushed brushes brush|swung swings swing|spun spins spin|twisted twists twist|
flew flies fly|floated floats float|drifted drifts drift|sprinted sprints sprint|tumbled tumbles tumble|
slipped slips slip|slid slides slide|crawled crawls crawl|peeped peeps peep|bit bites bite|chewed chews chew|
cooked cooks cook|baked bakes bake|served serves serve|cleaned cleans clean|mended mends mend|
collapsed collapses collapse|fainted faints faint|died dies die|kneeled kneels kneel|lit lights light
"""
VISIBLE_ACTION_VERBS: dict[str, tuple[str, str]] = {
    past: (third, base)
    for past, third, base in (entry.split() for entry in _VISIBLE.replace("\n", "").split("|") if entry.strip())
}

_WORD = re.compile(r"[A-Za-z]+")
_MULTIWORD = {v for v in SPEECH_VERBS if " " in v}
_MULTIWORD_RE = re.compile(r"\b(?:" + alternation(_MULTIWORD) + r")\b", re.I)


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def has_speech_verb(text: str, *, ambiguous: bool = False) -> bool:
    """The text holds a word of TAG_VERBS (with `ambiguous`, any of SPEECH_VERBS, 'went on' included)."""
    words = _words(text)
    if words & TAG_VERBS:
        return True
    return ambiguous and bool(words & AMBIGUOUS_SPEECH_VERBS or _MULTIWORD_RE.search(text))


def states_interior(sentence: str) -> bool:
    """The sentence holds a word of INTERIOR_STATE_WORDS."""
    return bool(_words(sentence) & INTERIOR_STATE_WORDS)
