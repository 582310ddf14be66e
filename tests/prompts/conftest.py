"""The planning fixtures (the hand-built story, the imported sample) serve the prompt tests too."""

try:
    from plan.conftest import (  # noqa: F401
        _imported_sample,
        _planned_sample,
        build_analysis,
        planned_ws,
        sample_ws,
        story,
    )
except ImportError:  # the tests folder became a package
    from tests.plan.conftest import (  # noqa: F401
        _imported_sample,
        _planned_sample,
        build_analysis,
        planned_ws,
        sample_ws,
        story,
    )
