"""The planning fixtures (the hand-built story, the imported sample) serve the prompt tests too."""

from plan.conftest import (  # noqa: F401  (tests/ is on sys.path as pytest's rootdir of these packages)
    _planned_sample,
    build_analysis,
    planned_ws,
    story,
)
