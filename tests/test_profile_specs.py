"""One table of profile facts (features.recipes.SPECS): the networks' profiles, the Models
window's files and words, the analysis's slow-on-CPU note all read it, so they cannot disagree."""

from __future__ import annotations

from judgeapp.analysis.analyze import slow_device_note
from judgeapp.app.models_service import PROFILE_FILES, PROFILE_WORDS
from judgeapp.features.profiles import PROFILES
from judgeapp.features.recipes import DYNAMIC_ONLY_PROFILES, RECIPE_VERSIONS, SPECS


def test_every_profile_is_built_from_its_spec() -> None:
    assert set(PROFILES) == set(SPECS)
    for name, profile in PROFILES.items():
        spec = SPECS[name]
        assert (profile.recipe, profile.dynamic_dim, profile.static_dim) == (
            spec.recipe, spec.dynamic_dim, spec.static_dim,
        )  # fmt: skip
        assert (profile.dynamic_weights, profile.static_weights) == (
            spec.dynamic_weights, spec.static_weights,
        )  # fmt: skip
        assert profile.has_static == (not spec.dynamic_only)
        assert PROFILE_FILES[name] == spec.weights and PROFILE_WORDS[name] == spec.words
        assert RECIPE_VERSIONS[name] == spec.recipe


def test_the_facts_that_differ_between_profiles() -> None:
    assert DYNAMIC_ONLY_PROFILES == {"vst"}
    assert SPECS["vst"].weights == ("swin3d_b_kinetics600_22k",)
    assert "Video Swin-B on the CPU" in slow_device_note("vst", "cpu")
    assert slow_device_note("paper", "cpu") is None and slow_device_note("nope", "cpu") is None
