"""Data tables for settings: common-noun places (interior or exterior) and time-of-day words."""

from __future__ import annotations

from ..lexicon import HONORIFICS, NAMING_SPEECH_VERBS

INTERIOR_PLACES = frozenset(
    """drawing-room sitting-room parlour parlor library study dining-room
    breakfast-room morning-room hall ballroom ball-room bedroom bed-room chamber kitchen cellar
    attic garret office shop church chapel cathedral inn tavern public-house pub workhouse prison cell gaol jail
    court courtroom school schoolroom classroom theatre theater opera museum gallery hotel pension lodging
    lodgings carriage coach cab train railway-carriage compartment cabin saloon house cottage room apartment
    flat staircase stairs corridor passage landing nursery vestry barn stable stables mill factory warehouse
    hospital ward castle palace mansion manor abbey parsonage vicarage rectory bar club restaurant cafe café
    dining-hall conservatory greenhouse boudoir closet pantry scullery counting-house shed hut lodge tower
    furnace mills parlour kitchen-garden hall-way hallway entry lobby gallery garret loft dungeon academy bungalow
    suite studio station smoking-room billiard-room dormitory asylum building cottage hut tunnel
    rabbit-hole coffee-house coffee-room university homestead hovel vestibule villa woodshed edifice
    farmhouse farm-house ante-room anteroom dressing-room bedchamber sick-room sickroom laboratory observatory
    convent monastery nunnery temple mosque synagogue crypt vault tomb infirmary almshouse poorhouse
    workshop forge smithy brewery dairy laundry wash-house tap-room taproom alehouse ale-house boarding-house
    lodging-house post-office courthouse town-hall guildhall barracks fortress cloister turret garret
    cabin shanty tenement lighthouse light-house depot kennel kennels lavatory outhouse steamer""".split()
    + ["drawing room", "sitting room", "dining room", "breakfast room", "public house", "counting house"]
)
EXTERIOR_PLACES = frozenset(
    """garden gardens park street streets road lane square field fields meadow wood woods forest grove orchard
    shrubbery lawn terrace courtyard yard churchyard cemetery graveyard bridge river riverbank bank shore beach
    sea coast harbour harbor quay wharf dock docks pier hill hills mountain mountains valley moor heath common
    village town city market market-place marketplace highway path avenue walk paddock lake pond pool island
    cliff cliffs gate gates porch veranda verandah balcony rooftop roof deck boat ship yacht plain desert
    countryside fountain piazza canal hedge wilderness country land camp fort ocean cave tent bay port
    kingdom province region neighbourhood neighborhood world earth ground spot prairie swamp marsh brook
    stream creek rock rocks glen dale farm farmyard ditch trench road-side roadside wharf island marshes marsh
    hollow wharves promontory mud-flat veldt boulevard esplanade promenade embankment jetty shipyard glade
    clearing ravine gorge canyon cove inlet estuary lagoon jungle plateau ridge summit hillside mountainside
    riverside seaside seashore waterside thicket copse coppice dell pasture cornfield alley arcade ranch
    plantation vineyard quarry mine mines waterhole zoo driveway wagon waggon""".split()
)
PLACE_NOUNS = INTERIOR_PLACES | EXTERIOR_PLACES

# setting words that should not be treated as scene places on their own (too generic)
GENERIC = frozenset({"room", "house", "town", "city", "place", "door", "window"})
# generic places that are still settings, but a scene's setting only when it names no more specific place
WEAK_SETTINGS = frozenset({"room", "rooms", "house", "houses", "town", "city", "country", "neighbourhood", "neighborhood", "land", "region", "province", "kingdom"})
# place nouns that, after a determiner, are rarely where a scene happens ("fell to the ground", "in common")
NOT_SETTINGS = frozenset(
    """world earth ground spot walk common plain rock rocks passage gate gates bank entry landing bar
    place door window hedge""".split()
)
# first names that are also places: a recognised place with one of these names stays a place
PLACE_FIRST_NAMES = frozenset({"florence", "victoria", "york", "georgia", "virginia", "carolina", "chester", "lincoln", "jordan"})

TIME_WORDS = {
    "dawn": ("dawn", "daybreak", "sunrise", "first light", "cock-crow", "early morning"),
    "day": ("morning", "noon", "midday", "afternoon", "breakfast", "luncheon", "sunshine", "sunlight", "daylight", "dinner",
            "to-day", "today", "all day", "sunny", "sunbeams", "morning call", "morning visit", "forenoon"),
    "dusk": ("dusk", "sunset", "twilight", "evening", "nightfall", "sundown", "tea-time", "gloaming"),
    "night": ("night", "midnight", "moonlight", "moon", "candle", "candles", "lamp-light", "lamplight", "dark", "darkness", "stars", "supper", "ball",
              "to-night", "tonight", "bed-time", "bedtime", "asleep", "lamps", "firelight", "fire-light", "nightgown"),
}

# -- named places (proper nouns) ------------------------------------------------------------------------------
# last word of a proper name that makes it a place, and whether that place is an interior
NAMED_PLACE_SUFFIXES: dict[str, bool | None] = {
    **dict.fromkeys(
        """Inn Hotel Arms Tavern Hall House Castle Abbey Manor Lodge Cottage Church Chapel Cathedral College School
        Station Tower Home Priory Grange Rectory Vicarage Parsonage Palace Mansion Theatre Theater Museum Prison Gaol
        Asylum Hospital Workhouse Mill Mills Farm Villa Chambers Club""".split(), True),
    **dict.fromkeys(
        """Street Lane Square Road Row Park Gardens Common Heath Wood Woods Forest Hill Hills Heights Mountains
        Mountain Valley River Sound Bay Island Islands Lake Bridge Gate Green Fields Moor Downs Cliff Cliffs Point
        Harbour Harbor Quay Wharf Place Circus Terrace Avenue Crescent Walk Alley Court Sea Ocean Canal Creek
        Falls Desert Plains Marsh Fen Glen Dale Vale End Cross""".split(), False),
}
for _ambiguous in ("Park", "Place", "Court", "End", "Cross", "Gate", "Terrace", "Farm", "Mill", "Mills", "Chambers", "Club"):
    NAMED_PLACE_SUFFIXES[_ambiguous] = None  # a building or an address: interior unknown

# words before "of (the) X" that make X a place ("the town of Ashby", "the landlord of the Anchor")
PLACE_OF_NOUNS = frozenset(
    """town city village county port island kingdom country province state shire parish hamlet river banks bank
    shores shore streets road way coast harbour harbor neighbourhood neighborhood environs outskirts walls gates
    suburbs heart centre center outskirts north south east west interior capital borough district reach reaches
    mouth waters source valley foot summit slopes edge""".split()
)
INN_OF_NOUNS = frozenset("landlord landlady host hostess bar parlour tap-room taproom coffee-room sign door".split())
# verbs that, before in/at/to/from/into/near/for, say that the name after them is a place
PLACE_VERBS = frozenset(
    """lived living live lives born arrived arriving arrive arrives stayed staying stay stays stopping stopped
    settled resided residing reside dwelt dwelling situated returned returning return returns travelled traveled
    travelling traveling journeyed sailed sailing went gone going go goes drove driving rode riding removed started
    starting bound moved quartered stationed posted dined dine dining dinner ball party visit journey journeys
    trip way road miles mile married educated buried met meet meeting breakfast supper tea stopping lodged
    lodging lodgings stationed""".split()
)
# words before a preposition after which a capitalised name is rarely a place ("looked at X", "a letter from X")
NOT_PLACE_CONTEXT = frozenset(
    """look looked looking looks glance glanced glancing smile smiled smiling laugh laughed laughing stare stared
    staring gaze gazed gazing aim aimed point pointed hint hinted nod nodded frown frowned angry vexed surprised
    astonished interest interested faith belief pride delight confide confided trust believe believed letter
    letters note notes message word line lines say says saying talked talk spoke speak
    wrote write written writing given gave give sent send introduced belonged belong due known owing addressed
    turned listened referred kind attentive civil rude polite bowed curtsied waved cried called belongs appeal
    appealed applied apply next equal similar compared married related engaged attached devoted according
    thanks thank owe owed pay paid lent handed read reading news bequeathed left""".split()
) | frozenset(NAMING_SPEECH_VERBS)
NOT_PLACE_NAMES = frozenset(
    """I God Heaven Hell Christ Jesus Lord Providence Bible Scripture Parliament Government Church Court
    Army Navy State Company Sunday Monday Tuesday Wednesday Thursday Friday Saturday January February March April
    May June July August September October November December Christmas Easter Michaelmas Whitsuntide Lent
    English French German Italian Spanish Dutch Latin Greek Hebrew Arabic Russian Irish Scotch Scottish Welsh
    American British Indian Chinese Japanese Yankee Yankees Christian Christians Catholic Protestant Providence
    Nature Fate Fortune Time Death Love Heavens Oh Ah Yes No Then Now When
    Here There This That The What Why How Where Deuce Devil Rector Vicar Curate Bishop Archbishop Pope Emperor
    Empress Czar Tsar Sultan Governor President Chief Squire Abbot Prior Chairman Mayor Sheriff Abbess Senator
    Almighty Creator Saviour Virgin Madonna Republic Revolution Committee Council Assembly Union Times Gazette
    Chronicle Herald Spectator Review Magazine Journal Telegraph Tribune Courier Mercury""".split()
) | frozenset(HONORIFICS)
