"""`judgeapp models list|download|verify|pack|install`: pretrained files and trained heads."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from judgeapp.commands.common import nonempty, say
from judgeapp.core.text_safety import terminal_text

if TYPE_CHECKING:
    from judgeapp.weights.registry import WeightsFile


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "models",
        help="list, download, verify, pack and install pretrained weights and trained heads",
        description=(
            "Pretrained weights files: where they are, whether they are intact, and model packs "
            "(a folder or .zip one connected machine prepares for offline ones, with the "
            "pretrained files and trained heads); the trained heads installed."
        ),
    )
    actions = parser.add_subparsers(dest="models_action", metavar="ACTION", required=True)

    listing = actions.add_parser(
        "list", help="the pretrained files (status, location) and the installed trained heads"
    )
    listing.set_defaults(func=run)

    download = actions.add_parser(
        "download",
        help="download files into the cache (or into a folder: --to)",
        description=(
            "Download registered files, verifying each (size and SHA-256) before it is put in "
            "place. A file published inside package archives (the BlazePose models, members of "
            "the mediapipe wheel) is taken out of the first archive that gives the expected "
            "file; nothing else of the archive is kept."
        ),
    )
    download.add_argument("names", nargs="*", metavar="NAME", help="registry names")
    download.add_argument("--all", action="store_true", help="every registered file")
    download.add_argument(
        "--to", metavar="DIR",
        help=(
            "put the files into DIR instead of the cache (scripts/install.sh: the "
            "installation's folder, <prefix>/share/judgeapp/weights); a verified copy already "
            "in DIR is kept"
        ),
    )  # fmt: skip
    download.add_argument(
        "--profile", action="append", default=[], metavar="PROFILE",
        help="the files a feature profile needs (torchvision, paper); repeatable",
    )  # fmt: skip
    download.set_defaults(func=run, models_usage=download.error)

    verify = actions.add_parser("verify", help="re-hash the files present and check them")
    verify.add_argument("names", nargs="*", metavar="NAME", help="default: every file present")
    verify.set_defaults(func=run)

    pack = actions.add_parser(
        "pack",
        help="write a model pack (folder, or .zip) of pretrained files and trained heads",
        description=(
            "Write a model pack: the pretrained files named (default: all of them) and the "
            "trained head checkpoints given with --heads. `--names none --heads CKPT...` "
            "writes a pack of heads only."
        ),
    )
    pack.add_argument("out", metavar="OUT", help="new folder, or a file name ending in .zip")
    pack.add_argument(
        "--names", nargs="+", metavar="NAME",
        help="registry names (default: every registered file; 'none': no pretrained files)",
    )  # fmt: skip
    pack.add_argument(
        "--heads", nargs="+", default=[], metavar="CKPT",
        help="trained head checkpoints (.safetensors) to add; each must load as a valid head",
    )  # fmt: skip
    pack.add_argument("--download", action="store_true", help="download missing files first")
    pack.set_defaults(func=run, models_usage=pack.error)

    install = actions.add_parser(
        "install",
        help="verify a model pack (or one head file) and install it",
        description=(
            "Verify every file of a model pack and install it: pretrained files into the "
            "weights cache, trained heads into the heads folder. A single .safetensors head "
            "file installs too. An installed head of the same name that is a different file "
            "is kept; the new head then gets a free name (NAME-2.safetensors)."
        ),
    )
    install.add_argument(
        "pack",
        metavar="PACK",
        type=nonempty("model pack path"),
        help="model pack folder or .zip, or a head .safetensors file",
    )
    install.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    action = {
        "list": _list,
        "download": _download,
        "verify": _verify,
        "pack": _pack,
        "install": _install,
    }[args.models_action]
    return action(args)


def _size_text(size: int | None) -> str:
    if size is None:
        return "?"
    return f"{size / 1e6:.1f} MB"


def _list(args: argparse.Namespace) -> int:
    from judgeapp.weights.status import registry_status

    rows = [("NAME", "FILE", "SIZE", "CHECK", "STATUS", "SOURCE", "WHERE")]
    statuses = registry_status()  # no hashing: remembered digests only
    for status in statuses:
        entry = status.entry
        rows.append(
            (
                entry.name,
                entry.filename,
                _size_text(status.size_bytes),
                entry.hash_check,
                status.state,
                _source_text(entry),
                str(status.path),
            )
        )
    _print_table(rows)
    say(
        "\nverified: hash checked; present: not yet checked (`judgeapp models verify`); "
        "no-hash: no hash is published to check it against; "
        "CHECK prefix = only the published hash prefix can be checked"
    )
    _list_archive_sources([s.entry for s in statuses])
    _list_heads()
    return 0


def _source_text(entry: WeightsFile) -> str:
    """SOURCE column: the download's host, or the archive a file is a member of."""
    from urllib.parse import urlsplit

    if not entry.archives:
        return urlsplit(entry.url).hostname or entry.url
    more = f" (+{len(entry.archives) - 1})" if len(entry.archives) > 1 else ""
    return f"member of {_clip(entry.archives[0].archive_name, 24)}{more}"


def _list_archive_sources(entries: list[WeightsFile]) -> None:
    """The files taken out of package archives: each member and archive, in the order tried."""
    archived = [e for e in entries if e.archives]
    if not archived:
        return
    say("\nTaken out of package archives (tried in this order; the archive is not kept):")
    for entry in archived:
        for source in entry.archives:
            say(f"  {entry.name}: {source.member} in {source.url}")


def _spearman_text(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _list_heads() -> None:
    from judgeapp.weights.head_resolver import list_heads, resolve_head
    from judgeapp.weights.heads import head_problem, heads_dir

    heads, problems = list_heads()  # headers only: quick, no PyTorch
    say(f"\nTrained heads in {terminal_text(heads_dir())}:")
    if not heads and not problems:
        say("  none (install a model pack with heads, or `judgeapp models install HEAD`)")
        return
    rows = [("ROUTINE", "TARGET", "PROFILE", "TRAINED ON", "TEST SPEARMAN", "PATH")]
    for path, card in heads:
        trained_on = card.trained_on or ("untrained" if not card.trained else "-")
        rows.append(
            (
                card.routine,
                card.target,
                card.profile,
                _clip(trained_on, 48),
                _spearman_text(card.test_spearman),
                str(path),
            )
        )
    if heads:
        _print_table(rows)
        defaults = {}
        for profile in dict.fromkeys(head.card.profile for head in heads):
            chosen = resolve_head(None, profile, heads).path  # the head an analysis takes
            if chosen is not None:
                defaults[profile] = chosen.name
        which = ", ".join(f"{profile}: {name}" for profile, name in defaults.items())
        say(
            "without --model, an analysis uses the newest head (first listed) of its profile "
            f"that can score ({terminal_text(which or 'none can')})"
        )
    for problem in problems:
        say(f"  skipped {terminal_text(problem)}")
    for path, card in heads:
        if reason := head_problem(card):
            say(f"  cannot score: {terminal_text(path)}: {terminal_text(reason)}")


def _print_table(rows: list[tuple[str, ...]]) -> None:
    """Columns padded to their widest cell; every cell is shown as terminal text (a routine
    or a path holding an escape sequence prints the escape, it does not act)."""
    rows = [tuple(terminal_text(cell) for cell in row) for row in rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        say("  ".join([*cells, row[-1]]).rstrip())


def _names_for_download(args: argparse.Namespace) -> list[str]:
    from judgeapp.weights.registry import REGISTRY, get_weights_file

    if args.all:
        return list(REGISTRY)
    names = list(args.names)
    if args.profile:
        from judgeapp.features.profiles import get_profile  # imports torch: only when needed
    for profile_name in args.profile:
        profile = get_profile(profile_name)
        names += [n for n in (profile.dynamic_weights, profile.static_weights) if n]
    if not names:
        args.models_usage("name files to download, or give --all or --profile")
    for name in names:
        get_weights_file(name)  # unknown names fail before anything is fetched
    return list(dict.fromkeys(names))


def _download(args: argparse.Namespace) -> int:
    from pathlib import Path

    from judgeapp.core.errors import JudgeappError
    from judgeapp.weights.download import download, sharing_archives
    from judgeapp.weights.loading import resolve
    from judgeapp.weights.registry import get_weights_file
    from judgeapp.weights.store import candidates, check_file

    folder = Path(args.to) if args.to else None
    failures = 0
    with sharing_archives():  # two files of one archive: one download of it
        for name in _names_for_download(args):
            entry = get_weights_file(name)
            if folder is not None:
                found = [folder / entry.filename] if (folder / entry.filename).is_file() else []
            else:
                found = candidates(entry)
            # --to (the installer) hashes anew; the cache trusts still-valid remembered digests
            fresh = folder is not None
            good = next((p for p in found if check_file(entry, p, use_cache=not fresh).ok), None)
            if good is not None:
                say(f"{name}: already present, verified ({terminal_text(good)})")
                continue
            try:
                if folder is not None:
                    path = download(entry, folder=folder)
                else:
                    path = resolve(entry, allow_download=True)
            except JudgeappError as exc:
                say(f"error: {terminal_text(exc)}", file=sys.stderr)
                failures += 1
                continue
            say(f"{name}: downloaded to {terminal_text(path)}")
    return 1 if failures else 0


def _verify_text(entry) -> str:
    if entry.hash_check == "sha256":
        return "SHA-256 matches"
    if entry.hash_check == "prefix":
        return (
            f"prefix check only: SHA-256 starts with {entry.sha256_prefix} (no full hash published)"
        )
    return "no published hash: checked that it loads as a plain state dict of tensors"


def _verify(args: argparse.Namespace) -> int:
    from judgeapp.core.errors import WeightsError
    from judgeapp.weights.loading import read_state_dict
    from judgeapp.weights.registry import REGISTRY, get_weights_file
    from judgeapp.weights.store import candidates, check_file, target_path

    entries = [get_weights_file(n) for n in args.names] if args.names else list(REGISTRY.values())
    bad = 0
    for entry in entries:
        found = candidates(entry)
        if not found:
            say(f"{entry.name}: missing (expected at {terminal_text(target_path(entry))})")
            bad += bool(args.names)
            continue
        for path in found:
            check = check_file(entry, path, use_cache=False)
            if check.ok and entry.hash_check == "none" and path.suffix == ".pth":
                try:
                    read_state_dict(path)
                except WeightsError as exc:
                    check = type(check)(path, False, check.digest, str(exc))
            if check.ok:
                say(f"{entry.name}: ok, {_verify_text(entry)} ({terminal_text(path)})")
            else:
                say(f"{entry.name}: BAD {terminal_text(path)}: {terminal_text(check.problem)}")
                bad += 1
    return 1 if bad else 0


def _pack_names(args: argparse.Namespace) -> list[str] | None:
    """Registry names to pack: None for all, [] for `--names none`."""
    if args.names is None:
        return None
    if [n.lower() for n in args.names] == ["none"]:
        if not args.heads:
            args.models_usage("--names none packs no pretrained files: give --heads CKPT...")
        return []
    return list(args.names)


def _pack(args: argparse.Namespace) -> int:
    from judgeapp.weights.packs import pack

    out = pack(args.out, names=_pack_names(args), allow_download=args.download, heads=args.heads)
    say(f"model pack written: {terminal_text(out)}")
    return 0


def _install(args: argparse.Namespace) -> int:
    from pathlib import Path

    from judgeapp.weights.heads import HEAD_SUFFIX, install_head
    from judgeapp.weights.packs import install

    source = Path(args.pack)
    if source.suffix.lower() == HEAD_SUFFIX and not source.is_dir():
        path, card = install_head(source)
        shown = [terminal_text(v) for v in (path, card.routine, card.target, card.profile)]
        say("installed head {} ({}, {}, profile {})".format(*shown))
        return 0
    for path in install(source):
        say(f"installed {terminal_text(path)}")
    return 0
