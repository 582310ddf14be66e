"""Run `generate_scenes` on the fake hosted backend in a child process (the SIGKILL test kills it).

usage: python generate_child.py WORKSPACE BASE_URL SCENE [CONCURRENCY]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    from fakes.generic import FakeHostedBackend
    from fakes.project import SLUG, simple_prompts
    from filmsofone import backends
    from filmsofone.generate import generate_scenes, requests
    from filmsofone.workspace import Workspace

    root, base_url, scene = sys.argv[1:4]
    concurrency = int(sys.argv[4]) if len(sys.argv) > 4 else 2
    backends.register(FakeHostedBackend)
    requests.render_shot_prompts = simple_prompts
    report = generate_scenes(Workspace(Path(root)), SLUG, [scene], backend="fakehosted",
                             options={"base_url": base_url}, concurrency=concurrency)
    print(report.model_dump_json())


if __name__ == "__main__":
    main()
