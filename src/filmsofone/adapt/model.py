"""The adaptation's typed documents: beats, adapted scenes, the whole adaptation, and the user's choices."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..models import Span

BeatKind = Literal["action", "dialogue", "voiceover"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AdaptedBeat(_Model):
    """One beat of a screenplay scene: what is seen, a line of dialogue, or the narrator's voice."""

    kind: BeatKind
    text: str
    speaker: str | None = None  # a Character id (dialogue)
    quote: str | None = None  # a Quote id (dialogue)
    source: Span  # the book's span the beat comes from


class AdaptedScene(_Model):
    id: str
    kept: bool
    seconds: float = 0.0
    beats: list[AdaptedBeat] = Field(default_factory=list)
    place: str | None = None  # the place the heading names (the scene's setting, else one named in it)
    weight: float = 0.0  # story weight, as the selection saw it
    note: str = ""  # why cut, or which adapter wrote it


class Adaptation(_Model):
    target_seconds: float
    total_seconds: float
    adapter: str
    full_seconds: float = 0.0  # the whole book kept, at the same pace
    scenes: list[AdaptedScene]
    warnings: list[str] = Field(default_factory=list)  # what the user must be told (a scene written offline)

    def scene(self, scene_id: str) -> AdaptedScene:
        for scene in self.scenes:
            if scene.id == scene_id:
                return scene
        raise KeyError(scene_id)

    def kept_ids(self) -> list[str]:
        return [s.id for s in self.scenes if s.kept]

    def document(self) -> dict:
        """The stable JSON document of `filmsofone adapt S --json`."""
        return {
            "target_seconds": round(self.target_seconds, 1),
            "total_seconds": round(self.total_seconds, 1),
            "adapter": self.adapter,
            "scenes": [
                {"id": s.id, "kept": s.kept, "seconds": round(s.seconds, 1),
                 "beats": [{"kind": b.kind, "text": b.text, "speaker": b.speaker, "quote": b.quote,
                            "source": [b.source[0], b.source[1]]} for b in s.beats]}
                for s in self.scenes
            ],
        }


class SceneChoice(_Model):
    """The user's say over one scene: pinned (kept whole), dropped, or weighted."""

    pin: bool = False
    drop: bool = False
    weight: float = 1.0


class Choices(_Model):
    """What the user asked of the adaptation; kept across re-adaptation and re-import."""

    runtime_seconds: float | None = None  # None: the default from the book's length
    adapter: str = "offline"  # or a chat backend's name (`filmsofone backends`), e.g. openai-chat
    adapter_options: dict[str, str | float | int | bool] = Field(default_factory=dict)  # base_url, model, ...
    scenes: dict[str, SceneChoice] = Field(default_factory=dict)

    def of(self, scene_id: str) -> SceneChoice:
        return self.scenes.get(scene_id) or SceneChoice()
