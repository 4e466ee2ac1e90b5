"""Hypothesis strategies shared by the hostile-input tests."""

from __future__ import annotations

import json

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


def json_paths(doc, prefix=(), items: int | None = None):
    """Every place in a JSON document, as lists of keys and indices (the first `items` of
    each list only, when given)."""
    if isinstance(doc, dict):
        for key, value in doc.items():
            yield [*prefix, key]
            yield from json_paths(value, (*prefix, key), items)
    elif isinstance(doc, list):
        for index, value in enumerate(doc[:items]):
            yield [*prefix, index]
            yield from json_paths(value, (*prefix, index), items)


def replaced(doc, path: list, value):
    """A copy of `doc` with the item at `path` (from `json_paths`) replaced by `value`."""
    doc = json.loads(json.dumps(doc))
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return doc


# `score` options that need no network, no weights and no cache.
FAST = ["--model", "random", "--pretrained", "none", "--detector", "none", "--no-cache"]
