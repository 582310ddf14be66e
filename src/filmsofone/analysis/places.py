"""Data tables for settings: common-noun places (interior or exterior) and time-of-day words."""

from __future__ import annotations

INTERIOR_PLACES = frozenset(
    """drawing-room drawing room sitting-room sitting room parlour parlor library study dining-room dining room
    breakfast-room breakfast room morning-room hall ballroom ball-room bedroom bed-room chamber kitchen cellar
    attic garret office shop church chapel cathedral inn tavern public-house pub workhouse prison cell gaol jail
    court courtroom school schoolroom classroom theatre theater opera museum gallery hotel pension lodging
    lodgings carriage coach cab train railway-carriage compartment cabin saloon house cottage room apartment
    flat staircase stairs corridor passage landing nursery vestry barn stable stables mill factory warehouse
    hospital ward castle palace mansion manor abbey parsonage vicarage rectory bar club restaurant cafe café
    dining-hall conservatory greenhouse boudoir closet pantry scullery counting-house shed hut lodge tower
    furnace mills parlour kitchen-garden hall-way hallway entry lobby gallery garret loft dungeon academy bungalow
    suite studio station smoking-room billiard-room dormitory asylum building cottage hut""".split()
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
    hollow""".split()
)
PLACE_NOUNS = INTERIOR_PLACES | EXTERIOR_PLACES

# setting words that should not be treated as scene places on their own (too generic)
GENERIC = frozenset({"room", "house", "town", "city", "place", "door", "window"})
# generic places that are still settings, but a scene's setting only when it names no more specific place
WEAK_SETTINGS = frozenset({"room", "rooms", "house", "houses", "town", "city"})
# place nouns that, after a determiner, are rarely where a scene happens ("fell to the ground", "in common")
NOT_SETTINGS = frozenset(
    """world earth ground spot walk common plain rock rocks passage gate gates bank entry landing bar
    place door window hedge""".split()
)
# first names that are also places: a recognised place with one of these names stays a place
PLACE_FIRST_NAMES = frozenset({"florence", "victoria", "york", "georgia", "virginia", "carolina", "chester", "lincoln", "jordan"})

TIME_WORDS = {
    "dawn": ("dawn", "daybreak", "sunrise", "first light", "cock-crow", "early morning"),
    "day": ("morning", "noon", "midday", "afternoon", "breakfast", "luncheon", "sunshine", "sunlight", "daylight", "dinner"),
    "dusk": ("dusk", "sunset", "twilight", "evening", "nightfall", "sundown", "tea-time"),
    "night": ("night", "midnight", "moonlight", "moon", "candle", "candles", "lamp-light", "lamplight", "dark", "darkness", "stars", "supper", "ball"),
}
