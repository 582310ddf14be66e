"""Write copies of PDNC-layout novels whose dialogue is marked another way, to measure how the analysis reads
editions it was not tuned on (the development novels all use straight double quotes).

    .venv/bin/python bench/quote_styles.py ../shared/corpus/pdnc --out ../runs/styles [--style single ...]
    .venv/bin/python bench/eval_pdnc.py ../runs/styles/single --analysis-only --weights-dir DIR

Styles: `single` (dialogue in straight single quotes, apostrophes kept: a British plain-text edition),
`curly-double` (“ ” with ’ apostrophes), `curly-single` (‘ ’ with ’ apostrophes). Every mark keeps its offset,
so the gold quotation spans stand unchanged. Each double quote opens or closes by its order within the
paragraph (a blank line resets it, as a multi-paragraph speech reopens), the way a typesetter would set them.
Written outside the repository: the corpus text never enters it.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

STYLES = {  # style -> (opening mark, closing mark, apostrophe)
    "single": ("'", "'", "'"),
    "curly-double": ("\u201c", "\u201d", "\u2019"),
    "curly-single": ("\u2018", "\u2019", "\u2019"),
}


def restyle(text: str, style: str) -> str:
    """`text` with its straight double quotes (and apostrophes) set in `style`; same length, same offsets."""
    opening, closing, apostrophe = STYLES[style]
    out, inside = [], False
    for index, char in enumerate(text):
        if char == "\n" and text[index + 1 : index + 2] == "\n":
            inside = False
        if char == '"':
            out.append(closing if inside else opening)
            inside = not inside
        else:
            out.append(apostrophe if char == "'" else char)
    return "".join(out)


def write_style(corpus: Path, out: Path, style: str) -> list[Path]:
    """Copy every novel folder of `corpus` under `out/style/`, its novel_text.txt restyled."""
    written = []
    for novel in sorted(p for p in corpus.iterdir() if (p / "novel_text.txt").is_file()):
        target = out / style / novel.name
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(novel, target)
        text = (novel / "novel_text.txt").read_text(encoding="utf-8")
        (target / "novel_text.txt").write_text(restyle(text, style), encoding="utf-8")
        written.append(target)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path, help="a folder of PDNC novel folders (the real or a renamed corpus)")
    parser.add_argument("--out", type=Path, required=True, help="where to write (outside the repository)")
    parser.add_argument("--style", action="append", choices=sorted(STYLES), help="default: all")
    args = parser.parse_args()
    for style in args.style or sorted(STYLES):
        written = write_style(args.corpus, args.out, style)
        print(f"{style}: {len(written)} novels in {args.out / style}")


if __name__ == "__main__":
    main()
