"""The `matcher` command: shortlists, barriers, plans and figures from the service's database (or
the fixture files), the service itself, its accounts and API keys."""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import sys
import textwrap
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, get_args

from matcher.engine import Engine, Match, Shortlist
from matcher.fixtures import load_candidates, load_vacancies
from matcher.models import Candidate, Stage, Vacancy
from matcher.reasons import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    Language,
    Translator,
    from_environment,
    translator,
)
from matcher.runtime import tune_allocator
from matcher.travel.journeys import installed_travel
from matcher.weights import WEIGHTS_ENV, Weights, current_weights

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from matcher.travel.timetable import Timetable
    from service.local import Database

STAGES: tuple[str, ...] = get_args(Stage)

_Item = TypeVar("_Item", Candidate, Vacancy)


def _find(items: Sequence[_Item], ident: str, kind: str) -> _Item:
    for item in items:
        if item.id == ident.strip():
            return item
    known = ", ".join(str(i.id) for i in items[:3])
    raise SystemExit(f"error: no {kind} with id '{ident}' (ids look like {known}, ...)")


def format_shortlist(
    shortlist: Shortlist,
    *,
    width: int = 100,
    source: str | None = None,
    language: Language = DEFAULT_LANGUAGE,
    wide: bool = False,
) -> str:
    """What a jobhunter reads: per result its rank, score, full title and employer, then each
    feature's verdict, wrapped to `width` (one line each with `wide`), in `language`."""
    t = translator(language)
    if shortlist.ranks == "candidates":
        head = t.fill(
            "cli.head.candidates",
            {"vacancy_id": shortlist.vacancy_id, "version": shortlist.weights_version},
        )
    else:
        head = t.fill(
            "cli.head.vacancies",
            {"candidate_id": shortlist.candidate_id, "version": shortlist.weights_version},
        )
    vacancy_side = shortlist.ranks == "candidates"
    lines = [head]
    if source:
        lines.append(t.fill("cli.source", {"source": source}))
    lines.append("")
    if not shortlist.results:
        lines.append(t.text("cli.no_results"))
    for rank, match in enumerate(shortlist.results, start=1):
        lines += _format_match(
            str(rank), match, t, width=width, wide=wide, vacancy_side=vacancy_side
        )
    if shortlist.near_misses:
        lines += ["", t.text("cli.near_misses")]
        for match in shortlist.near_misses:
            lines += _format_match("-", match, t, width=width, wide=wide, vacancy_side=vacancy_side)
    return "\n".join(lines)


_INDENT = " " * 11


def _format_match(
    rank: str, m: Match, t: Translator, *, width: int, wide: bool, vacancy_side: bool
) -> list[str]:
    commute = m.features["commute"].extra
    trip = t.fill(
        "cli.trip", {"minutes": commute["minutes"], "mode": t.text(f"mode.{commute['mode']}")}
    )
    # A candidate's lines are vacancies; a vacancy's lines are people (its title is theirs all).
    parts = [m.candidate_id or ""] if vacancy_side else [f"{m.title} ({m.vacancy_id})", m.employer]
    parts.append(trip)
    names = {name: t.text(f"feature.{name}") for name in m.features}
    if m.blocked:
        blockers = t.join([names[name] for name in m.blocked_by])
        parts.append(t.fill("cli.blocked_by", {"features": blockers}))
    lines = _wrapped(f"{rank:>3}  {t.decimal(m.score):>4}  ", " · ".join(parts), width, wide)
    pad = max(len(n) for n in names.values())
    for name, feature in m.features.items():
        if not feature.reasons:
            continue
        verdict = feature.reasons[0].render(t.language)  # each feature's verdict comes first
        mark = "x" if feature.blocking else " "
        label = f"{_INDENT}{mark} {names[name]:<{pad}} {t.decimal(feature.score):>4}  "
        lines += _wrapped(label, verdict, width, wide)
    return lines


def _wrapped(label: str, text: str, width: int, wide: bool) -> list[str]:
    """`text` after `label`, its further lines indented under its start; never cut."""
    if wide:
        return [label + text]
    return textwrap.wrap(
        text,
        width=max(width, len(label) + 30),
        initial_indent=label,
        subsequent_indent=" " * len(label),
        break_on_hyphens=False,
    ) or [label]


def _describe(weights: Weights, language: Language = DEFAULT_LANGUAGE) -> str:
    t = translator(language)
    values = ", ".join(
        f"{t.text('feature.' + name)} {t.plain(float(value))}"
        for name, value in weights.weights.items()
    )
    return t.fill("cli.weights", {"version": weights.version, "values": values})


def _fixtures_source(weights: Weights, language: Language) -> str:
    text = translator(language).text("cli.fixture_files")
    return f"{text} ({_describe(weights, language)})"


@contextmanager
def _database(*, fixtures: bool = False) -> Iterator[Database]:
    """The service's database as `matcher serve` opens it; with `fixtures`, a throwaway one
    loaded with the fixture files, so that plans and figures go through the same code."""
    import tempfile

    from sqlalchemy.exc import OperationalError

    from service.local import Unknown, opened
    from service.settings import Settings

    try:
        if fixtures:
            with (
                tempfile.TemporaryDirectory(prefix="matcher-fixtures-") as folder,
                opened(Settings(database_url=f"sqlite:///{folder}/fixtures.sqlite3")) as db,
            ):
                yield db
        else:
            with opened() as db:
                if os.environ.get(WEIGHTS_ENV, "").strip():
                    print(
                        f"note: {WEIGHTS_ENV} is ignored here: the service's database holds the"
                        " weights (use --weights FILE, or store them: matcher weights put FILE)",
                        file=sys.stderr,
                    )
                yield db
    except Unknown as error:
        raise SystemExit(f"error: {error}") from None
    except OperationalError as error:
        # The driver's message names the server and the reason, never rows.
        reason = str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__
        raise SystemExit(f"error: cannot use the service's database: {reason}") from None


def _engine(db: Database, session: Session, args: argparse.Namespace) -> Engine:
    """The service's fitted engine with the service's weights, or those of --weights FILE."""
    engine = db.catalog.current(session).engine
    return engine.with_weights(_weights(args)) if args.weights else engine


def _shortlist(args: argparse.Namespace) -> int:
    if args.fixtures:
        candidate = _find(load_candidates(), args.candidate_id, "candidate")
        engine = Engine(_weights(args), travel=installed_travel()).fit(load_vacancies())
        result = engine.shortlist(candidate, top=args.top, include_blocked=args.include_blocked)
        _print(result, args, _fixtures_source(engine.weights, args.lang))
        return 0
    from service import record
    from service.local import candidate_in

    with _database() as db, db.sessions() as session:
        person = candidate_in(db, session, args.candidate_id.strip())
        engine = _engine(db, session, args)
        view = record.candidate_view(
            session,
            db.settings,
            candidate_id=str(person.id),
            include_history=args.include_history,
        )
    # The service's own rules: what the record already holds is left out (or marked), and
    # nobody who is not looking gets vacancies unless asked.
    result, body = record.rank_for(
        engine,
        person,
        view,
        top=args.top,
        include_blocked=args.include_blocked,
        any_stage=args.any_stage,
        language=args.lang,
    )
    _print(result, args, f"{db.url} ({_describe(engine.weights, args.lang)})", body=body)
    return 0


def _candidates(args: argparse.Namespace) -> int:
    stages = args.stage or ["ready"]  # as GET /vacancies/{id}/shortlist
    options = {"top": args.top, "include_blocked": args.include_blocked}
    if args.fixtures:
        vacancy = _find(load_vacancies(), args.vacancy_id, "vacancy")
        people = [c for c in load_candidates() if c.stage in stages]
        engine = Engine(_weights(args))
        result = engine.rank_candidates(vacancy, people, **options)
        _print(result, args, _fixtures_source(engine.weights, args.lang))
        return 0
    from service import record
    from service.local import vacancy_in

    with _database() as db, db.sessions() as session:
        job = vacancy_in(db, session, args.vacancy_id.strip())
        people = db.catalog.candidates_at(session, stages=stages)
        engine = _engine(db, session, args)
        view = record.vacancy_view(
            session, db.settings, vacancy_id=str(job.id), include_history=args.include_history
        )
    result = engine.rank_candidates(job, people, **options, withhold=view.withhold)
    body = view.mark(result.as_dict(args.lang), id_field="candidate_id")
    _print(result, args, f"{db.url} ({_describe(engine.weights, args.lang)})", body=body)
    return 0


def _batch_shortlists(args: argparse.Namespace) -> int:
    """Everyone's shortlist at once, to a Parquet file or a database table (resumable)."""
    from matcher.batch.cluster import dask_runner
    from matcher.batch.job import BatchJob, People, PeopleInMemory, in_process
    from matcher.batch.sinks import OtherJob, ParquetSink, Sink, TableSink

    stages = args.stage or ["ready"]
    t = translator(args.lang)
    database_url = args.database
    people: People
    if args.candidates or args.vacancies:
        if not (args.candidates and args.vacancies):
            raise SystemExit("error: --candidates and --vacancies go together (two .parquet files)")
        from matcher.batch.files import ParquetPeople, read_vacancies

        for path in (args.candidates, args.vacancies):
            if not path.is_file():
                raise SystemExit(f"error: no such file: {path}")
        people = ParquetPeople(args.candidates, stages=stages)
        engine = Engine(_weights(args)).fit(read_vacancies(args.vacancies))
    elif args.fixtures:
        people = PeopleInMemory([c for c in load_candidates() if c.stage in stages])
        engine = Engine(_weights(args)).fit(load_vacancies())
    else:
        with _database() as db, db.sessions() as session:
            people = PeopleInMemory(db.catalog.candidates_at(session, stages=stages))
            engine = _engine(db, session, args)
            database_url = database_url or db.settings.url
    sink: Sink
    if args.output:
        if not args.output.parent.is_dir():
            raise SystemExit(f"error: --output: no such folder: {args.output.parent}")
        sink = ParquetSink(args.output)
    else:
        from service.db import create_db_engine
        from service.local import settings_here

        try:
            sink = TableSink(create_db_engine(database_url or settings_here().url), args.table)
        except ValueError as problem:
            raise SystemExit(f"error: --{problem}") from None
    job = BatchJob(
        engine,
        people,
        top=args.top,
        include_blocked=args.include_blocked,
        people_per_part=args.people_per_part,
    )
    try:
        if args.dask:
            with dask_runner(args.dask, workers=args.workers) as runner:
                report = job.run(sink, restart=args.restart, progress=not args.quiet, runner=runner)
        else:
            report = job.run(sink, restart=args.restart, progress=not args.quiet, runner=in_process)
    except OtherJob:
        raise SystemExit(t.fill("batch.other_job", {"where": sink.where})) from None
    except KeyboardInterrupt:
        print(t.text("batch.interrupted"), file=sys.stderr)
        return 130
    tally = report.tally
    lines = [
        t.fill(
            "batch.done",
            {
                "people": len(job.order_),
                "vacancies": len(engine.vacancies_),
                "where": report.where,
                "seconds": t.decimal(report.seconds, 1),
            },
        )
    ]
    if report.parts_done_before:
        done = {"done": report.parts_done_before, "parts": report.parts}
        lines.append(t.fill("batch.resumed", done))
    if tally.pairs:
        share = f"{tally.skipped_share:.0%}"
        rate = round(tally.pairs / max(report.seconds, 1e-9))
        lines.append(t.fill("batch.blocking", {"share": share, "pairs": tally.pairs, "rate": rate}))
    if tally.rescored_people:
        lines.append(t.fill("batch.rescored", {"count": tally.rescored_people}))
    print("\n".join(lines))
    return 0


def _weights(args: argparse.Namespace) -> Weights:
    """--weights FILE, else (with --fixtures) the file MATCHER_WEIGHTS names, else the packaged
    weights."""
    try:
        return Weights.load(args.weights) if args.weights else current_weights()
    except (OSError, ValueError) as problem:
        raise SystemExit(f"error: cannot read weights: {problem}") from None


def _import_esco(args: argparse.Namespace) -> int:
    from matcher.reading.esco import import_esco
    from matcher.reading.vocabulary import builtin_vocabulary

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
        f"{summary.added} added: {summary.concepts} concepts in all; "
        f"{summary.entailments} essential skills entailed by occupations"
    )
    print(f"wrote {args.output}; use it with: export MATCHER_VOCABULARY={args.output.resolve()}")
    return 0


def _transit_build(args: argparse.Namespace) -> int:
    from matcher.travel.journeys import mark_build
    from matcher.travel.streets import STREET_MODES, read_osm

    def progress(step: str, count: int) -> None:
        bar = "#" * min(40, count.bit_length() * 2)
        print(f"\r{step:>10} {bar:<40} {count:>9,}", end="", file=sys.stderr, flush=True)

    for given in [*args.gtfs, *([] if args.osm is None else [args.osm])]:
        if not given.is_file():
            raise SystemExit(f"error: {given}: no such file")
    if not args.gtfs and args.osm is None:
        raise SystemExit("error: give GTFS feeds (--gtfs), a street extract (--osm), or both")
    streets = None
    if args.osm is not None:
        print(f"reading {args.osm} ...", file=sys.stderr)
        try:
            streets = read_osm(args.osm)
        except (ValueError, RuntimeError) as problem:
            raise SystemExit(f"error: {args.osm}: {problem}") from None
    timetable = _checked_timetable(args.gtfs, progress) if args.gtfs else None
    args.output.mkdir(parents=True, exist_ok=True)
    # Every file first, each whole, then the marker a running service watches (mark_build),
    # then the earlier build's files this one has not: a service never pairs two builds' files.
    made: list[str] = []
    if streets is not None:
        streets.save(args.output / "streets.npz")
        made.append("streets.npz")
        counts = ", ".join(f"{streets.segments(m):,} {m}" for m in STREET_MODES)
        print(f"{len(streets.lat):,} street nodes, {len(streets.edge_from):,} segments ({counts})")
    if timetable is not None:
        timetable.save(args.output)
        made += ["timetable.json", "timetable.npz"]
        summary = timetable.describe()
        print(
            f"{summary['stops']:,} stops, {summary['routes']:,} routes, "
            f"{summary['trips']:,} trips, {summary['stop_times']:,} stop times; "
            f"{summary['service_days']} service days "
            f"({summary['first_day']} to {summary['last_day']}); area {summary['area']}"
        )
    mark_build(args.output, made)
    for stale in sorted({"streets.npz", "timetable.json", "timetable.npz"} - set(made)):
        # An earlier build's: streets that would not match these feeds' area, or feeds.
        (args.output / stale).unlink(missing_ok=True)
    if timetable is None:
        print("no feeds: public transport stays estimated")
    print(f"wrote {args.output}; use it with: export MATCHER_TRANSIT={args.output.resolve()}")
    return 0


def _checked_timetable(feeds: list[Path], progress: Callable[[str, int], None]) -> Timetable:
    """The feeds merged, refused where they reach no vacancy (saying how many they reach)."""
    import numpy as np

    from matcher.travel.journeys import TimetableTravelTimes
    from matcher.travel.timetable import FeedError, read_feeds

    try:
        timetable = read_feeds(feeds, progress=progress)
    except FeedError as problem:
        print(file=sys.stderr)
        raise SystemExit(f"error: {problem}") from None
    print(file=sys.stderr)
    vacancies = load_vacancies()
    model = TimetableTravelTimes(timetable)
    points = np.array([v.location.coordinates for v in vacancies], dtype=np.float64)
    reached = (model.nearest_stops(points)[0] >= 0).any(axis=1)
    if not reached.any():
        raise SystemExit(
            "error: the feeds' stops are more than 1.2 km from every vacancy: "
            f"{', '.join(str(p) for p in feeds)} cover none of them"
        )
    print(f"{int(reached.sum())} of {len(vacancies)} vacancies have a stop within 1.2 km")
    return timetable


def _barriers(args: argparse.Namespace) -> int:
    from matcher.planning.barriers import analyse_barriers, format_barriers

    if args.fixtures:
        candidate = _find(load_candidates(), args.candidate_id, "candidate")
        report = analyse_barriers(Engine().fit(load_vacancies()), candidate, top=args.top)
        source = translator(args.lang).text("cli.fixture_files")
    else:
        from service.local import candidate_in

        with _database() as db, db.sessions() as session:
            candidate = candidate_in(db, session, args.candidate_id.strip())
            engine = db.catalog.current(session).engine
        report = analyse_barriers(engine, candidate, top=args.top)  # as the route does
        source = f"{db.url} ({_describe(engine.weights, args.lang)})"
    if args.json:
        print(json.dumps(report.as_dict(args.lang), ensure_ascii=False, indent=2))
    else:
        width = shutil.get_terminal_size((110, 20)).columns
        text = format_barriers(report, width=width, language=args.lang)
        print(f"{text}\n\n{translator(args.lang).fill('cli.source', {'source': source})}")
    return 0


def _plan(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from service.routers.plans import PlanIn, plan_for

    chosen = {
        "per_candidate": args.per_candidate,
        "per_position": args.per_position,
        "min_score": args.min_score,
        "crowding": args.crowding,
        "candidate_ids": args.candidate,
    }
    try:
        body = PlanIn(**{k: v for k, v in chosen.items() if v is not None})
    except ValidationError as error:
        problems = "; ".join(
            f"--{e['loc'][0]}: {e['msg']}".replace("_", "-") for e in error.errors()
        )
        raise SystemExit(f"error: {problems}") from None
    from fastapi import HTTPException

    from service.store import NotFound

    with _database(fixtures=args.fixtures) as db, db.sessions() as session:
        try:
            plan = plan_for(session, db.catalog, body)
        except NotFound as error:
            raise SystemExit(f"error: {error}") from None
        except HTTPException as error:  # too many people to plan for at once
            said = error.detail if isinstance(error.detail, str) else error.detail[0]["msg"]
            raise SystemExit(f"error: {said}") from None
    if args.json:
        print(json.dumps(plan, ensure_ascii=False, indent=2))
    else:
        print(format_plan(plan, source=db.url if not args.fixtures else "the fixture files"))
    return 0


def format_plan(plan: dict[str, Any], *, source: str) -> str:
    """Each candidate's proposals on a line, then how they spread against plain top-k."""
    planner, naive = plan["summary"]["planner"], plan["summary"]["top_k"]
    lines = [
        f"Plan (weights v{plan['weights_version']}): {planner['proposals']} proposals for"
        f" {len(plan['candidates'])} candidates, at most {plan['per_candidate']} each and"
        f" {plan['per_position']} per open position",
        f"from {source}",
        "",
    ]
    for entry in plan["candidates"]:
        shown = "; ".join(
            f"{p['vacancy_id']} {p['score']:.2f} {p['title']} ({p['employer']})"
            for p in entry["proposals"]
        )
        lines.append(f"{entry['candidate_id']:<12} {shown or '(nothing unblocked)'}")
    lines += ["", f"{'':<22}{'plan':>10}{'top-k':>10}"]
    for key, label in (
        ("total_score", "total score"),
        ("max_per_vacancy", "most on one vacancy"),
        ("over_capacity", "over capacity"),
        ("coverage", "vacancies reached"),
        ("gini", "gini"),
        ("candidates_without", "candidates without"),
    ):
        lines.append(f"{label:<22}{planner[key]:>10g}{naive[key]:>10g}")
    return "\n".join(lines)


def _stats(args: argparse.Namespace) -> int:
    from service.routers.stats import figures as programme_figures

    with _database(fixtures=args.fixtures) as db, db.sessions() as session:
        figures = programme_figures(
            session,
            db.catalog,
            target_placed=args.target_placed,
            target_people=args.target_people,
            on=args.on,
        )
    if args.json:
        print(json.dumps(figures.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(
            format_stats(
                figures.as_dict(), source=db.url if not args.fixtures else "the fixture files"
            )
        )
    return 0


def format_stats(figures: dict[str, Any], *, source: str, months: int = 6) -> str:
    """The figures a coordinator looks at first; --json has them all."""
    placements, waits = figures["placements"], figures["time_to_first_hire"]
    stages = ", ".join(f"{stage} {n}" for stage, n in figures["candidates_per_stage"].items())
    median = waits["median_days"]
    lines = [
        f"Programme as of {figures['as_of']}",
        f"from {source}",
        "",
        f"people      {placements['people']} of {placements['target_people']} targeted ({stages})",
        f"placed      {placements['placed']} of {placements['target_placed']} targeted"
        f" ({placements['share_of_target']:.0%})",
        f"to a job    median {'-' if median is None else f'{median:g}'} days from ready to the"
        f" first hire ({waits['count']} people)",
        "",
        f"{'month':<9}{'proposals':>10}{'interviews':>11}{'hires':>7}",
    ]
    for month in figures["per_month"][-months:]:
        lines.append(
            f"{month['month']:<9}{month['proposals']:>10}{month['interviews']:>11}{month['hires']:>7}"
        )
    pace = figures.get("pace")
    if pace:
        projected = pace["projected_at_end"]
        lines.insert(
            6,
            f"pace        {pace['expected_by_now']:.0f} expected by now on a straight line from"
            f" {pace['starts_on']} to the target on {pace['ends_on']}"
            f" ({'on track' if pace['on_track'] else 'behind'}); at this pace"
            f" {'-' if projected is None else f'{projected:.0f}'} by the end",
        )
    reasons = sorted(figures["rejection_reasons"].items(), key=lambda kv: -kv[1])
    lines += ["", "rejections  " + ", ".join(f"{r} {n}" for r, n in reasons if n)]
    return "\n".join(lines)


def _print(
    result: Shortlist, args: argparse.Namespace, source: str, *, body: dict[str, Any] | None = None
) -> None:
    """`body`, when given, is the HTTP answer's shape (with the record's marks) for --json."""
    if args.json:
        print(json.dumps(body or result.as_dict(args.lang), ensure_ascii=False, indent=2))
        return
    t = translator(args.lang)
    width = shutil.get_terminal_size((110, 20)).columns
    text = format_shortlist(result, width=width, source=source, language=args.lang, wide=args.wide)
    notes = []
    if body is not None and body.get("withheld"):
        text = text.split("\n\n")[0]
        notes.append(body["withheld"])
    elif body is not None and body.get("left_out"):
        notes.append(t.fill("cli.left_out", {"count": body["left_out"]}))
    marks = _marks(body)
    if marks:
        notes.append(t.fill("cli.in_record", {"marks": "; ".join(marks)}))
    for note in notes:
        text += "\n\n" + "\n".join(_wrapped("", note, width, args.wide))
    print(text)


def _marks(body: dict[str, Any] | None) -> list[str]:
    """What the record says of the lines shown (include-history)."""
    if body is None:
        return []
    found = []
    for line in body["results"]:
        history = line.get("history")
        if history:
            who = line.get("vacancy_id") or line.get("candidate_id")
            why = f", {history['reason']}" if history.get("reason") else ""
            found.append(f"{who} {history['code']} ({history['status']} on {history['on']}{why})")
    return found


def _top(value: str) -> int:
    n = int(value)
    if not 1 <= n <= 100:
        raise argparse.ArgumentTypeError("must be between 1 and 100")
    return n


_WEIGHTS_HELP = (
    "a weights file instead of the service's current weights (with --fixtures the default is"
    " $MATCHER_WEIGHTS, else the packaged weights)"
)
_FIXTURES_HELP = "read the fixture files instead of the service's database"


def _count(value: str) -> int:
    n = int(value)
    if not 1 <= n <= 1_000_000:
        raise argparse.ArgumentTypeError("must be between 1 and 1000000")
    return n


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a date, YYYY-MM-DD") from None


def _language_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=from_environment(os.environ),
        help="the language of the reasons (default: the locale's, else en)",
    )


def _ranking_options(parser: argparse.ArgumentParser, *, top: int) -> None:
    """What both directions of a shortlist take."""
    parser.add_argument(
        "--top", type=_top, default=top, help=f"how many results, 1-100 (default {top})"
    )
    parser.add_argument("--include-blocked", action="store_true", help="show near misses too")
    parser.add_argument("--json", action="store_true", help="print the HTTP contract's JSON shape")
    parser.add_argument("--weights", type=Path, metavar="FILE", help=_WEIGHTS_HELP)
    parser.add_argument("--fixtures", action="store_true", help=_FIXTURES_HELP)
    _language_option(parser)
    parser.add_argument(
        "--wide", action="store_true", help="one line per reason, however long (default: wrap)"
    )
    parser.add_argument(
        "--include-history",
        action="store_true",
        help="also list pairs already proposed or ended, marked (default: left out)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="matcher", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("shortlist", help="rank the open vacancies for a candidate")
    p.add_argument("candidate_id", help="e.g. c-0042")
    _ranking_options(p, top=10)
    p.add_argument(
        "--any-stage",
        action="store_true",
        help="shortlist someone not looking (placed, follow_up, closed) too",
    )
    p.set_defaults(run=_shortlist)

    p = sub.add_parser("candidates", help="rank the ready candidates for a vacancy")
    p.add_argument("vacancy_id", help="e.g. v-0107")
    _ranking_options(p, top=20)
    p.add_argument(
        "--stage",
        action="append",
        choices=STAGES,
        help="candidates at this stage (repeat for more; default: ready)",
    )
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

    p = sub.add_parser("transit", help="install public transport timetables (GTFS)")
    transit = p.add_subparsers(dest="transit_command", required=True)
    p = transit.add_parser("build", help="merge GTFS feeds into a timetable for MATCHER_TRANSIT")
    p.add_argument("--gtfs", type=Path, action="append", default=[], help="a GTFS zip (repeat)")
    p.add_argument(
        "--osm",
        type=Path,
        help="an OpenStreetMap .osm.pbf extract: walking, cycling and driving along its streets",
    )
    p.add_argument("--output", type=Path, default=Path("var/transit"), help="default var/transit")
    p.set_defaults(run=_transit_build)

    p = sub.add_parser("barriers", help="which single change unblocks most vacancies")
    p.add_argument("candidate_id", help="e.g. c-0042")
    p.add_argument("--top", type=_top, default=10, help="size of the top list, 1-100 (default 10)")
    p.add_argument("--json", action="store_true", help="print the HTTP response's JSON shape")
    p.add_argument("--fixtures", action="store_true", help=_FIXTURES_HELP)
    _language_option(p)
    p.set_defaults(run=_barriers)

    p = sub.add_parser("plan", help="the week's proposals for the ready candidates (POST /plans)")
    p.add_argument("--per-candidate", type=int, help="proposals per candidate (default 3)")
    p.add_argument("--per-position", type=int, help="proposals per open position (default 2)")
    p.add_argument("--min-score", type=float, help="propose only from this score (default 0)")
    p.add_argument("--crowding", type=float, help="0 maximises the total score alone")
    p.add_argument(
        "--candidate", action="append", metavar="ID", help="these candidates instead (repeat)"
    )
    p.add_argument("--json", action="store_true", help="print the HTTP response's JSON shape")
    p.add_argument("--fixtures", action="store_true", help=_FIXTURES_HELP)
    p.set_defaults(run=_plan)

    p = sub.add_parser("stats", help="the programme's figures (GET /stats)")
    p.add_argument("--on", type=_day, help="as of this day, YYYY-MM-DD (default today)")
    p.add_argument("--target-placed", type=_count, help="default MATCHER_TARGET_PLACED (160)")
    p.add_argument("--target-people", type=_count, help="default MATCHER_TARGET_PEOPLE (400)")
    p.add_argument("--json", action="store_true", help="print the HTTP response's JSON shape")
    p.add_argument("--fixtures", action="store_true", help=_FIXTURES_HELP)
    p.set_defaults(run=_stats)

    p = sub.add_parser("batch", help="work on everyone at once")
    batch = p.add_subparsers(dest="batch_command", required=True)
    p = batch.add_parser(
        "shortlists",
        help="every selected candidate's shortlist over all open vacancies, to Parquet or a table",
    )
    p.add_argument("--top", type=_top, default=20, help="results per person, 1-100 (default 20)")
    p.add_argument(
        "--stage",
        action="append",
        choices=STAGES,
        help="candidates at this stage (repeat for more; default: ready)",
    )
    p.add_argument(
        "--include-blocked", action="store_true", help="near misses too (slower: see README)"
    )
    to = p.add_mutually_exclusive_group(required=True)
    to.add_argument("--output", type=Path, metavar="FILE", help="write a Parquet file")
    to.add_argument("--table", metavar="NAME", help="write a table in the database")
    p.add_argument(
        "--database",
        metavar="URL",
        help="the database of --table (default: the service's)",
    )
    p.add_argument("--fixtures", action="store_true", help=_FIXTURES_HELP)
    p.add_argument(
        "--candidates",
        type=Path,
        metavar="FILE",
        help="people from a Parquet file (fixtures/generate_flanders.py), with --vacancies",
    )
    p.add_argument("--vacancies", type=Path, metavar="FILE", help="vacancies from a Parquet file")
    p.add_argument("--weights", type=Path, metavar="FILE", help=_WEIGHTS_HELP)
    p.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="run on a Dask cluster: its scheduler (tcp://host:8786), or local for a"
        " LocalCluster on this machine",
    )
    p.add_argument(
        "--workers", type=_count, default=2, help="worker processes of --dask local (default 2)"
    )
    p.add_argument(
        "--people-per-part",
        type=_count,
        default=1000,
        help="people per part: stored together, one task on a cluster (default 1000)",
    )
    p.add_argument(
        "--restart", action="store_true", help="start over, dropping what the output holds"
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    _language_option(p)
    p.set_defaults(run=_batch_shortlists)

    # The service's commands (serve, users, keys); they import the web stack only when they run.
    from service.cli import register

    register(sub)
    return parser


_ONE_OFF = frozenset({"shortlist", "candidates", "barriers", "plan", "stats", "vocabulary"})


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
