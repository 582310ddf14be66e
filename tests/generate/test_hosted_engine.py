"""The engine against a generic fake hosted service: throttles, failures, refusals, expiry, budget."""

from __future__ import annotations

import pytest

from filmsofone import ffmpeg, store
from filmsofone.errors import BackendError
from filmsofone.generate import chosen_takes, generate_scenes
from fakes.project import SLUG, make_book


def run(ws, service, scenes=("1.1",), **kwargs):
    options = {"base_url": service.url, **kwargs.pop("options", {})}
    return generate_scenes(ws, SLUG, list(scenes), backend="fakehosted", options=options, **kwargs)


def set_action(ws, shot_id, action):
    project = ws.project(SLUG)
    scene = shot_id.split("-")[0]
    shots = [s.model_copy(update={"action": action}) if s.id == shot_id else s
             for s in store.load_shots(project.db_path, scene)]
    store.save_shots(project.db_path, scene, shots)


def test_a_scene_generates_and_every_job_is_submitted_once(ws, service):
    make_book(ws, shots_per_scene=4)
    report = run(ws, service)
    assert report.ok and len(report.made) == 4
    assert sorted(service.creates_per_prompt().values()) == [1, 1, 1, 1]
    for take in chosen_takes(ws, SLUG).values():
        assert take.path.is_file() and ffmpeg.decode_errors(take.path) == ""
    again = run(ws, service)
    assert len(again.cached) == 4 and len(service.creates) == 4


def test_throttling_with_retry_after_is_waited_out(ws, service):
    make_book(ws, shots_per_scene=2)
    service.fault("create", "throttle", times=2)
    service.fault("create", "unavailable")
    service.fault("status", "throttle", times=3)
    report = run(ws, service)
    assert report.ok and len(report.made) == 2
    assert sorted(service.creates_per_prompt().values()) == [1, 1]


def test_server_errors_malformed_json_and_timeouts_on_polls_are_retried(ws, service):
    make_book(ws, shots_per_scene=2)
    service.hang_seconds = 0.8
    service.fault("status", "server_error", times=2)
    service.fault("status", "malformed", times=2)
    service.fault("status", "hang")
    service.fault("download", "server_error")
    report = run(ws, service, options={"http_timeout": 0.4})
    assert report.ok and len(report.made) == 2
    assert sorted(service.creates_per_prompt().values()) == [1, 1]


@pytest.mark.parametrize("fault", ["hang", "malformed", "server_error"])
def test_a_create_with_unknown_outcome_is_reported_not_resubmitted(ws, service, fault):
    make_book(ws, shots_per_scene=1)
    service.hang_seconds = 0.8
    service.fault("create", fault)
    report = run(ws, service, options={"http_timeout": 0.4})
    assert list(report.unknown) == ["1.1-001"] and not report.ok
    again = run(ws, service)
    assert list(again.unknown) == ["1.1-001"] and not again.made
    assert len(service.creates) == (0 if fault == "server_error" else 1)
    decided = run(ws, service, resubmit_unknown=True)
    assert decided.made == ["1.1-001"] and decided.ok


def test_a_moderation_refusal_is_never_retried_and_the_rest_continue(ws, service):
    make_book(ws, shots_per_scene=3)
    set_action(ws, "1.1-002", "FORBIDDEN scene")
    report = run(ws, service)
    assert report.refused == {"1.1-002": "flagged by the content policy"}
    assert sorted(report.made) == ["1.1-001", "1.1-003"]
    again = run(ws, service)
    assert "1.1-002" in again.refused and service.creates_per_prompt()["FORBIDDEN scene"] == 1
    assert len(again.cached) == 2


def test_a_failed_job_is_reported_and_rerun_on_demand(ws, service):
    make_book(ws, shots_per_scene=2)
    set_action(ws, "1.1-001", "BROKEN take")
    report = run(ws, service)
    assert report.failed == {"1.1-001": "generation failed"} and report.made == ["1.1-002"]


def test_an_expired_output_url_is_refreshed_by_polling_again(ws, service):
    make_book(ws, shots_per_scene=1)
    service.fault("download", "expired")
    report = run(ws, service)
    assert report.made == ["1.1-001"] and len(service.creates) == 1


def test_a_truncated_download_is_never_kept(ws, service):
    make_book(ws, shots_per_scene=1)
    service.fault("download", "truncated", times=2)
    report = run(ws, service)
    assert report.made == ["1.1-001"]
    take = chosen_takes(ws, SLUG)["1.1-001"]
    assert ffmpeg.decode_errors(take.path) == ""
    assert abs(ffmpeg.probe(take.path).duration - 1.0) < 0.1
    assert not list(take.path.parent.glob(".*part*"))


def test_a_provider_filename_cannot_escape_the_output_folder(ws, service, tmp_path):
    make_book(ws, shots_per_scene=1)
    service.output_name = "../../../../../escape.mp4"
    report = run(ws, service)
    assert report.made == ["1.1-001"]
    take = chosen_takes(ws, SLUG)["1.1-001"]
    assert take.path.resolve().is_relative_to(ws.project(SLUG).clips_dir.resolve())
    assert not list(tmp_path.rglob("escape.mp4")) and not list(ws.root.parent.parent.glob("escape.mp4"))


def test_dry_run_and_budget(ws, service):
    make_book(ws, shots_per_scene=4, duration=2.0)
    dry = run(ws, service, dry_run=True)
    assert dry.estimated_cost == pytest.approx(4 * 2.0 * 0.1) and not service.creates and dry.ok
    per_clip = run(ws, service, dry_run=True, options={"price_per_second": 0, "price_per_clip": 1.25})
    assert per_clip.estimated_cost == pytest.approx(5.0)  # the user's price wins
    limited = run(ws, service, budget=0.45)
    assert len(limited.made) == 2 and len(limited.over_budget) == 2 and len(service.creates) == 2
    assert limited.spent == pytest.approx(0.4)


def test_a_request_the_backend_cannot_honour_is_refused_before_sending(ws, service):
    make_book(ws, shots_per_scene=1, duration=12.0)  # the backend makes at most 10 s
    with pytest.raises(BackendError, match="cannot honour shot 1.1-001"):
        run(ws, service)
    with pytest.raises(BackendError, match="bad options"):
        run(ws, service, options={"resolution_typo": "4k"})
    assert service.creates == []


def test_a_missing_key_is_a_user_error(ws, service, monkeypatch):
    make_book(ws, shots_per_scene=1)
    monkeypatch.delenv("FAKEHOSTED_API_KEY")
    with pytest.raises(BackendError, match="needs an API key"):
        run(ws, service)
    assert service.creates == []


def test_retry_after_is_honoured_and_concurrency_is_limited(ws, service):
    make_book(ws, shots_per_scene=5)
    service.job_seconds = 0.3
    service.fault("create", "throttle")  # Retry-After: 0.2
    report = run(ws, service, concurrency=2)
    assert report.ok and len(report.made) == 5
    throttled = service.create_attempts[0][1]
    first, second = [when for when, prompt in service.create_attempts if prompt == throttled][:2]
    assert second - first >= 0.19  # waited as told, not a blind immediate retry
    assert service.max_in_flight <= 2


def test_a_job_outliving_the_wait_is_resumed_by_its_id_on_the_next_run(ws, service):
    import time

    make_book(ws, shots_per_scene=1)
    service.job_seconds = 1.2
    first = run(ws, service, options={"timeout": 0.3})
    assert list(first.pending) == ["1.1-001"] and not first.ok
    time.sleep(1.0)
    second = run(ws, service, options={"timeout": 0.3})
    assert second.made == ["1.1-001"] and len(service.creates) == 1


def test_a_seed_the_backend_does_not_take_is_refused_not_dropped(ws, service):
    from filmsofone import backends
    from filmsofone.backends.base import Capabilities
    from fakes.generic import FakeHostedBackend

    class NoSeed(FakeHostedBackend):
        name = "fakehosted-noseed"
        key_env_var = "FAKEHOSTED_API_KEY"
        capabilities = Capabilities(min_duration=0.5, max_duration=10, seed=False)

    backends.register(NoSeed)
    make_book(ws, shots_per_scene=1)  # the stand-in prompts ask for seed 7
    with pytest.raises(BackendError, match="a seed"):
        generate_scenes(ws, SLUG, ["1.1"], backend="fakehosted-noseed", options={"base_url": service.url})
    assert service.creates == []


def test_only_a_decodable_video_of_the_expected_length_becomes_a_take(ws, service):
    make_book(ws, shots_per_scene=1)
    service.fault("download", "not_video")
    service.fault("download", "wrong_length")
    report = run(ws, service)
    assert report.made == ["1.1-001"]
    assert abs(chosen_takes(ws, SLUG)["1.1-001"].duration - 1.0) < 0.1
    service.fault("download", "not_video", times=10)
    set_action(ws, "1.1-001", "another take")
    failed = run(ws, service)
    assert "could not be downloaded intact" in failed.failed["1.1-001"]
    assert len(list(ws.project(SLUG).clips_dir.rglob("*.mp4"))) == 1  # nothing half-made kept
