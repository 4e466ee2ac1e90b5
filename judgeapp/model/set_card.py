"""The set card: what a model set file holds (targets, members, interval calibrations).

A model set is one safetensors file. Its metadata key `judgeapp.model_set` holds this card as
JSON: the set's name, profile and routine, and per target the member cards (each a full model
card, as one head's checkpoint has) and the interval calibration measured on the validation
split at training (absent when there was none). The tensors of member i of target T are named
`T.i.PARAM`. No torch here: listing installed models reads only this header.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from judgeapp.model.card import MAX_CARD_CHARS, TARGETS, ModelCard, card_json, now_iso
from judgeapp.model.intervals import IntervalCalibration

SET_ORDER = ("difficulty", "execution", "total")  # the targets of a model set, as trained

SET_KEY = "judgeapp.model_set"
# What a set trained on the user's own library records about it: how many videos of which
# routine, the cross-validated estimate per target (training.cross_validation.CVEstimate as a
# dict), whether it was trained below the minimum number of videos, and which library.
LIBRARY_KEYS = frozenset({"videos", "routine", "estimates", "below_minimum", "minimum", "library"})
SET_FORMAT_VERSION = 1
MAX_MEMBERS = 64


@dataclass(frozen=True)
class SetCard:
    """A model set's card. targets: target -> member cards (at least one each);
    intervals: target -> calibration (missing for a target calibrated on nothing)."""

    name: str
    profile: str
    routine: str
    targets: dict[str, tuple[ModelCard, ...]]
    intervals: dict[str, IntervalCalibration] = field(default_factory=dict)
    created: str = field(default_factory=now_iso)
    format_version: int = SET_FORMAT_VERSION
    library: dict = field(default_factory=dict)  # a set trained on a library: see LIBRARY_KEYS

    def __post_init__(self) -> None:
        if self.format_version != SET_FORMAT_VERSION:
            raise ValueError(
                f"set card format_version {self.format_version!r} is not supported "
                f"(this judgeapp reads version {SET_FORMAT_VERSION})"
            )
        for name in ("name", "profile", "routine", "created"):
            if not isinstance(getattr(self, name), str) or not getattr(self, name):
                raise ValueError(f"set card field {name} must be a non-empty string")
        if not isinstance(self.targets, dict) or not self.targets:
            raise ValueError("set card has no targets")
        for target, members in self.targets.items():
            if target not in TARGETS:
                raise ValueError(f"set card target {str(target)[:40]!r} is not one of {TARGETS}")
            if not members or len(members) > MAX_MEMBERS:
                raise ValueError(f"set card target {target} needs 1 to {MAX_MEMBERS} members")
            for card in members:
                if card.target != target:
                    raise ValueError(f"a member of target {target} predicts {card.target}")
                if card.profile != self.profile:
                    raise ValueError(f"a member of target {target} expects '{card.profile}'")
                if card.score_max != members[0].score_max:
                    raise ValueError(f"the members of target {target} differ in score_max")
        unknown = sorted(set(self.intervals) - set(self.targets))
        if unknown:
            raise ValueError(f"set card has intervals for targets it lacks: {', '.join(unknown)}")
        if not isinstance(self.library, dict) or set(self.library) - LIBRARY_KEYS:
            raise ValueError(
                f"set card library facts must be an object with {sorted(LIBRARY_KEYS)}"
            )

    @property
    def main_target(self) -> str:
        """The total when the set predicts it, else its only (first) target."""
        return "total" if "total" in self.targets else next(iter(self.targets))

    def main_card(self) -> ModelCard:
        """The card a head-only reader sees (model lists, packs): the main target's first
        member, named as the set and with its routine, trained only when every member is, its
        `trained_on` saying what the set holds."""
        first = self.targets[self.main_target][0]
        trained = all(c.trained for cards in self.targets.values() for c in cards)
        return replace(
            first,
            name=self.name,
            routine=self.routine or first.routine,
            trained=trained,
            seed=None,
            trained_on=self.describe(),
        )

    def library_line(self) -> str:
        """For a set trained on the user's library: "trained on N videos of this library;
        cross-validated Spearman 0.xx [0.xx, 0.xx]" (the main target's), flagged when it was
        trained below the minimum number of videos; "" for any other set."""
        if not self.library:
            return ""
        estimate = self.library.get("estimates", {}).get(self.main_target) or {}
        line = f"trained on {self.library.get('videos', 0)} videos of this library"
        rho, low, high = (estimate.get(k) for k in ("spearman", "low", "high"))
        if isinstance(rho, float) and isinstance(low, float) and isinstance(high, float):
            line += f"; cross-validated Spearman {rho:.2f} [{low:.2f}, {high:.2f}]"
            if "estimator" not in estimate:  # written before the within-fold estimate
                line += " (all folds pooled: reads low without skill)"
        elif estimate:
            line += "; cross-validated Spearman undefined"
        if self.library.get("below_minimum"):
            line += (
                f" (fewer than {self.library.get('minimum', '?')} videos: a rough model, "
                "its estimate uncertain)"
            )
        return line

    def describe(self) -> str:
        """One line: the library estimate of a set trained on the library; else the targets and
        their members, then what the first member learnt from."""
        if self.library:
            return self.library_line()
        parts = ", ".join(f"{t} x{len(cards)}" for t, cards in self.targets.items())
        first = self.targets[self.main_target][0].trained_on
        return f"model set ({parts})" + (f"; {first}" if first else "")

    def member_count(self) -> int:
        return sum(len(cards) for cards in self.targets.values())

    def to_json(self) -> str:
        doc = {
            "format_version": self.format_version,
            "name": self.name,
            "profile": self.profile,
            "routine": self.routine,
            "created": self.created,
            "targets": {t: [c.to_dict() for c in cards] for t, cards in self.targets.items()},
            "intervals": {t: asdict(c) for t, c in self.intervals.items()},
        }
        if self.library:
            doc["library"] = self.library
        return json.dumps(doc, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> SetCard:
        """Parse and validate; anything malformed raises ValueError."""
        return cls.from_dict(card_json(text, "set card", MAX_CARD_CHARS * 8))

    @classmethod
    def from_dict(cls, data: Any) -> SetCard:
        if not isinstance(data, dict):
            raise ValueError("set card must be a JSON object")
        expected = {"format_version", "name", "profile", "routine", "created", "targets"}
        missing = sorted(expected - set(data))
        if missing:
            raise ValueError(f"set card lacks fields: {', '.join(missing)}")
        unknown = sorted(set(data) - expected - {"intervals", "library"})
        if unknown:
            raise ValueError(f"set card has unknown fields: {', '.join(unknown)}")
        targets, intervals = data["targets"], data.get("intervals", {})
        if not isinstance(targets, dict) or not isinstance(intervals, dict):
            raise ValueError("set card targets and intervals must be JSON objects")
        for target, members in targets.items():
            if not isinstance(members, list):
                raise ValueError(f"set card target {str(target)[:40]} must list member cards")
        for target, calibration in intervals.items():
            if not isinstance(calibration, dict):
                raise ValueError(f"set card interval of {str(target)[:40]} must be an object")
        return cls(
            name=data["name"],
            profile=data["profile"],
            routine=data["routine"],
            created=data["created"],
            format_version=data["format_version"],
            targets={
                t: tuple(ModelCard.from_dict(c) for c in members[: MAX_MEMBERS + 1])
                for t, members in targets.items()
            },
            intervals={t: IntervalCalibration(**c) for t, c in intervals.items()},
            library=data.get("library", {}),
        )
