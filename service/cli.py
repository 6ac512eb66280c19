"""The service's commands for `matcher` (serve, users, keys, weights); heavy imports inside them."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from matcher.reasons import Language

ROLES = ("admin", "coordinator", "jobhunter", "employer")
"""service.store.ROLES, spelt out: importing the store (SQLAlchemy) would slow every CLI command;
tests/service/test_keys.py checks that the two agree."""


def register(sub: Any) -> None:
    """Add `serve`, `users`, `keys` and `weights` to the `matcher` parser's subcommands."""
    p = sub.add_parser(
        "serve",
        help="run the HTTP service (MATCHER_DATABASE_URL, default a SQLite file in ./var)",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--workers", type=int, default=1, help="processes serving requests (default 1)")
    p.add_argument(
        "--access-log",
        action="store_true",
        help="log a line per request (method, route template, status, time; never the path, which"
        " holds people's ids); the same as MATCHER_ACCESS_LOG=1",
    )
    p.set_defaults(run=_serve)

    users = sub.add_parser("users", help="accounts people sign in with: create, list, password")
    users_sub = users.add_subparsers(dest="users_command", required=True)
    p = users_sub.add_parser(
        "create", help="create an account and print its password as the last line (shown once)"
    )
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--name", required=True, help="how the record names them")
    p.add_argument("--email", required=True, help="what they sign in with")
    p.add_argument("--employer", help="for (and only for) --role employer: the employer's name")
    p.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input instead of making one",
    )
    p.set_defaults(run=_users_create, parser=p)
    p = users_sub.add_parser("list", help="list the accounts (never their passwords)")
    p.set_defaults(run=_users_list)
    p = users_sub.add_parser(
        "password", help="give an account a new password and print it as the last line"
    )
    p.add_argument("email")
    p.add_argument("--password-stdin", action="store_true", help="read it from standard input")
    p.set_defaults(run=_users_password, parser=p)

    keys = sub.add_parser("keys", help="API keys: create, list, revoke")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True)
    p = keys_sub.add_parser("create", help="create a key and print it as the last line")
    p.add_argument(
        "--role", choices=ROLES, help="required, unless --account gives it (the account's role)"
    )
    p.add_argument("--employer", help="for (and only for) --role employer: the employer's name")
    p.add_argument("--name", help="what the key is for (the record names its account)")
    p.add_argument(
        "--account",
        metavar="EMAIL",
        help="whose key it is (default: an account made for the key, named after it)",
    )
    p.set_defaults(run=_keys_create, parser=p)
    p = keys_sub.add_parser("list", help="list the keys (never the keys themselves)")
    p.set_defaults(run=_keys_list)
    p = keys_sub.add_parser("revoke", help="revoke a key by its id (k-...)")
    p.add_argument("key_id")
    p.set_defaults(run=_keys_revoke)

    weights = sub.add_parser("weights", help="the service's weights")
    weights_sub = weights.add_subparsers(dest="weights_command", required=True)
    p = weights_sub.add_parser(
        "put",
        help="store a weights file (as the tuning notebook writes) as the service's next version",
    )
    p.add_argument("file", type=Path, help="a JSON file of matcher.Weights; its version is ignored")
    p.add_argument("--note", help="why (default: the file's own note)")
    p.set_defaults(run=_weights_put)

    imports = sub.add_parser("import", help="sheets of people or vacancies in: check, then store")
    imports_sub = imports.add_subparsers(dest="import_command", required=True)
    for name, what in (("candidates", "people"), ("vacancies", "vacancies")):
        p = imports_sub.add_parser(
            name,
            help=f"check a sheet of {what} (.xlsx or .csv) and store it if every row can be read"
            + (" (employers not on record are created)" if name == "vacancies" else ""),
        )
        p.add_argument("file", type=Path)
        p.add_argument("--mapping", type=Path, help='JSON: {"their header": "our column"}')
        p.add_argument("--dry-run", action="store_true", help="only report; store nothing")
        p.add_argument("--valid-only", action="store_true", help="store the rows that can be read")
        p.add_argument("--annotated", type=Path, help="write the sheet with its problems marked")
        p.add_argument("--skills", action="store_true", help="list how each skill phrase was read")
        p.add_argument("--lang", choices=("en", "nl", "uk", "ru"), help="the report's language")
        p.set_defaults(run=_import_sheet, sheet=name)
    p = imports_sub.add_parser("template", help="write an import template (.xlsx)")
    p.add_argument(
        "--vacancies", action="store_true", help="the vacancies' template (default: people's)"
    )
    p.add_argument("-o", "--output", type=Path, help="default: kandidaten- or vacatures-sjabloon")
    p.add_argument("--lang", choices=("en", "nl", "uk", "ru"), help="the instructions' language")
    p.set_defaults(run=_import_template)

    exports = sub.add_parser("export", help="sheets out")
    exports_sub = exports.add_subparsers(dest="export_command", required=True)
    for name, what in (("candidates", "every person"), ("vacancies", "every vacancy")):
        p = exports_sub.add_parser(
            name, help=f"{what} in the import template's columns (an import sheet)"
        )
        p.add_argument("--format", choices=("csv", "xlsx"), default="xlsx")
        p.add_argument("-o", "--output", type=Path, help="the file (default: standard output)")
        p.set_defaults(run=_export_sheet, sheet=name)
    p = exports_sub.add_parser(
        "programme",
        help="the programme's figures for funders (.xlsx), as GET /programme/workbook gives them",
    )
    p.add_argument("-o", "--output", type=Path, default=Path("programme.xlsx"))
    p.add_argument("--on", type=date.fromisoformat, help="as of this day (default today)")
    p.add_argument("--lang", choices=("en", "nl", "uk", "ru"), help="the headers' language")
    p.set_defaults(run=_export_programme)


@contextmanager
def _sessions() -> Iterator[sessionmaker[Session]]:
    """Sessions on the service's database (settings from the environment), migrated first."""
    from service.db import create_db_engine, migrate, session_factory
    from service.settings import Settings

    db = create_db_engine(Settings().url)
    try:
        migrate(db)
        yield session_factory(db)
    finally:
        db.dispose()


def _keys_create(args: argparse.Namespace) -> int:
    if args.account is None:
        if args.role is None:
            args.parser.error("--role ROLE is required (or --account EMAIL, for its role)")
        if (args.role == "employer") != (args.employer is not None):
            args.parser.error("--employer NAME is required with --role employer, and only then")
    from service import store

    with _sessions() as sessions, sessions.begin() as session:
        account_id = None
        role, employer = args.role, args.employer
        if args.account is not None:
            account = store.account_by_email(session, email=args.account)
            if account is None:
                args.parser.error(
                    f"no account with the e-mail '{args.account}' (see: matcher users list)"
                )
                return 2  # (error exits)
            if role not in (None, account.role) or employer not in (None, account.employer):
                of = f" of '{account.employer}'" if account.employer else ""
                args.parser.error(
                    f"'{args.account}' is a {account.role} account{of}: its keys are too"
                    " (leave out --role and --employer)"
                )
            account_id, role, employer = account.id, account.role, account.employer
        elif employer is not None:
            try:
                store.check_employer_known(session, name=employer)
            except store.UnknownEmployer as error:
                args.parser.error(str(error))
        record, key = store.create_key(
            session, role=role, employer=employer, name=args.name, account_id=account_id
        )
    owner = f" for employer '{record.employer}'" if record.employer else ""
    whose = f" of {args.account}" if args.account else ""
    print(
        f"created {record.role} key {record.id}{owner}{whose}; it is shown only now (send it"
        " as X-API-Key):",
        file=sys.stderr,
        flush=True,
    )
    print(key)
    return 0


def _read_password(args: argparse.Namespace) -> str | None:
    """The password from standard input (its first line), checked; None to make one."""
    if not args.password_stdin:
        return None
    from service import store

    password = sys.stdin.readline().rstrip("\r\n")
    try:
        store.check_password(password)
    except ValueError as error:
        args.parser.error(f"the password on standard input will not do: {error}")
    return password


def _users_create(args: argparse.Namespace) -> int:
    if (args.role == "employer") != (args.employer is not None):
        args.parser.error("--employer NAME is required with --role employer, and only then")
    from service import store

    try:
        store.check_email(args.email)
    except ValueError as error:
        args.parser.error(f"--email: {error}")
    given = _read_password(args)

    password = given or store.new_password()
    try:
        with _sessions() as sessions, sessions.begin() as session:
            record = store.create_account(
                session,
                name=args.name,
                role=args.role,
                email=args.email,
                employer=args.employer,
                password=password,
            )
    except (ValueError, store.AlreadyExists) as error:  # UnknownEmployer is a ValueError
        args.parser.error(str(error))
    owner = f" for employer '{record.employer}'" if record.employer else ""
    if given is not None:
        print(f"created {record.role} account {record.email}{owner}", file=sys.stderr)
        return 0
    print(
        f"created {record.role} account {record.email}{owner}; its password is shown only now"
        " (they sign in with it, and can change it):",
        file=sys.stderr,
        flush=True,
    )
    print(password)
    return 0


def _users_list(args: argparse.Namespace) -> int:
    from service import store

    with _sessions() as sessions, sessions() as session:
        for a in store.list_accounts(session):
            state = "disabled" if a.disabled_at else ("" if a.can_sign_in else "no password")
            print(
                f"{a.id}  {a.role:<11}  {a.email or '-':<30}  {a.name}"
                f"{'  ' + a.employer if a.employer else ''}{'  (' + state + ')' if state else ''}"
            )
    return 0


def _users_password(args: argparse.Namespace) -> int:
    given = _read_password(args)
    from service import store

    password = given or store.new_password()
    with _sessions() as sessions, sessions.begin() as session:
        account = store.account_by_email(session, email=args.email)
        if account is None:
            print(f"error: no account with the e-mail '{args.email}'", file=sys.stderr)
            return 1
        store.set_password(session, account_id=account.id, password=password)
    if given is not None:
        print(f"set the password of {account.email}; its sessions ended", file=sys.stderr)
        return 0
    print(
        f"a new password for {account.email}, shown only now (its sessions ended):",
        file=sys.stderr,
        flush=True,
    )
    print(password)
    return 0


def _keys_list(args: argparse.Namespace) -> int:
    from service import store

    with _sessions() as sessions, sessions() as session:
        for r in store.list_keys(session):
            owner = r.employer or ""
            print(f"{r.id}  {r.role:<11}  {r.created_at:%Y-%m-%d %H:%M}  {owner}  {r.name or ''}")
    return 0


def _keys_revoke(args: argparse.Namespace) -> int:
    from service import store

    try:
        with _sessions() as sessions, sessions.begin() as session:
            store.delete_key(session, key_id=args.key_id)
    except store.NotFound as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"revoked {args.key_id}")
    return 0


def _weights_put(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from matcher import Weights
    from service.local import put_weights

    try:
        weights = Weights.load(args.file)
    except OSError as error:
        print(f"error: cannot read {args.file}: {error.strerror}", file=sys.stderr)
        return 1
    except ValidationError as error:
        problems = "; ".join(e["msg"].removeprefix("Value error, ") for e in error.errors())
        print(f"error: {args.file} is not a weights file: {problems}", file=sys.stderr)
        return 1
    with _sessions() as sessions:
        stored = put_weights(
            sessions,
            weights,
            note=args.note if args.note is not None else weights.note,
            changed_by="cli",
        )
    print(
        f"stored the weights of {args.file} as version {stored.version}; the service's"
        " next shortlists use them"
    )
    return 0


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from service.app import create_app, prepare_database
    from service.db import create_db_engine, session_factory
    from service.http import protocol_for
    from service.settings import Settings
    from service.workers import SPREADS_CONNECTIONS
    from service.workers import serve as serve_workers

    if args.access_log:
        os.environ["MATCHER_ACCESS_LOG"] = "1"  # for the worker processes too
    settings = Settings()
    if args.workers == 1:
        app = create_app(
            settings,
            on_ready=lambda app: _announce(app.state.sessions, args.host, args.port),
        )
        uvicorn.run(
            app,
            host=args.host,
            port=args.port,
            http=protocol_for(settings),
            access_log=False,  # uvicorn's lines hold the path and query; service.http logs
        )
        return 0
    # Several processes: prepare the database once, here, then let each worker fit its own
    # engine; the catalog version in the database keeps them all up to date.
    db = create_db_engine(settings.url)
    try:
        prepare_database(db, settings)
    finally:
        db.dispose()

    def announce() -> None:
        try:
            _announce(session_factory(db), args.host, args.port)
        finally:
            db.dispose()

    if SPREADS_CONNECTIONS:
        return serve_workers(
            host=args.host,
            port=args.port,
            workers=args.workers,
            on_ready=announce,
        )
    announce()
    # uvicorn's own workers import the protocol by name; it reads its limits from MATCHER_*.
    uvicorn.run(
        "service.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        http="service.http:LimitedHttpProtocol",
        access_log=False,
    )
    return 0


FIRST_ACCOUNT = "coordinator@localhost"
"""The account `matcher serve` makes when nobody can sign in (its password printed once)."""


def _announce(sessions: sessionmaker[Session], host: str, port: int) -> None:
    """How to sign in (on first start: with the first account, made now), how to get a key and
    ask for a shortlist; printed once the database is ready."""
    from sqlalchemy import select

    from service import store
    from service.tables import CandidateRow

    with sessions.begin() as session:
        password = store.first_account(session, email=FIRST_ACCOUNT, name="Coordinator")
    with sessions() as session:
        counts = store.counts(session)
        someone = session.execute(
            select(CandidateRow.id).order_by(CandidateRow.id).limit(1)
        ).scalar_one_or_none()
        url = session.get_bind().engine.url.render_as_string(hide_password=True)
    base = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    matcher = "./dev matcher" if os.access("dev", os.X_OK) else "matcher"
    path = f"/candidates/{someone}/shortlist?top=3" if someone else "/vacancies?limit=3"
    if password is not None:
        sign_in = (
            f"Sign in at {base}/sign-in\n"
            f"  as {FIRST_ACCOUNT} with the password {password}\n"
            f"  (shown only now; a new one any time: {matcher} users password {FIRST_ACCOUNT})\n"
        )
    else:
        sign_in = f"Sign in at {base}/sign-in\n"
    sign_in += (
        f"  accounts for others: {matcher} users create --role jobhunter --name NAME"
        " --email EMAIL\n\n"
    )
    print(
        f"\nMatcher service on {base}  (API docs: {base}/docs)\n"
        f"Database: {url}\n"
        f"  {counts['candidates']} candidates, {counts['vacancies']} vacancies"
        f" ({counts['open_vacancies']} open)\n\n"
        f"{sign_in}"
        "Get an API key (in another terminal; the key is the last line printed):\n"
        f"  KEY=$({matcher} keys create --role jobhunter)\n"
        "Then ask for a shortlist:\n"
        f"  curl -s -H \"X-API-Key: $KEY\" '{base}{path}'\n",
        flush=True,
    )


def _language(args: argparse.Namespace) -> Language:
    from matcher.reasons import from_environment

    chosen: Language = args.lang or from_environment(os.environ)
    return chosen


def _import_sheet(args: argparse.Namespace) -> int:
    from matcher.reasons import translator
    from service.sheets.importing import VacancyImporter, import_candidates, import_vacancies
    from service.sheets.reading import BadFile, read_mapping
    from service.sheets.template import SHEETS
    from service.sheets.workbooks import annotated_copy

    language = _language(args)
    t = translator(language)
    try:
        data = args.file.read_bytes()
        mapping = read_mapping(args.mapping.read_bytes()) if args.mapping else None
        chosen = {"mapping": mapping, "dry_run": args.dry_run, "valid_only": args.valid_only}
        with _sessions() as sessions, sessions.begin() as session:
            if args.sheet == "vacancies":
                # Run where the service runs, by whoever keeps it: as a coordinator.
                importer = VacancyImporter(creates_employers=True)
                result = import_vacancies(session, data, importer=importer, **chosen)
            else:
                result = import_candidates(session, data, **chosen)
    except OSError as error:
        raise SystemExit(f"error: cannot read {error.filename}: {error.strerror}") from None
    except BadFile as error:
        raise SystemExit(f"error: {args.file}: {error.message(language)}") from None
    report = result.report
    print(format_report(result.as_dict(language, dry_run=args.dry_run), language, args.skills))
    if args.annotated:
        title = SHEETS[args.sheet].title
        args.annotated.write_bytes(annotated_copy(result.sheet, report, language, title=title))
        print(f"annotated copy: {args.annotated}", file=sys.stderr)
    if result.counts is not None:
        counts = result.counts
        print(
            t.fill(
                "import.report.counts",
                {
                    "created": len(counts.created),
                    "updated": len(counts.updated),
                    "unchanged": len(counts.unchanged),
                },
            )
        )
    elif args.dry_run:
        print(t.text("import.report.dry_run"))
    else:
        print(t.fill("import.report.refused", {"count": len(report.errors)}))
    return 1 if report.errors and not args.valid_only else 0


def format_report(body: dict[str, Any], language: Language, skills: bool) -> str:
    """The import's report as the CLI prints it: a line a problem, then the skills read."""
    from matcher.reasons import translator

    t = translator(language)
    lines = [t.fill("import.report.checked", {"count": body["rows"], "valid": body["valid_rows"]})]
    if body["problems"]:
        heads = [t.text(f"import.report.{k}") for k in ("row", "column", "problem")]
        width = max([len(heads[1])] + [len(p["column"] or "") for p in body["problems"]])
        lines.append(f"{heads[0]:>5}  {heads[1]:<{width}}  {heads[2]}")
        for p in body["problems"]:
            mark = "x" if p["severity"] == "error" else "!"
            lines.append(f"{p['row']:>5}  {p['column'] or '':<{width}}  {mark} {p['message']}")
    if skills:
        lines.append(t.text("import.report.skills_heading"))
        for r in body["skills"]:
            read = r["label"] or t.text("import.report.unread")
            lines.append(f"{r['row']:>5}  {r['phrase']} -> {read} ({t.decimal(r['confidence'])})")
    return "\n".join(lines)


def _import_template(args: argparse.Namespace) -> int:
    from service.sheets.template import CANDIDATES, VACANCIES
    from service.sheets.workbooks import template_workbook

    kind = VACANCIES if args.vacancies else CANDIDATES
    output = args.output or Path(f"{kind.title.lower()}-sjabloon.xlsx")
    output.write_bytes(template_workbook(kind, _language(args)))
    print(f"wrote {output}", file=sys.stderr)
    return 0


def _export_programme(args: argparse.Namespace) -> int:
    from service import store
    from service.catalog import Catalog
    from service.documents.programme import programme_workbook
    from service.routers.stats import figures

    try:
        with _sessions() as sessions, sessions() as session:
            found = figures(session, Catalog(), on=args.on)
    except store.NotFound as error:  # a database the service never started on
        print(f"error: {error}", file=sys.stderr)
        return 1
    args.output.write_bytes(programme_workbook(found, _language(args)))
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


def _export_sheet(args: argparse.Namespace) -> int:
    from service.sheets.workbooks import candidates_sheet, vacancies_sheet

    with _sessions() as sessions, sessions() as session:
        if args.sheet == "vacancies":
            data = vacancies_sheet(_every_vacancy(session), kind=args.format)
        else:
            data = candidates_sheet(session, kind=args.format)
    if args.output is None:
        sys.stdout.buffer.write(data)
    else:
        args.output.write_bytes(data)
        print(f"wrote {args.output}", file=sys.stderr)
    return 0


def _every_vacancy(session: Session) -> list[Any]:
    from service import store

    where = store.VacancyFilter()
    return store.list_vacancies(session, where=where, limit=1_000_000, offset=0)[0]
