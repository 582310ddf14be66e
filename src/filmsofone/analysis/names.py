"""Small data tables about names: hypocoristics (nicknames), gendered first names, pronouns (honorifics and titles
are in `filmsofone.lexicon`)."""

from __future__ import annotations

# nickname -> formal first name (lower case)
HYPOCORISTICS: dict[str, str] = {
    "lizzy": "elizabeth", "lizzie": "elizabeth", "eliza": "elizabeth", "liz": "elizabeth", "beth": "elizabeth",
    "betsy": "elizabeth", "bess": "elizabeth", "bessie": "elizabeth", "betty": "elizabeth", "libby": "elizabeth",
    "kitty": "catherine", "kate": "catherine", "katie": "catherine", "cathy": "catherine",
    "katy": "catherine", "jenny": "jane", "janey": "jane", "jack": "john", "johnny": "john", "jock": "john",
    "bill": "william", "billy": "william", "will": "william", "willy": "william", "willie": "william",
    "bob": "robert", "bobby": "robert", "rob": "robert", "robin": "robert", "dick": "richard", "rick": "richard",
    "dicky": "richard", "tom": "thomas", "tommy": "thomas", "ned": "edward", "ted": "edward", "teddy": "theodore", "theo": "theodore",
    "toby": "tobias", "biddy": "bridget", "bridie": "bridget", "tobe": "tobias",
    "eddie": "edward", "harry": "henry", "hal": "henry", "hank": "henry", "jim": "james", "jimmy": "james",
    "jem": "james", "jamie": "james", "charlie": "charles", "chuck": "charles", "joe": "joseph", "joey": "joseph",
    "sam": "samuel", "sammy": "samuel", "ben": "benjamin", "benny": "benjamin", "fred": "frederick",
    "freddy": "frederick", "freddie": "frederick", "nick": "nicholas", "dan": "daniel", "danny": "daniel",
    "davy": "david", "dave": "david", "tony": "anthony", "andy": "andrew", "pete": "peter", "steve": "stephen",
    "geoff": "geoffrey", "nat": "nathaniel", "matt": "matthew", "mike": "michael", "mick": "michael",
    "georgie": "george", "archie": "archibald", "bertie": "albert", "bert": "albert", "alf": "alfred",
    "walt": "walter", "wat": "walter", "larry": "lawrence", "len": "leonard", "phil": "philip", "pip": "philip",
    "polly": "mary", "molly": "mary", "mamie": "mary", "minnie": "mary", "mae": "mary", "peggy": "margaret",
    "meg": "margaret", "maggie": "margaret", "madge": "margaret", "daisy": "margaret", "marge": "margaret",
    "annie": "anne", "nan": "anne", "nancy": "anne", "nanny": "anne", "sally": "sarah", "sallie": "sarah", "sadie": "sarah",
    "patty": "martha", "mattie": "martha", "patsy": "martha", "nell": "eleanor", "nelly": "eleanor",
    "nellie": "eleanor", "ellie": "eleanor", "lucy": "lucia", "sukey": "susan", "sue": "susan", "susie": "susan",
    "susy": "susan", "jo": "josephine", "fanny": "frances", "frankie": "frances", "franky": "francis",
    "frank": "francis", "dolly": "dorothy", "dot": "dorothy", "dora": "dorothy", "becky": "rebecca",
    "abby": "abigail", "gussie": "augusta", "louie": "louisa", "lou": "louisa", "lottie": "charlotte",
    "totty": "charlotte", "carrie": "caroline", "connie": "constance", "emmy": "emily", "em": "emma",
    "hattie": "harriet", "jessie": "jessica", "letty": "letitia", "maud": "matilda",
    "tilly": "matilda", "milly": "millicent", "rosie": "rose", "tess": "theresa", "tessa": "theresa",
    "winnie": "winifred", "addie": "ada", "georgy": "georgiana",
    "di": "diana", "belle": "isabella", "bella": "isabella", "ibby": "isabella", "lydie": "lydia",
    "jenn": "jennifer", "nettie": "antoinette", "gerty": "gertrude", "trudy": "gertrude", "edie": "edith",
    "chris": "christopher", "deb": "deborah", "debby": "deborah", "ollie": "oliver", "noll": "oliver",
}

MALE_NAMES = frozenset(
    """aaron abel abraham adam adrian albert alexander alfred algernon allan alonzo ambrose andrew anthony
    archibald arthur augustus austin barnaby bartholomew basil benjamin bernard bertram bill bob brian cecil
    charles christopher claude clement cuthbert cyril daniel david denis dick donald douglas duncan edgar edmund
    edward edwin eli elijah ernest eugene felix ferdinand francis frank frederick gabriel
    geoffrey george gerald gilbert giles godfrey gregory guy harold harry henry herbert horace hubert hugh humphrey
    isaac jack jacob james jasper jeremiah jerome jim joe john jonas jonathan joseph joshua julian julius laurence
    lawrence leonard lewis lionel louis luke mark martin matthew maurice michael miles nathaniel
    ned nicholas noah noel oliver oscar owen patrick paul percy peter philip ralph randolph raymond reginald
    richard robert roger rowland rupert samuel sebastian sidney silas simon solomon stephen theodore thomas tim
    timothy tobias toby tom victor vincent walter wilfred william theodore theo robin kit""".split()
)
FEMALE_NAMES = frozenset(
    """ada adela adelaide adele adèle agatha agnes alice amelia amy angela ann anna anne annie arabella augusta
    barbara beatrice bella bertha deborah betsy betty blanche bridget caroline catherine cecily celia charity charlotte
    clara clarissa constance cora daisy diana dinah dora dorothea dorothy edith edna eleanor eliza elizabeth
    ellen elsie emily emma esther ethel eugenia eva evelyn fanny flora florence frances georgiana gertrude
    grace hannah harriet helen henrietta hester hetty honor isabel isabella jane janet jemima jenny jessie joan
    josephine judith julia juliet kate katherine kitty laura lavinia leah lilian lily louisa louise lucy lydia
    mabel madeleine margaret maria marian marianne marie martha mary matilda maud may millicent minnie miriam
    molly nancy nell nelly olivia pauline penelope phoebe polly priscilla rachel rebecca rosa rose rosamond ruth
    sally sarah selina sophia sophie susan susanna sylvia theresa ursula victoria violet winifred""".split()
)

MALE_PRONOUNS = frozenset({"he", "him", "his", "himself"})
FEMALE_PRONOUNS = frozenset({"she", "her", "hers", "herself"})

# capitalised words that look like names to a recogniser but never name a character
NOT_NAMES = frozenset(
    """god heaven lord providence christ jesus heavens sunday monday tuesday wednesday thursday friday saturday
    january february march april june july august september october november december christmas easter
    michaelmas english french england france london chapter book part volume project gutenberg ebook oh ah
    yes no sir madam ma'am miss mr mrs dear well why hush alas indeed nay aye good bless hallo hullo hello
    mamma papa mama father mother grandmother grandfather uncle aunt""".split()
)
