"""filmsofone's own backends, registered through the same hook as any plugin's.

Hosted adapters are registered lazily by module path: listing them imports only their light module.
"""

from __future__ import annotations

_LAZY = {  # name: (module, kind)
    "comfyui": ("filmsofone.backends.comfyui", "video"),
    "comfyui-image": ("filmsofone.backends.comfyui", "image"),
    "replicate": ("filmsofone.backends.replicate", "video"),
    "fal": ("filmsofone.backends.fal", "video"),
    "runway": ("filmsofone.backends.runway", "video"),
    "luma": ("filmsofone.backends.luma", "video"),
    "kling": ("filmsofone.backends.kling", "video"),
    "minimax": ("filmsofone.backends.minimax", "video"),
    "veo": ("filmsofone.backends.veo", "video"),
    "openai-videos": ("filmsofone.backends.openai_videos", "video"),
    "runway-image": ("filmsofone.backends.runway", "image"),
    "grok-imagine": ("filmsofone.backends.xai", "video"),
    "grok-imagine-image": ("filmsofone.backends.xai", "image"),
    "scenario": ("filmsofone.backends.scenario", "image"),
    "fal-image": ("filmsofone.backends.fal", "image"),
    "replicate-image": ("filmsofone.backends.replicate", "image"),
    "animatic-portrait": ("filmsofone.backends.portrait", "image"),
    "espeak": ("filmsofone.backends.speech_espeak", "speech"),
    "openai-speech": ("filmsofone.backends.speech_openai", "speech"),
    "elevenlabs": ("filmsofone.backends.speech_elevenlabs", "speech"),
    "elevenlabs-music": ("filmsofone.backends.music_elevenlabs", "music"),
    "lyria": ("filmsofone.backends.music_lyria", "music"),
    "openai-chat": ("filmsofone.backends.chat_openai", "chat"),
    "local": ("filmsofone.backends.local", "video"),
    "local-image": ("filmsofone.backends.local", "image"),
}


def register_backends(register) -> None:
    import importlib.util

    from .animatic import AnimaticBackend, AnimaticFrameBackend
    from .clips import ClipsBackend

    register(AnimaticBackend)
    register(AnimaticFrameBackend)
    register(ClipsBackend)
    for name, (module, kind) in _LAZY.items():
        if importlib.util.find_spec(module) is not None:  # adapters land one by one
            register(name, module, kind=kind)
