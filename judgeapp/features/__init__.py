"""Backbones, feature profiles and preprocessing, batched extraction, the feature cache.

`profiles.get_profile(name)` is the entry point: a profile names the whole recipe (networks,
preprocessing, weights files) that turns frames and athlete crops into feature vectors.
"""
