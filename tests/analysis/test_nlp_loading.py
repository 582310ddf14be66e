"""The English pipeline is loaded lean: only the components asked for, and spaCy without torch (thinc imports
torch whenever it is installed; the pipeline never uses it), while torch still imports normally afterwards; its
matrix products through numpy's BLAS."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
PROBE = """
import json, sys
from filmsofone.analysis import nlp
model = nlp.load_model("ner")
found = [(e.label, e.text) for e in nlp.entities("Mr. Pellow rode to London with Elizabeth Marden.", [(0, 48)],
                                                 labels=frozenset({"PERSON", "GPE"}))]
torch_while_loaded = "torch" in sys.modules
try:
    import torch  # noqa: F401
    torch_after = True
except ImportError:
    torch_after = False
print(json.dumps({"pipes": model.pipe_names, "blis": model.get_pipe("ner").model.ops.use_blis, "found": found, "torch_while_loaded": torch_while_loaded,
                  "torch_after": torch_after}))
"""


def _probe() -> dict:
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_only_the_recogniser_is_loaded_and_torch_is_not_imported_with_spacy():
    seen = _probe()
    assert seen["pipes"] == ["ner"]
    assert seen["blis"] is False  # numpy's BLAS, kept to one thread per worker
    assert ("PERSON", "Elizabeth Marden") in [tuple(f) for f in seen["found"]]
    assert seen["torch_while_loaded"] is False
    assert seen["torch_after"] is (importlib.util.find_spec("torch") is not None)  # blocked only while spaCy loads
