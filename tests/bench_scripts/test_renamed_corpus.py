"""bench/renamed_corpus.py on text written for these tests: which tokens are names, how they are replaced (case,
possessives, particles at a sentence start, never inside a longer word), offsets remapped exactly, and small
PDNC / LitBank folders written and read back by the bench's own readers."""

import csv
import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def rc():
    sys.path.insert(0, str(BENCH))
    module = _load("renamed_corpus")
    yield module
    del sys.modules["renamed_corpus"]


TEXT = ("Mr. Pellow met Annerley at the gate. PELLOW! cried Hattie. Pellow's hat fell; a Pellowish grin. "
        "\"Pellow,\" said Miss Quarle, \"Mary-Pellow is no name.\" The Pellow-Quarle wedding was off. Anne-Marie? No.")


def test_names_are_replaced_whole_keeping_case_and_possessives(rc):
    table = {"Pellow": "van der Voort", "Anne": "Ysolde"}
    renamer = rc.Renamer(table)
    new = renamer.rename(TEXT)
    assert new.startswith("Mr. van der Voort met Annerley")  # after "Mr." no capital; "Annerley" untouched
    assert "VAN DER VOORT! cried Hattie. Van der Voort's hat fell; a Pellowish grin." in new
    assert "\"Van der Voort,\" said Miss Quarle" in new  # a quotation's first word
    assert "Mary-Pellow" in new and "Pellow-Quarle" in new and "Anne-Marie" in new  # parts of longer words stay
    assert len(renamer.edits) == 4


def test_offsets_map_every_untouched_word_and_every_name(rc):
    table = {"Pellow": "McAdoo-Brant", "Quarle": "du Lac"}
    renamer = rc.Renamer(table)
    new = renamer.rename(TEXT)
    import re

    for m in re.finditer(r"[\w'’-]+|[^\w\s]", TEXT):
        s, e = renamer.span(*m.span())
        word = m.group(0)
        expected = {"Pellow": "McAdoo-Brant", "Quarle": "du Lac", "PELLOW": "MCADOO-BRANT",
                    "Pellow's": "McAdoo-Brant's"}.get(word, word)
        assert new[s:e] == expected, word
    # a span inside a replaced token widens to the whole replacement
    start = TEXT.index("Pellow") + 2
    assert new[renamer.position(start):renamer.position(start + 1, end=True)] == "McAdoo-Brant"
    assert renamer.position(len(TEXT)) == len(new)


def test_a_renamed_string_matches_the_renamed_text_at_the_new_offsets(rc):
    table = {"Pellow": "de Brissac"}
    renamer = rc.Renamer(table)
    new = renamer.rename(TEXT)
    s, e = TEXT.index("Pellow,\""), TEXT.index(" is no name.") + len(" is no name.")
    ns, ne = renamer.span(s, e)
    assert rc.rename_string(table, TEXT[s:e], before=TEXT[:s]) == new[ns:ne]


def test_name_tokens_skip_titles_descriptions_initials_and_common_words(rc):
    text = ("Mr. Pellow and Lettie Pellow saw the Heron and a heron; the heron, the heron. Lett came. Bruno Q. Vane. "
            "The Grey Badger said so, and Badger went.")
    people = [(["Mr. Pellow", "Pellow"], "M"), (["Lettie Pellow", "Lettie", "Lett"], "F"),
              (["The Heron", "Heron"], "U"), (["Bruno Q. Vane"], "M"), (["Her Sister"], "F"), (["Grey Badger", "Badger"], "M")]
    tokens = {t.token: t for t in rc.name_tokens(people, text)}
    # "Heron" is written in lower case more; "Badger" mostly after "the": a description, not a name
    assert set(tokens) == {"Pellow", "Lettie", "Lett", "Bruno", "Vane"}
    assert tokens["Pellow"].role == "surname" and tokens["Vane"].role == "surname"
    assert tokens["Lettie"].role == "first" and tokens["Lettie"].gender == "F"
    assert tokens["Lett"].role == "nickname" and tokens["Lett"].nickname_of == "Lettie"


def test_generator_is_seeded_gendered_and_follows_the_kinds(rc):
    a = rc.NameGenerator(7, ("particle",))
    b = rc.NameGenerator(7, ("particle",))
    surnames = [a.surname() for _ in range(30)]
    assert surnames == [b.surname() for _ in range(30)]
    assert all(s.split()[0] in {p.split()[0] for p in rc.PARTICLES} for s in surnames)
    assert len(set(surnames)) == 30
    mac = rc.NameGenerator(1, ("mac",)).surname()
    assert mac.startswith(("Mac", "Mc")) and mac[len("Mac" if mac.startswith("Mac") else "Mc")].isupper()
    assert "-" in rc.NameGenerator(1, ("hyphen",)).surname()
    rare = rc.NameGenerator(3, ("rare",))
    assert rare.first("F") in rc.FEMALE_RARE and rare.first("M") in rc.MALE_RARE
    avoid = rc.NameGenerator(5, ("rare",), avoid={n.lower() for n in rc.SURNAME_RARE[1:]})
    assert avoid.surname() == rc.SURNAME_RARE[0]
    table = rc.name_table([rc.NameToken("Lettie", "first", "F"), rc.NameToken("Lett", "nickname", "F", "Lettie")],
                          rc.NameGenerator(2, ("invented",)))
    assert table["Lett"][:2] == table["Lettie"][:2]


def _write_pdnc(folder: Path) -> str:
    text = ("Chapter 1\n\nMr. Pellow came in. \"Good day, Lettie,\" said Pellow.\n\n"
            "\"Good day,\" said Lettie Pellow. \"Is TOLLEY here?\"\n\nTolley's dog barked.\n")
    folder.mkdir(parents=True)
    (folder / "novel_text.txt").write_text(text, encoding="utf-8")
    with open(folder / "character_info.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Character ID", "Main Name", "Aliases", "Gender", "Category"])
        w.writerow([0, "Mr. Pellow", "{'Mr. Pellow', 'Pellow'}", "M", "major"])
        w.writerow([1, "Lettie Pellow", "{'Lettie Pellow', 'Lettie'}", "F", "major"])
        w.writerow([2, "Tolley", "['Tolley']", "X", "minor"])
    q1 = "Good day, Lettie,"
    q2a, q2b = "Good day,", "Is TOLLEY here?"
    s1, s2a, s2b = text.index(q1), text.index(q2a, text.index("Pellow.")), text.index(q2b)
    with open(folder / "quotation_info.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["quoteID", "quoteText", "subQuotationList", "quoteByteSpans", "speaker", "addressees", "quoteType",
                    "referringExpression", "mentionTextsList", "mentionSpansList", "mentionEntitiesList"])
        m = text.index("Lettie,")
        w.writerow(["Q0", q1, repr([q1]), repr([[s1, s1 + len(q1)]]), "Mr. Pellow", "['Lettie Pellow']", "Explicit",
                    "said Pellow", "[['Lettie']]", repr([[[m, m + 6]]]), "[[['Lettie Pellow']]]"])
        w.writerow(["Q1", f"{q2a} {q2b}", repr([q2a, q2b]), repr([[s2a, s2a + len(q2a)], [s2b, s2b + len(q2b)]]),
                    "Lettie Pellow", "['Mr. Pellow']", "Explicit", "said Lettie Pellow", "[[], []]", "[[], []]", "[[], []]"])
    return text


def test_a_pdnc_novel_is_renamed_with_its_gold(rc, tmp_path):
    import ast

    eval_pdnc = _load("eval_pdnc")
    _write_pdnc(tmp_path / "src" / "Novel")
    report = rc.rename_pdnc_novel(tmp_path / "src" / "Novel", tmp_path / "out" / "Novel", rc.NameGenerator(1))
    assert report["quotes_checked"] == 3 and report["names"] == 3
    table = eval_pdnc.json.loads((tmp_path / "out" / "Novel" / "renamed_names.json").read_text())
    new = (tmp_path / "out" / "Novel" / "novel_text.txt").read_text()
    assert "Pellow" not in new and "Lettie" not in new and "Tolley" not in new and table["Tolley"].upper() in new
    gold, quotes = eval_pdnc.load_gold(tmp_path / "out" / "Novel")
    assert f"Mr. {table['Pellow']}" in gold and quotes[0]["speaker"] == f"Mr. {table['Pellow']}"
    assert eval_pdnc.norm(table["Lettie"]) in gold[f"{table['Lettie']} {table['Pellow']}"]["names"]
    with open(tmp_path / "out" / "Novel" / "quotation_info.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        for sub, (s, e) in zip(ast.literal_eval(row["subQuotationList"]), ast.literal_eval(row["quoteByteSpans"])):
            assert new[s:e] == sub
    (s, e), = ast.literal_eval(rows[0]["mentionSpansList"])[0]
    assert new[s:e] == table["Lettie"] and rows[0]["referringExpression"] == f"said {table['Pellow']}"


def test_a_quotation_whose_offsets_go_wrong_stops_the_run(rc, tmp_path, monkeypatch):
    _write_pdnc(tmp_path / "src" / "Novel")
    monkeypatch.setattr(rc.Renamer, "span", lambda self, s, e: (s, e))  # offsets not remapped
    with pytest.raises(rc.RenameError, match="is not at"):
        rc.rename_pdnc_novel(tmp_path / "src" / "Novel", tmp_path / "out" / "Novel", rc.NameGenerator(1, ("particle",)))


def test_a_litbank_document_is_renamed_with_token_indices_remapped(rc, tmp_path):
    litbank_docs = _load("litbank_docs")
    src = tmp_path / "src" / "litbank"
    sentences = ["Tolley Brant walked in .", "\" Hello , Brant , \" said Nell .", "Brant 's dog ran to Nell ."]
    coref = ["MENTION\tT1\t0\t0\t0\t1\tTolley Brant\tPER\tPROP", "COREF\tT1\tTOLLEY_BRANT-0",
             "MENTION\tT2\t1\t3\t1\t3\tBrant\tPER\tPROP", "COREF\tT2\tTOLLEY_BRANT-0",
             "MENTION\tT3\t1\t7\t1\t7\tNell\tPER\tPROP", "COREF\tT3\tNELL-1",
             "MENTION\tT4\t2\t0\t2\t0\tBrant\tPER\tPROP", "COREF\tT4\tTOLLEY_BRANT-0",
             "MENTION\tT5\t2\t5\t2\t5\tNell\tPER\tPROP", "COREF\tT5\tNELL-1"]
    quotes = ["QUOTE\tQ1\t1\t0\t1\t5\t\" Hello , Brant , \"", "ATTRIB\tQ1\tNELL-1"]
    for layer, rows in (("coref", coref), ("quotations", quotes)):
        (src / layer).mkdir(parents=True)
        (src / layer / "doc_brat.txt").write_text("\n".join(sentences), encoding="utf-8")
        (src / layer / "doc_brat.ann").write_text("\n".join(rows), encoding="utf-8")
    (src / "entities").mkdir()
    (src / "entities" / "doc_brat.tsv").write_text("Brant\tB-PER\tO\nwalked\tO\tO\n", encoding="utf-8")
    out = tmp_path / "out" / "litbank"
    report = rc.rename_litbank_doc(src, out, "doc", rc.NameGenerator(4, ("particle",)))
    assert report["quotes_checked"] == 1
    table = __import__("json").loads((out / "names" / "doc.json").read_text())
    brant = table["Brant"]
    assert brant.split()[0] in {p.split()[0] for p in rc.PARTICLES}
    capital = brant[0].upper() + brant[1:]  # opening a sentence
    before, after = litbank_docs.read(src, "doc"), litbank_docs.read(out, "doc")
    assert len(after.quotes) == 1 and after.quotes[0][2] == rc.rename_entity_id(table, "NELL-1")
    assert rc.rename_entity_id(table, "NELL-1") == table["Nell"].upper().replace(" ", "_") + "-1"
    s, e, _, kind = after.quotes[0]
    assert after.text[s:e] == f"\"Hello, {brant},\"" and kind == before.quotes[0][3] == "explicit"
    entity = rc.rename_entity_id(table, "TOLLEY_BRANT-0")
    assert sorted(after.proper_names(entity)) == sorted([f"{table['Tolley']} {brant}", brant, capital])
    assert "Brant" not in after.text and "Nell" not in after.text
    tsv = (out / "entities" / "doc_brat.tsv").read_text().split("\n")
    words = capital
    assert [row.split("\t")[0] for row in tsv[: len(words.split())]] == words.split()
    assert [row.split("\t")[1] for row in tsv[: len(words.split())]] == ["B-PER"] + ["I-PER"] * (len(words.split()) - 1)


def test_the_command_refuses_an_output_inside_the_repository_and_unknown_kinds(rc, tmp_path, capsys):
    (tmp_path / "pdnc").mkdir()
    with pytest.raises(SystemExit) as stop:
        rc.main([str(tmp_path), "--out", str(BENCH.parent / "renamed")])
    assert stop.value.code == 2 and "inside the repository" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stop:
        rc.main([str(tmp_path), "--out", str(tmp_path / "x"), "--kinds", "particle,elvish"])
    assert stop.value.code == 2 and "elvish" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stop:
        rc.main([str(tmp_path / "nowhere"), "--out", str(tmp_path / "x")])
    assert stop.value.code == 2


def test_entity_ids_are_renamed_in_their_own_case(rc):
    table = {"Tolley": "Ysolde", "Brant": "van der Voort"}
    assert rc.rename_entity_id(table, "TOLLEY_BRANT-0") == "YSOLDE_VAN_DER_VOORT-0"
    assert rc.rename_entity_id(table, "Tolley_Brant-12") == "Ysolde_van_der_Voort-12"
    assert rc.rename_entity_id(table, "the_brant_children-3") == "the_brant_children-3"


def test_a_name_written_in_capitals_takes_the_same_invented_name_as_its_other_uses(rc):
    text = "OSRIC PELLOW'S JOURNAL. Osric Pellow wrote. Pellow slept. McADOO came; McAdoo sat with Pellow."
    tokens = {t.token for t in rc.name_tokens([(["OSRIC PELLOW", "Osric Pellow", "Pellow"], "M"),
                                               (["McADOO", "McAdoo"], "M")], text)}
    assert tokens == {"Osric", "Pellow", "McAdoo"}
    table = rc.name_table(sorted(rc.name_tokens([(["OSRIC PELLOW", "Osric Pellow"], "M")], text), key=lambda t: t.token),
                          rc.NameGenerator(3, ("invented",)))
    new = rc.Renamer(table).rename(text)
    assert new.startswith(f"{table['Osric'].upper()} {table['Pellow'].upper()}'S JOURNAL. {table['Osric']} {table['Pellow']} wrote")


def test_a_known_pet_name_is_renamed_as_a_pet_form_of_the_new_first_name(rc):
    text = "Elizabeth Pellow came. Lizzy laughed. Eliza sang. Lizzy and Eliza and Elizabeth."
    tokens = {t.token: t for t in rc.name_tokens([(["Elizabeth Pellow", "Lizzy", "Eliza"], "F")], text)}
    assert tokens["Lizzy"].nickname_of == "Elizabeth" and tokens["Eliza"].nickname_of == "Elizabeth"
