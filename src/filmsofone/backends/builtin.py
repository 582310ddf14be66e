"""filmsofone's own backends, registered through the same hook as any plugin's.

Hosted adapters are registered lazily by module path: listing them imports only their light module.
"""

from __future__ import annotations

_LAZY = {
    "comfyui": "filmsofone.backends.comfyui",
    "replicate": "filmsofone.backends.replicate",
    "fal": "filmsofone.backends.fal",
    "runway": "filmsofone.backends.runway",
    "luma": "filmsofone.backends.luma",
    "kling": "filmsofone.backends.kling",
    "minimax": "filmsofone.backends.minimax",
    "veo": "filmsofone.backends.veo",
    "openai-videos": "filmsofone.backends.openai_videos",
    "runway-image": "filmsofone.backends.runway",
    "animatic-portrait": "filmsofone.backends.portrait",
}


def register_backends(register) -> None:
    import importlib.util

    from .animatic import AnimaticBackend
    from .clips import ClipsBackend

    register(AnimaticBackend)
    register(ClipsBackend)
    for name, module in _LAZY.items():
        if importlib.util.find_spec(module) is not None:  # adapters land one by one
            register(name, module)
