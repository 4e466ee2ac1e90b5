"""Shared by the training tests."""

from __future__ import annotations

import pytest
import torch


@pytest.fixture(scope="module")
def one_thread():
    """Test sessions share this machine's two cores; with another process on the second core,
    two torch threads make small operations many times slower, so the training tests use one.
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
