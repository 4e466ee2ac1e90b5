"""The decoded-frame cache behind the player: right frame, bounded memory, exact fallback."""

from __future__ import annotations

import random

import cv2
import numpy as np
import pytest
from ui_helpers import mse
from video_helpers import read_index, write_video

from judgeapp.core.errors import Cancelled
from judgeapp.core.progress import CancelToken
from judgeapp.video import iter_frames, probe
from judgeapp.video.frame_cache import FrameCache, FrameSource, fill_cache, frame_at_time


@pytest.fixture(scope="module")
def index_video(tmp_path_factory):
    return write_video(tmp_path_factory.mktemp("fc") / "index.mp4", fps=25.0, frames=120)


@pytest.fixture(scope="module")
def juggle(media_dir):
    path = media_dir / "juggle_720p24.mp4"
    return path, probe(path, with_hash=False), [f.image for f in iter_frames(path)]


def test_every_cached_frame_is_the_frame_of_that_index(index_video):
    info = probe(index_video, with_hash=False)
    source = FrameSource(index_video, info)
    fill_cache(source.cache, index_video, info)
    assert source.cache.complete and source.cache.cached_frames == source.frame_count == 120
    for index in range(120):
        frame = source.frame(index)
        assert not frame.exact and read_index(frame.image) == index
        assert frame.time_s == pytest.approx(index / 25.0, abs=1e-3)


def test_direct_reads_before_caching_are_exact(index_video):
    info = probe(index_video, with_hash=False)
    truth = [f.image for f in iter_frames(index_video)]
    source = FrameSource(index_video, info)
    for index in [5, 90, 91, 30, 119, 0, 64]:  # jumps back and forth, and reading on
        frame = source.frame(index)
        assert frame.exact and np.array_equal(frame.image, truth[index])
    source.close()


def test_budget_bounds_memory_and_later_frames_fall_back_to_exact_reads(tmp_path):
    index_video = write_video(tmp_path / "large.mp4", fps=25.0, frames=120, width=960, height=540)
    info = probe(index_video, with_hash=False)
    first = FrameCache(info.frames, info.width, info.height)
    fill_cache(first, index_video, info)
    budget = first.bytes_used // 6  # a sixth of what the whole video needs at full size
    cache = FrameCache(info.frames, info.width, info.height, budget_bytes=budget)
    fill_cache(cache, index_video, info)
    assert cache.bytes_used <= budget and cache.full
    # Entries shrank to fit more of them (down to 320 px wide), then the budget was spent:
    # the first frames are cached, the later ones are not.
    stored = [index for index in range(120) if index in cache]
    assert stored == list(range(len(stored))) and 10 < len(stored) < 110
    assert cache.scale == pytest.approx(320 / 960)
    last = stored[-1]
    asked = [0, 5, last, last + 1, 119, last + 15, last - 3, 20]
    truth = {f.index: f.image for f in iter_frames(index_video, info) if f.index in asked}
    source = FrameSource(index_video, info, cache)
    # As the player asks when the view fits the window (exact=False): a cached frame is the
    # cache's entry, at its stored size; a later one is read from the file, exactly.
    for index in [0, 5, last, last + 1, 119, last + 15, last - 3]:
        frame = source.frame(index)
        assert frame.index == index and frame.time_s == pytest.approx(index / 25.0, abs=1e-3)
        if index in stored:
            assert not frame.exact and np.array_equal(frame.image, cache.get(index))
            assert read_index(cv2.resize(frame.image, (info.width, info.height))) == index
        else:
            assert frame.exact and frame.image.shape == (info.height, info.width, 3)
            assert np.array_equal(frame.image, truth[index])
    assert source.frame(0).image.shape == (540, 960, 3)  # stored before any shrinking
    assert source.frame(last).image.shape == (180, 320, 3)
    # Zoomed to 1:1 (exact=True): a reduced entry is not enough, the file is read instead.
    for index in [last, 20, 119]:
        frame = source.frame(index, exact=True)
        assert frame.exact and np.array_equal(frame.image, truth[index])
    source.close()


def test_fill_stops_when_cancelled(index_video):
    info = probe(index_video, with_hash=False)
    cache = FrameCache(info.frames, info.width, info.height)
    token = CancelToken()

    def progress(p):
        if p.done >= 16:
            token.cancel()

    with pytest.raises(Cancelled):
        fill_cache(cache, index_video, info, progress=progress, cancel=token)
    assert not cache.complete and 16 <= cache.cached_frames < 120


def test_frame_at_time_uses_known_timestamps_then_the_frame_rate():
    times = [0.0, 0.04, 0.09, 0.12]  # irregular
    assert frame_at_time(times, 0.0, 25.0, 100) == 0
    assert frame_at_time(times, 0.089, 25.0, 100) == 1
    assert frame_at_time(times, 0.09, 25.0, 100) == 2
    assert frame_at_time(times, 0.12 + 0.04, 25.0, 100) == 4
    assert frame_at_time([], 1.0, 25.0, 100) == 25
    assert frame_at_time([], 99.0, 25.0, 100) == 99


def test_juggle_cached_frames_match_sequential_decoding(juggle):
    path, info, truth = juggle
    source = FrameSource(path, info)
    fill_cache(source.cache, path, info)
    assert source.frame_count == len(truth) == 247
    rng = random.Random(4)
    for index in rng.sample(range(len(truth)), 40):
        frame = source.frame(index)  # how fast: benchmarks/seek.py ("cached")
        error = mse(frame.image, truth[index])
        assert 10 * np.log10(255**2 / error) > 30  # JPEG q90: ~34 dB on this grass
        for neighbour in (index - 1, index + 1):
            if 0 <= neighbour < len(truth):
                assert error < mse(frame.image, truth[neighbour])


def test_juggle_direct_reads_equal_sequential_decoding(juggle):
    path, info, truth = juggle
    source = FrameSource(path, info)
    for index in random.Random(5).sample(range(len(truth)), 8):
        frame = source.frame(index)
        assert frame.exact and np.array_equal(frame.image, truth[index])
    source.close()


def test_a_mirror_in_another_process_fills_the_cache_as_put_would(tmp_path):
    """The analysis process encodes with a mirror of the GUI's cache (same shape and budget)
    and sends the entries: the GUI's cache ends as if it had decoded and stored them itself."""
    video = write_video(tmp_path / "mirror.mp4", fps=25.0, frames=60, width=640, height=480)
    info = probe(video, with_hash=False)
    whole = FrameCache(60, 640, 480)
    fill_cache(whole, video, info)
    shape = dict(expected_frames=60, width=640, height=480, budget_bytes=whole.bytes_used // 6)
    direct, mirror, remote = FrameCache(**shape), FrameCache(**shape), FrameCache(**shape)
    fill_cache(direct, video, info)
    for frame in iter_frames(video, info):
        entry = mirror.encode(frame.image)
        data, scale = entry if entry is not None else (None, 1.0)
        mirror.count_encoded(frame.index, frame.time_s, data, scale)
        remote.put_encoded(frame.index, frame.time_s, data, scale)
    assert mirror.cached_frames == 0 and mirror.bytes_used == remote.bytes_used  # no bytes kept
    assert remote.cached_frames == direct.cached_frames and direct.scale < 1.0  # shrunk to fit
    assert remote.bytes_used == direct.bytes_used and remote.scale == direct.scale
    assert remote.times_known() == direct.times_known() and remote.full == direct.full
    assert np.array_equal(remote.get(0), direct.get(0))


def test_the_analysis_pass_hands_every_frame_on_without_changing_the_samples(index_video):
    from judgeapp.video.decode import iter_samples

    info = probe(index_video, with_hash=False)
    plain = [(s.stream, s.sample, s.frame.index) for s in iter_samples(index_video, info)]
    seen = []
    handed = [
        (s.stream, s.sample, s.frame.index)
        for s in iter_samples(index_video, info, on_frame=lambda f: seen.append(f.index))
    ]
    assert handed == plain
    assert seen == list(range(120))
