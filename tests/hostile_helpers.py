"""Hypothesis strategies shared by the hostile-input tests."""

from __future__ import annotations

from hypothesis import strategies as st

# Any JSON value: numbers (NaN, infinities, huge integers), strings, lists and objects.
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=10**20, max_value=10**400)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)
