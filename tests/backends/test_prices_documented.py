"""docs/providers.md's Prices table holds every price the code uses, and only those (and the model tables of the
provider sections agree with it): a price changed in one place and not the other fails here."""

from __future__ import annotations

import re
from pathlib import Path

from filmsofone.backends import fal, kling, list_backends, replicate, runway, veo, xai

DOC = Path(__file__).resolve().parents[2] / "docs" / "providers.md"
KINDS = ("video", "image", "speech", "music")
TABLED = {"fal", "fal-image", "replicate", "replicate-image", "grok-imagine", "grok-imagine-image", "runway", "veo"}


def _price(value: float, unit: str) -> str:
    return f"${value:g}/{unit}"


def _class_price(cls, kind: str) -> str | None:
    per_character = getattr(cls, "price_per_character", None)
    if per_character:
        return _price(per_character * 1_000_000, "1M characters")
    if cls.price_per_second:
        return _price(cls.price_per_second, "s")
    if cls.price_per_clip:
        return _price(cls.price_per_clip, "image" if kind == "image" else "clip")
    return None


def code_prices() -> set[tuple[str, str, str]]:
    """(backend, model or option, price) for every price the code declares."""
    found = set()
    for kind in KINDS:
        for cls in list_backends(kind):
            price = _class_price(cls, kind)
            if price and cls.name not in TABLED:
                found.add((cls.name, "default", price))
    for module, video, image in ((fal, "fal", "fal-image"), (replicate, "replicate", "replicate-image")):
        for name, model in module.MODELS.items():
            found.add((video, name, _price(model.price_per_second, "s") if model.price_per_second
                       else _price(model.price_per_clip, "clip")))
            found |= {(video, f"{name} at {height}p", _price(price, "s")) for height, price in model.prices.items()}
        found |= {(image, name, _price(model.price_per_image, "image")) for name, model in module.IMAGE_MODELS.items()}
    found |= {("grok-imagine", tier, _price(price, "s")) for tier, price in xai.VIDEO_PRICES.items()}
    found.add(("grok-imagine", "first frame", _price(xai.INPUT_IMAGE_PRICE, "image")))
    found |= {("grok-imagine-image", name, _price(price, "image")) for name, price in xai.IMAGE_PRICES.items()}
    found.add(("grok-imagine-image", "each input image", _price(xai.INPUT_IMAGE_PRICE, "image")))
    found.add(("kling", "sound=on", _price(kling.SOUND_PRICE_PER_SECOND, "s")))
    found |= {("runway", name, _price(runway.model_price(name), "s")) for name in runway.CREDITS_PER_SECOND}
    found.add(("runway", "other models", _price(runway.model_price("a brokered model"), "s")))
    found |= {("veo", name, _price(price, "s")) for name, price in veo.PRICES.items()}
    found.add(("veo", "other models", _price(veo.STANDARD_PRICE, "s")))
    return found


def documented_prices() -> set[tuple[str, str, str]]:
    """The Prices table's rows as (backend, model or option without its remark, price)."""
    section = DOC.read_text(encoding="utf-8").split("\n## Prices\n", 1)[1]
    rows = set()
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[2].startswith("$"):
            rows.add((cells[0], re.sub(r"\s*\(.*\)$", "", cells[1]), cells[2]))
    return rows


def test_the_prices_table_and_the_code_hold_the_same_prices():
    code, doc = code_prices(), documented_prices()
    assert len(code) >= 40
    assert code - doc == set(), "prices in the code missing from docs/providers.md's Prices table"
    assert doc - code == set(), "prices in docs/providers.md's Prices table the code does not use"


def test_every_price_row_says_whether_it_was_checked():
    section = DOC.read_text(encoding="utf-8").split("\n## Prices\n", 1)[1]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "$" in line]
    assert rows and all(re.search(r"unverified \(as of 2026-12\)|third parties|own page", row) for row in rows)


def test_the_model_tables_of_the_provider_sections_agree_with_the_code():
    """The `about` column of the replicate/fal model tables (first cell a model id in backticks)."""
    prices = {name: model.price_per_second or model.price_per_clip
              for module in (fal, replicate) for name, model in module.MODELS.items()}
    prices |= {name: model.price_per_image for module in (fal, replicate) for name, model in module.IMAGE_MODELS.items()}
    checked = 0
    for line in DOC.read_text(encoding="utf-8").split("\n## Prices\n", 1)[0].splitlines():
        found = re.match(r"\s*\| `([^`]+)`.*\| \$([\d.]+)", line)
        if found and found.group(1) in prices:
            assert float(found.group(2)) == prices[found.group(1)], line
            checked += 1
    assert checked >= 20


def test_a_backend_prices_the_model_it_is_given():
    """Runway's and Veo's models differ up to eightfold in price: the estimate follows --option model."""
    from filmsofone.backends import get_backend

    def five_seconds(name, model):
        return round(get_backend(name, {"model": model}, key="k", kind="video").cost(5.0), 4)

    assert five_seconds("runway", "gen4.5") == 0.6 and five_seconds("runway", "gen4_turbo") == 0.25
    assert five_seconds("runway", "veo3.1") == 2.0 and five_seconds("runway", "veo3.1_fast") == 0.75
    assert five_seconds("veo", "veo-3.1-fast-generate-preview") == 0.6
    assert five_seconds("veo", "veo-3.1-generate-preview") == 2.0 == five_seconds("veo", "veo-9-unknown")
