"""The planning fixtures (the hand-built story, the imported sample) serve the prompt tests too."""

from plan.conftest import _imported_sample, build_analysis, sample_ws, story  # noqa: F401
