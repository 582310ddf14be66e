"""The `local` diffusers backends on the CPU, with tiny random-weight LTX-Video pipelines built here from
configs (no download): text-to-video and image-to-video clips of a scene, a keyframe from `local-image`,
and a missing model named in one line. Skipped only where torch is not installed."""

from __future__ import annotations

import pytest
from fakes.project import SLUG, make_book

from filmsofone import ffmpeg
from filmsofone.backends.local import LocalBackend, call_arguments, frame_count, load_pipeline
from filmsofone.errors import BackendError
from filmsofone.generate import chosen_takes, generate_scenes
from filmsofone.keyframes import approve, make_keyframes, storyboard

torch = pytest.importorskip("torch")  # the only reason to skip: the extra `local` is not installed

TINY = {"width": 32, "height": 32, "fps": 8, "frame_step": 8, "steps": 2, "guidance": 1.0, "device": "cpu"}


def tiny_ltx(folder, image_to_video: bool) -> str:
    """A random-weight LTX-Video pipeline a few kilobytes big, saved as a model folder."""
    from diffusers import (
        AutoencoderKLLTXVideo,
        FlowMatchEulerDiscreteScheduler,
        LTXImageToVideoPipeline,
        LTXPipeline,
        LTXVideoTransformer3DModel,
    )
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast, T5Config, T5EncoderModel

    torch.manual_seed(0)
    words = ["a", "the", "lamp", "lamps", "lantern", "quay", "boathouse", "ada", "tom", "light", "sea", "shot", "scene", "of", "flicker"]
    vocab = {"<pad>": 0, "</s>": 1, "<unk>": 2, **{w: i + 3 for i, w in enumerate(words)}}
    model = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    model.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=model, pad_token="<pad>", eos_token="</s>",
                                        unk_token="<unk>", model_max_length=32)
    text_encoder = T5EncoderModel(T5Config(vocab_size=len(vocab), d_model=32, d_kv=8, d_ff=37, num_layers=2,
                                           num_heads=4, relative_attention_num_buckets=8))
    transformer = LTXVideoTransformer3DModel(in_channels=8, out_channels=8, patch_size=1, patch_size_t=1,
                                             num_attention_heads=4, attention_head_dim=8, cross_attention_dim=32,
                                             num_layers=1, caption_channels=32)
    vae = AutoencoderKLLTXVideo(
        in_channels=3, out_channels=3, latent_channels=8, block_out_channels=(8, 8, 8, 8),
        decoder_block_out_channels=(8, 8, 8, 8), layers_per_block=(1, 1, 1, 1, 1),
        decoder_layers_per_block=(1, 1, 1, 1, 1), spatio_temporal_scaling=(True, True, False, False),
        decoder_spatio_temporal_scaling=(True, True, False, False), decoder_inject_noise=(False,) * 5,
        upsample_residual=(False,) * 4, upsample_factor=(1,) * 4, timestep_conditioning=False, patch_size=1,
        patch_size_t=1, encoder_causal=True, decoder_causal=False)
    vae.use_framewise_encoding = vae.use_framewise_decoding = False
    kind = LTXImageToVideoPipeline if image_to_video else LTXPipeline
    kind(tokenizer=tokenizer, text_encoder=text_encoder, vae=vae, transformer=transformer,
         scheduler=FlowMatchEulerDiscreteScheduler()).save_pretrained(folder)
    return str(folder)


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    root = tmp_path_factory.mktemp("models")
    return {"t2v": tiny_ltx(root / "ltx-t2v", False), "i2v": tiny_ltx(root / "ltx-i2v", True)}


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # nothing may be fetched


def test_frames_are_a_multiple_of_the_step_plus_one():
    assert frame_count(1.0, 8, 8) == 9 and frame_count(5.0, 24, 8) == 121 and frame_count(2.0, 16, 4) == 33
    assert frame_count(0.01, 24, 8) == 1


def test_text_to_video_makes_a_scene(ws, models):
    shots = make_book(ws, shots_per_scene=2, duration=1.0)
    report = generate_scenes(ws, SLUG, ["1.1"], backend="local", options={"model": models["t2v"], **TINY})
    assert report.ok and sorted(report.made) == [s.id for s in shots if s.scene == "1.1"]
    for take in chosen_takes(ws, SLUG).values():
        info = ffmpeg.probe(take.path)
        assert info.video and (info.width, info.height) == (32, 32)
        assert info.duration == pytest.approx(9 / 8, abs=0.05) and ffmpeg.decode_errors(take.path) == ""


def test_image_to_video_starts_from_the_approved_keyframe(ws, models, monkeypatch):
    make_book(ws, shots_per_scene=2, duration=1.0)
    make_keyframes(ws, SLUG, ["1.1"], backend="local-image", options={"model": models["t2v"], **TINY})
    board = storyboard(ws, SLUG, "1.1")
    assert all(item.current is not None for item in board)
    for item in board:
        approve(ws, SLUG, item.shot.id)
    seen = []
    original = call_arguments

    def spy(pipe, opts, request, width, height, *, frames):
        kwargs = original(pipe, opts, request, width, height, frames=frames)
        seen.append((request.first_frame, kwargs.get("image")))
        return kwargs

    monkeypatch.setattr("filmsofone.backends.local.call_arguments", spy)
    report = generate_scenes(ws, SLUG, ["1.1"], backend="local", options={"model": models["i2v"], **TINY},
                             require_approval=True)
    assert report.ok and len(report.made) == 2
    assert sorted(str(frame) for frame, _ in seen) == sorted(str(item.approved) for item in storyboard(ws, SLUG, "1.1"))
    assert all(image is not None and image.size == (32, 32) for _, image in seen)


def test_a_text_only_pipeline_refuses_a_keyframe_and_a_missing_model_says_how_to_get_it(models, tmp_path):
    from filmsofone.backends.base import GenerationRequest

    still = tmp_path / "k.png"
    from PIL import Image

    Image.new("RGB", (32, 32)).save(still)
    backend = LocalBackend(LocalBackend.make_options({"model": models["t2v"], **TINY}))
    pipe = load_pipeline(backend.options)
    request = GenerationRequest(shot_id="1.1-001", prompt="a lamp", duration=1.0, first_frame=still)
    with pytest.raises(BackendError, match="text only"):
        call_arguments(pipe, backend.options, request, 32, 32, frames=9)
    missing = LocalBackend(LocalBackend.make_options({"model": "nobody-here/no-such-model", **TINY}))
    with pytest.raises(BackendError) as caught:
        load_pipeline(missing.options)
    assert "not on this machine" in str(caught.value) and "huggingface-cli download nobody-here/no-such-model" in \
        str(caught.value) and "\n" not in str(caught.value)
