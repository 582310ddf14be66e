"""The style bible's model hints (checkpoint, LoRAs, sampler) reach a backend that takes them."""

from fakes.project import SLUG, make_book

from filmsofone import project
from filmsofone.backends import get_backend
from filmsofone.bible import LoRA, ModelHints, load_bible
from filmsofone.generate.requests import plan_requests


def test_comfyui_takes_checkpoint_and_loras_from_the_bible(ws):
    shots = make_book(ws, shots_per_scene=1, duration=4.0)
    bible = load_bible(ws, SLUG)
    hints = ModelHints(checkpoint="ltx-video-2b.safetensors", sampler="euler",
                       loras=[LoRA(name="film-grain.safetensors", weight=0.6)])
    bible = bible.model_copy(update={"style": bible.style.model_copy(update={"model_hints": hints})})
    backend = get_backend("comfyui", {"workflow": "ltxv-t2v-lora"})
    assert backend.options.checkpoint is None
    plan_requests(ws, SLUG, shots[:1], backend, analysis=project.load_analysis(ws, SLUG),
                  text=project.load_text(ws, SLUG), bible=bible)
    assert backend.options.checkpoint == "ltx-video-2b.safetensors"
    assert backend.options.loras == ["film-grain.safetensors:0.6"] and backend.options.sampler == "euler"


def test_options_the_user_set_win_over_the_bible(ws):
    shots = make_book(ws, shots_per_scene=1, duration=4.0)
    bible = load_bible(ws, SLUG)
    hints = ModelHints(checkpoint="from-bible.safetensors")
    bible = bible.model_copy(update={"style": bible.style.model_copy(update={"model_hints": hints})})
    backend = get_backend("comfyui", {"workflow": "ltxv-t2v", "checkpoint": "mine.safetensors"})
    plan_requests(ws, SLUG, shots[:1], backend, analysis=project.load_analysis(ws, SLUG),
                  text=project.load_text(ws, SLUG), bible=bible)
    assert backend.options.checkpoint == "mine.safetensors"
