"""The `matcher` command: shortlists on the command line, the service, and API keys."""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

from matcher.engine import Engine, Match, Shortlist
from matcher.fixtures import load_candidates, load_vacancies
from matcher.models import Candidate, Vacancy
from matcher.runtime import tune_allocator
from matcher.travel import MODE_NAMES
from matcher.weights import Weights, current_weights

_Item = TypeVar("_Item", Candidate, Vacancy)


def _find(items: Sequence[_Item], ident: str, kind: str) -> _Item:
    for item in items:
        if item.id == ident.strip():
            return item
    known = ", ".join(str(i.id) for i in items[:3])
    raise SystemExit(f"error: no {kind} with id '{ident}' (ids look like {known}, ...)")


def format_shortlist(shortlist: Shortlist, *, width: int = 100) -> str:
    """A table a jobhunter can read: one line per result, then the main reason per feature."""
    vacancy_side = shortlist.ranks == "candidates"
    head = (
        f"Candidates for vacancy {shortlist.vacancy_id}"
        if vacancy_side
        else f"Vacancies for candidate {shortlist.candidate_id}"
    )
    lines = [f"{head} (weights v{shortlist.weights_version})", ""]
    if not shortlist.results:
        lines.append("No results: everything is blocked. Try --include-blocked to see why.")
        return "\n".join(lines)
    title_w = max(20, min(34, width - 66))
    lines.append(f"{'#':>3}  {'score':>5}  {'title':<{title_w}}  {'employer':<24}  commute")
    for rank, match in enumerate(shortlist.results, start=1):
        lines += _format_match(rank, match, title_w, width, vacancy_side)
    return "\n".join(lines)


def _format_match(rank: int, m: Match, title_w: int, width: int, vacancy_side: bool) -> list[str]:
    commute = m.features["commute"].extra
    trip = f"{commute['minutes']} min {MODE_NAMES[commute['mode']].removeprefix('by ')}"
    title = m.candidate_id or "" if vacancy_side else m.title
    flag = " BLOCKED" if m.blocked else ""
    lines = [
        f"{rank:>3}  {m.score:5.2f}  {title[:title_w]:<{title_w}}  {m.employer[:24]:<24}  "
        f"{trip}{flag}"
    ]
    for name, feature in m.features.items():
        if not feature.reasons:
            continue
        main = feature.reasons[0]  # features put what matters most first
        mark = "x" if feature.blocking else " "
        text = textwrap.shorten(main.message, width=max(40, width - 22), placeholder="...")
        lines.append(f"       {mark} {name:<9} {feature.score:4.2f}  {text}")
    return lines


def _shortlist(args: argparse.Namespace) -> int:
    candidate = _find(load_candidates(), args.candidate_id, "candidate")
    engine = Engine(_weights(args)).fit(load_vacancies())
    result = engine.shortlist(candidate, top=args.top, include_blocked=args.include_blocked)
    _print(result, args.json)
    return 0


def _candidates(args: argparse.Namespace) -> int:
    vacancy = _find(load_vacancies(), args.vacancy_id, "vacancy")
    ready = [c for c in load_candidates() if c.stage in ("ready", "activation")]
    result = Engine(_weights(args)).rank_candidates(
        vacancy,
        ready,
        top=args.top,
        include_blocked=args.include_blocked,
    )
    _print(result, args.json)
    return 0


def _weights(args: argparse.Namespace) -> Weights:
    """--weights FILE, else the file MATCHER_WEIGHTS names, else the packaged weights."""
    try:
        return Weights.load(args.weights) if args.weights else current_weights()
    except (OSError, ValueError) as problem:
        raise SystemExit(f"error: cannot read weights: {problem}") from None


def _import_esco(args: argparse.Namespace) -> int:
    from matcher.esco import import_esco
    from matcher.vocabulary import builtin_vocabulary

    if not args.folder.is_dir():
        raise SystemExit(f"error: {args.folder} is not a folder")
    try:
        merged, summary = import_esco(builtin_vocabulary(), args.folder)
    except (FileNotFoundError, ValueError) as problem:
        raise SystemExit(f"error: {problem}") from None
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(merged.to_json(), ensure_ascii=False), "utf-8")
    print(f"read {', '.join(summary.files)} (languages: {', '.join(summary.languages)})")
    print(
        f"{summary.merged_into_builtin} ESCO concepts joined built-in ones, "
        f"{summary.added} added: {summary.concepts} concepts in all"
    )
    print(f"wrote {args.output}; use it with: export MATCHER_VOCABULARY={args.output.resolve()}")
    return 0


def _barriers(args: argparse.Namespace) -> int:
    from matcher.barriers import analyse_barriers, format_barriers

    candidate = _find(load_candidates(), args.candidate_id, "candidate")
    report = analyse_barriers(Engine().fit(load_vacancies()), candidate, top=args.top)
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_barriers(report, width=shutil.get_terminal_size((110, 20)).columns))
    return 0


def _print(result: Shortlist, as_json: bool) -> None:
    if as_json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_shortlist(result, width=shutil.get_terminal_size((110, 20)).columns))


def _top(value: str) -> int:
    n = int(value)
    if not 1 <= n <= 100:
        raise argparse.ArgumentTypeError("must be between 1 and 100")
    return n


_WEIGHTS_HELP = "a weights file (default: $MATCHER_WEIGHTS, else the packaged weights)"


def _ranking_options(parser: argparse.ArgumentParser, *, top: int) -> None:
    """What both directions of a shortlist take."""
    parser.add_argument(
        "--top", type=_top, default=top, help=f"how many results, 1-100 (default {top})"
    )
    parser.add_argument("--include-blocked", action="store_true", help="show near misses too")
    parser.add_argument("--json", action="store_true", help="print the HTTP contract's JSON shape")
    parser.add_argument("--weights", type=Path, metavar="FILE", help=_WEIGHTS_HELP)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="matcher", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("shortlist", help="rank the open vacancies for a candidate (fixtures)")
    p.add_argument("candidate_id", help="e.g. c-0042")
    _ranking_options(p, top=10)
    p.set_defaults(run=_shortlist)

    p = sub.add_parser("candidates", help="rank ready candidates for a vacancy (fixtures)")
    p.add_argument("vacancy_id", help="e.g. v-0107")
    _ranking_options(p, top=20)
    p.set_defaults(run=_candidates)

    p = sub.add_parser("vocabulary", help="manage the skills vocabulary")
    vocab = p.add_subparsers(dest="vocabulary_command", required=True)
    p = vocab.add_parser(
        "import-esco",
        help="merge the official ESCO CSV download (occupations_<lang>.csv, skills_<lang>.csv)",
    )
    p.add_argument("folder", type=Path, help="folder with the ESCO CSV files")
    p.add_argument(
        "--output",
        type=Path,
        default=Path("var/vocabulary.json"),
        help="where to write the merged vocabulary (default var/vocabulary.json)",
    )
    p.set_defaults(run=_import_esco)

    p = sub.add_parser("barriers", help="which single change unblocks most vacancies (fixtures)")
    p.add_argument("candidate_id", help="e.g. c-0042")
    p.add_argument("--top", type=_top, default=10, help="size of the top list, 1-100 (default 10)")
    p.add_argument("--json", action="store_true", help="print the HTTP response's JSON shape")
    p.set_defaults(run=_barriers)

    # The service's commands (serve, keys); they import the web stack only when they run.
    from service.cli import register

    register(sub)
    return parser


_ONE_OFF = frozenset({"shortlist", "candidates", "barriers", "vocabulary"})


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    tune_allocator()
    one_off = args.command in _ONE_OFF and gc.isenabled()
    if one_off:
        # A one-off command builds many small objects and exits; collecting cycles in between
        # costs a fifth of its time. (Never for the long-running service.)
        gc.disable()
    try:
        code: int = args.run(args)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`matcher shortlist c-0042 | head`): stop quietly, as cat does.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    finally:
        if one_off:
            gc.enable()
    return code


if __name__ == "__main__":
    sys.exit(main())
