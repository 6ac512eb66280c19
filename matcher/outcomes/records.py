"""What the programme recorded, for the notebooks: read from the service's database (the fixture
files only when asked), and tuned weights sent back as the service's next version."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from matcher.engine import Engine
from matcher.models import Candidate, Vacancy
from matcher.outcomes.applications import Application
from matcher.outcomes.frames import application_frame
from matcher.outcomes.programme import ProgrammeFigures, StageChange, programme_figures
from matcher.weights import Weights, current_weights

__all__ = ["Records", "load_records"]


@dataclass(frozen=True)
class Records:
    """People, vacancies, applications and stage changes, the weights in use, and the
    programme's figures (as GET /stats gives them), all read at one moment from one source."""

    source: str
    """Where they came from, in words: the database's URL (password hidden) or the fixtures."""
    about: str
    """One paragraph for the top of a notebook: how much there is, and from where."""
    candidates: tuple[Candidate, ...]
    vacancies: tuple[Vacancy, ...]
    """Open or not: applications name closed vacancies too."""
    applications: tuple[Application, ...]
    stage_changes: tuple[StageChange, ...]
    weights: Weights
    """The weights shortlists use now: the service's current version, or (fixtures) the file
    MATCHER_WEIGHTS names, else the packaged ones."""
    figures: ProgrammeFigures
    programme_start: date
    """The programme's start (GET /programme); for the fixtures, their history's start; for a
    database without one, its first recorded event."""
    true_model: Mapping[str, Any] | None = None
    """Only for the fixtures' simulated history: the hidden model that made it."""
    _database: Any = field(default=None, repr=False)
    """service.settings.Settings of the database read, None for the fixtures."""

    @property
    def true_weights(self) -> Mapping[str, float] | None:
        """The simulation's hidden weights (fixtures only), to compare tuned ones with."""
        return None if self.true_model is None else self.true_model.get("weights")

    def application_frame(self) -> pd.DataFrame:
        """One row per application, scored as its shortlist showed it when it was proposed (its
        snapshot); the few without one are scored now with the current weights, unless they
        name a person or vacancy no longer stored (those are left out)."""
        people = {c.id for c in self.candidates}
        jobs = {v.id for v in self.vacancies}
        kept = [a for a in self.applications if a.snapshot is not None]
        scorable = [
            a
            for a in self.applications
            if a.snapshot is None and a.candidate_id in people and a.vacancy_id in jobs
        ]
        frame = application_frame(kept)
        if not scorable:
            return frame
        scored = application_frame(
            scorable,
            engine=Engine(self.weights).fit([]),
            candidates=self.candidates,
            vacancies=self.vacancies,
        )
        return pd.concat([frame, scored], ignore_index=True) if kept else scored

    def engine(self) -> Engine:
        """An engine with the current weights, fitted on the open vacancies."""
        return Engine(self.weights).fit([v for v in self.vacancies if v.status == "open"])

    def send_weights(self, weights: Weights, *, note: str | None) -> Weights:
        """Store `weights` as the next version after the one read (ValueError, naming who was
        first, if someone stored another since): in the service's database, whose next
        shortlists use them; for the fixtures, in the file
        `matcher.outcomes.tuning.tuned_weights_path()` names. Returns them as stored, with their
        version."""
        if self._database is None:
            from matcher.outcomes.tuning import tuned_weights_path

            path = tuned_weights_path()
            stored = weights.model_copy(update={"version": self.weights.version + 1, "note": note})
            path.parent.mkdir(parents=True, exist_ok=True)
            stored.save(path)
            return stored
        from service.local import opened, put_weights
        from service.store import VersionConflict

        with opened(self._database) as database:
            try:
                return put_weights(
                    database.sessions,
                    weights,
                    note=note,
                    changed_by="tuning notebook",
                    expected_version=self.weights.version + 1,
                )
            except VersionConflict as error:
                raise ValueError(
                    f"not sent: the service's weights changed since they were read (version"
                    f" {self.weights.version}); load the records again and retune ({error})"
                ) from None


def load_records(
    *, fixtures: bool = False, database_url: str | None = None, on: date | None = None
) -> Records:
    """The programme's records from the service's database: MATCHER_DATABASE_URL, or
    `database_url`, else the default SQLite file of the repository (`matcher serve`'s), prepared
    as the service prepares it on first start. With `fixtures`, the fixture files and their
    simulated history instead. Figures are as of `on` (default: today; the fixtures: their
    reference day)."""
    if fixtures:
        return _from_fixtures(on)
    from service.local import opened, read_records, settings_here

    settings = settings_here()
    if database_url is not None:
        settings = settings.model_copy(update={"database_url": database_url})
    with opened(settings) as database:
        read = read_records(database, on=on)
    starts = [c.on for c in read.stage_changes] + [a.proposed_on for a in read.applications]
    return Records(
        source=f"the service's database {read.url}",
        about=(
            f"Read from the service's database {read.url}: {len(read.candidates)} people,"
            f" {len(read.vacancies)} vacancies, {len(read.applications)} applications and"
            f" {len(read.stage_changes)} stage changes; weights version {read.weights.version}."
        ),
        candidates=read.candidates,
        vacancies=read.vacancies,
        applications=read.applications,
        stage_changes=read.stage_changes,
        weights=read.weights,
        figures=read.figures,
        programme_start=(
            read.figures.pace.starts_on
            if read.figures.pace is not None
            else min(starts, default=read.figures.as_of)
        ),
        _database=settings,
    )


def _from_fixtures(on: date | None) -> Records:
    from matcher.fixtures import fixtures_dir, load_candidates, load_vacancies
    from matcher.outcomes.history import load_history

    history = load_history()
    candidates = load_candidates()
    figures = programme_figures(
        candidates,
        history.applications,
        history.stage_changes,
        today=on or history.reference_date,
    )
    folder: Path = fixtures_dir()
    return Records(
        source=f"the fixture files in {folder}",
        about=f"The fixture files (not the service's database). {history.about}",
        candidates=candidates,
        vacancies=load_vacancies(),
        applications=history.applications,
        stage_changes=history.stage_changes,
        weights=current_weights(),
        figures=figures,
        programme_start=history.programme_start,
        true_model=history.true_model,
    )
