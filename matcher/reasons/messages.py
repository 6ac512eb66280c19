"""Every message the product shows about a match, in English: the source its translations are
extracted from (`./dev translations`), one entry per message key.

A key is the reason's code, or the code and a variant after a dot where one code reads
differently by case (`required_skills.missing`); Babel takes the key as the message's context, so
each language can word each case on its own. Placeholders are named (`{skill}`); a message with a
plural counts on `{count}`. Names put into a sentence (a skill, a job, a language) stand after a
colon or in brackets wherever the sentence would otherwise need them in another case, so that
Ukrainian, Russian and Dutch can keep them as the vocabulary writes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Message:
    key: str
    singular: str
    plural: str | None = None


def pgettext(key: str, text: str) -> Message:
    """Marks a message for extraction (Babel knows the name); translated when shown."""
    return Message(key, text)


def npgettext(key: str, singular: str, plural: str) -> Message:
    """Marks a message with a plural, chosen by the `{count}` placeholder's number."""
    return Message(key, singular, plural)


def _index(messages: Iterable[Message]) -> dict[str, Message]:
    index: dict[str, Message] = {}
    for message in messages:
        if message.key in index:
            raise ValueError(f"message key {message.key!r} is written twice")
        index[message.key] = message
    return index


COACH_PAGES: list[Message] = [
    # The jobhunters' and coaches' pages (service/web/coach.py): page.coach.*, page.person.*,
    # page.intake.*, page.plan.*.
    pgettext("page.coach.title", "Caseload"),
    pgettext("page.coach.heading", "The people you follow"),
    pgettext("page.coach.new_person", "Add a new person"),
    pgettext("page.coach.attention.heading", "Needs attention"),
    pgettext("page.coach.attention.none", "Nothing needs attention now."),
    # TRANSLATORS: after a person's id; a proposal with no news.
    npgettext(
        "page.coach.attention.quiet",
        "proposed for {title} ({employer}), no news for {count} day",
        "proposed for {title} ({employer}), no news for {count} days",
    ),
    # TRANSLATORS: after a person's id; {status} is one of page.coach.vacancy_status.*.
    pgettext(
        "page.coach.attention.closed",
        "proposed for {title} ({employer}), but that vacancy is {status}",
    ),
    pgettext(
        "page.coach.attention.followup",
        "hired on {hired_on}: the follow-up is due since {due_on}",
    ),
    npgettext(
        "page.coach.attention.waiting",
        "ready for {count} day, and nothing proposed yet",
        "ready for {count} days, and nothing proposed yet",
    ),
    npgettext(
        "page.coach.attention.more",
        "And {count} more: narrow the list with the filters below.",
        "And {count} more: narrow the list with the filters below.",
    ),
    pgettext("page.coach.vacancy_status.closed", "closed"),
    pgettext("page.coach.vacancy_status.filled", "filled"),
    pgettext("page.coach.vacancy_status.deleted", "deleted"),
    pgettext("page.coach.filter.stage", "Stages"),
    # TRANSLATORS: a skill or a past job, typed in any language.
    pgettext("page.coach.filter.skill", "Skill or job, in any language"),
    pgettext("page.coach.filter.q", "Name or id"),
    pgettext("page.coach.filter.postcode", "Postcode"),
    pgettext("page.coach.filter.coach", "Coach"),
    pgettext("page.coach.filter.read_as", "Looking for people who know: {concept}"),
    # TRANSLATORS: the button that applies the caseload's filters.
    pgettext("page.coach.filter.submit", "Show"),
    pgettext("page.coach.filter.clear", "Show everyone"),
    pgettext(
        "page.coach.error.postcode",
        "{value} is not a Belgian postcode. Write its four digits, such as 2060.",
    ),
    npgettext("page.coach.count", "{count} person", "{count} people"),
    pgettext("page.coach.stage.intake", "Intake"),
    pgettext("page.coach.stage.activation", "Activation"),
    pgettext("page.coach.stage.ready", "Ready for work"),
    pgettext("page.coach.stage.placed", "Placed"),
    pgettext("page.coach.stage.follow_up", "Followed up"),
    pgettext("page.coach.stage.closed", "Closed"),
    pgettext("page.coach.column.person", "Person"),
    pgettext("page.coach.column.skills", "Jobs and skills"),
    pgettext("page.coach.column.availability", "Available"),
    pgettext("page.coach.column.languages", "Languages"),
    pgettext("page.coach.column.postcode", "Postcode"),
    pgettext("page.coach.column.coach", "Coach"),
    # TRANSLATORS: a time the person is free for work: "Mon-Fri 08:45-15:30".
    pgettext("page.coach.window", "{days} {start}-{end}"),
    pgettext("page.coach.any_time", "Any time"),
    npgettext(
        "page.coach.more_people",
        "And {count} more: narrow the list with the filters.",
        "And {count} more: narrow the list with the filters.",
    ),
    pgettext("page.coach.nobody", "Nobody at this stage matches."),
    pgettext("page.coach.error.forbidden.title", "Not for your role"),
    pgettext(
        "page.coach.error.forbidden",
        "Only jobhunters and coordinators see the people in the programme.",
    ),
    pgettext("page.coach.error.not_found.title", "Not found"),
    pgettext(
        "page.coach.error.not_found",
        "There is no such person or application. They may have been erased.",
    ),
    pgettext("page.person.back", "Back to the caseload"),
    pgettext("page.person.back_to_person", "Back to the person's page"),
    pgettext("page.person.stage", "Stage"),
    pgettext("page.person.edit", "Edit the profile"),
    pgettext("page.person.print", "Print the shortlist"),
    pgettext("page.person.shortlist", "Vacancies that suit them"),
    pgettext("page.person.shortlist_empty", "No open vacancy suits them now."),
    npgettext(
        "page.person.left_out",
        "{count} vacancy is left out: it was proposed already (see the applications below).",
        "{count} vacancies are left out: they were proposed already (see the applications below).",
    ),
    # TRANSLATORS: how well a vacancy suits the person, from 0 to 1.
    pgettext("page.person.score", "Match: {score}"),
    # TRANSLATORS: the button on a shortlist line; {title} is the vacancy's title.
    pgettext("page.person.propose", "Propose: {title}"),
    pgettext(
        "page.person.propose_failed",
        "This vacancy cannot be proposed: it was proposed already or is no longer there.",
    ),
    # TRANSLATORS: vacancies that would suit but for one thing, shown with what blocks them.
    pgettext("page.person.near_misses", "Nearly: what stands in the way"),
    pgettext("page.person.barriers", "What would unlock most"),
    npgettext(
        "page.person.unblocks",
        "opens {count} more vacancy",
        "opens {count} more vacancies",
    ),
    pgettext("page.person.applications", "Applications"),
    pgettext("page.person.no_applications", "Nothing proposed yet."),
    pgettext("page.person.status.proposed", "Proposed"),
    pgettext("page.person.status.applied", "Applied"),
    pgettext("page.person.status.interview", "Interview"),
    pgettext("page.person.status.hired", "Hired"),
    pgettext("page.person.status.rejected", "Rejected"),
    pgettext("page.person.status.withdrawn", "Withdrawn"),
    pgettext("page.person.rejection.language", "language"),
    pgettext("page.person.rejection.experience", "experience"),
    pgettext("page.person.rejection.schedule", "schedule"),
    pgettext("page.person.rejection.commute", "commute"),
    pgettext("page.person.rejection.no_response", "no response"),
    pgettext("page.person.rejection.candidate_declined", "the person declined"),
    pgettext("page.person.rejection.other", "other"),
    # TRANSLATORS: the buttons that record an application's next step.
    pgettext("page.person.step.applied", "Applied"),
    pgettext("page.person.step.interview", "Interview"),
    pgettext("page.person.step.hired", "Hired"),
    pgettext("page.person.step.rejected", "Rejected"),
    pgettext("page.person.step.withdrawn", "Withdrawn"),
    pgettext("page.person.reason", "Reason (for a rejection)"),
    pgettext("page.person.reason_none", "(none)"),
    pgettext("page.person.note", "Debrief note"),
    pgettext("page.person.on", "Day"),
    pgettext("page.person.error.reason_missing", "Choose the reason for the rejection."),
    pgettext("page.person.error.step", "This step cannot be recorded: check the day."),
    pgettext(
        "page.person.error.impossible",
        "This step cannot follow the last one: steps only go forward.",
    ),
    pgettext("page.person.print_title", "Vacancies for {name}"),
    pgettext("page.person.print_made", "Made on {day} (weights version {version})."),
    pgettext("page.person.erase", "Erase this person"),
    pgettext("page.erase.title", "Erase {name}?"),
    pgettext(
        "page.erase.what",
        "This erases {name} for good: their profile, their applications with the debrief notes, "
        "their stage history and their follow-ups. It cannot be undone.",
    ),
    pgettext(
        "page.erase.logged",
        "The record keeps only that your account erased someone, and when: not who it was.",
    ),
    pgettext("page.erase.confirm", "To confirm, type their name: {name}"),
    pgettext("page.erase.button", "Erase for good"),
    pgettext("page.erase.cancel", "Keep them"),
    pgettext("page.erase.mismatch", "This is not their name: nothing was erased."),
    pgettext("page.erase.done", "The person was erased, with everything about them."),
    pgettext("page.intake.title", "A new person"),
    pgettext("page.intake.title_edit", "Edit the profile"),
    npgettext(
        "page.intake.has_errors",
        "{count} field needs a change; it is marked below.",
        "{count} fields need a change; they are marked below.",
    ),
    pgettext("page.intake.display_name", "Name (only for the coaches)"),
    pgettext("page.intake.postcode", "Postcode of their home"),
    pgettext("page.intake.skills", "Skills"),
    pgettext(
        "page.intake.skills_hint",
        "One per line, in any language. Years of experience after a semicolon: Excel; 3",
    ),
    pgettext("page.intake.occupations", "Past jobs"),
    pgettext("page.intake.occupations_hint", "One per line, in any language."),
    # TRANSLATORS: how a typed skill was understood: "водій навантажувача → heftruckchauffeur,
    # 0.95"; {confidence} is from 0 to 1.
    pgettext("page.intake.read_as", "{phrase} → {concept}, {confidence}"),
    pgettext("page.intake.not_read", "{phrase} → not recognised; it is kept as typed"),
    pgettext("page.intake.languages", "Languages"),
    pgettext("page.intake.language", "Language"),
    pgettext("page.intake.level", "Level (CEFR)"),
    pgettext("page.intake.availability", "When they can work"),
    pgettext(
        "page.intake.availability_hint",
        "Leave every row empty if they can work at any time. Times such as 8:30 or 8u30.",
    ),
    pgettext("page.intake.window", "Days, row {number}"),
    pgettext("page.intake.from", "From"),
    pgettext("page.intake.until", "Until"),
    pgettext("page.intake.transport", "How they travel, besides walking"),
    pgettext("page.intake.driving_licence", "Has a driving licence"),
    pgettext("page.intake.max_commute", "Longest trip to work, in minutes"),
    pgettext("page.intake.hours_min", "Hours a week, at least"),
    pgettext("page.intake.hours_max", "Hours a week, at most"),
    pgettext("page.intake.coach", "Coach"),
    pgettext("page.intake.save", "Save"),
    pgettext(
        "page.intake.error.postcode",
        "{value} is not a Belgian postcode. Write its four digits, such as 2060.",
    ),
    pgettext("page.intake.error.postcode_missing", "Enter the postcode of their home."),
    pgettext("page.intake.error.language_row", "Choose both the language and its level."),
    pgettext("page.intake.error.language_twice", "A language is listed twice."),
    pgettext("page.intake.error.languages", "Check the languages and their levels."),
    pgettext(
        "page.intake.error.time",
        "Write the times as hours and minutes, such as 08:30 or 8u30 (00:00 to 24:00).",
    ),
    pgettext("page.intake.error.days", "Tick at least one day for these hours."),
    pgettext(
        "page.intake.error.window", "The start and the end are the same time, or 24:00 starts."
    ),
    pgettext(
        "page.intake.error.hours",
        "Write the hours as numbers from 0 to 80, the smaller one first.",
    ),
    pgettext("page.intake.error.commute", "Write a number of minutes from 5 to 240."),
    pgettext("page.intake.error.skills", "At most 100 skills, each of at most 200 characters."),
    pgettext(
        "page.intake.error.occupations", "At most 20 past jobs, each of at most 200 characters."
    ),
    pgettext("page.intake.error.display_name", "At most 200 characters."),
    pgettext("page.intake.error.coach", "At most 200 characters."),
    pgettext("page.intake.error.other", "Something in the form cannot be saved. Check it."),
    # This week's plan and a vacancy's candidates (service/web/plan.py).
    pgettext("page.plan.title", "This week's plan"),
    pgettext("page.plan.heading", "Proposals for this week"),
    pgettext(
        "page.plan.intro",
        "Each person's best vacancies, spread so that no vacancy gets more proposals than it has"
        " open positions for. Nothing is recorded until you propose.",
    ),
    pgettext("page.plan.whose", "For whom"),
    pgettext("page.plan.whose.mine", "The people I coach"),
    pgettext("page.plan.whose.all", "Everyone ready for work"),
    pgettext("page.plan.per_candidate", "Proposals per person (1 to 5)"),
    pgettext("page.plan.submit", "Make the plan"),
    pgettext(
        "page.plan.error.per_candidate",
        "{value} is not a number of proposals: choose a whole number from {min} to {max}.",
    ),
    npgettext(
        "page.plan.count",
        "{count} proposal in this plan",
        "{count} proposals in this plan",
    ),
    pgettext("page.plan.nobody.mine", "Nobody you coach is ready for work now."),
    pgettext("page.plan.nobody.all", "Nobody is ready for work now."),
    pgettext("page.plan.nothing", "Nothing to propose to them this week."),
    # TRANSLATORS: a fold-out table under the plan's count: how evenly this plan spreads the
    # proposals over the vacancies, beside proposing each person their best vacancies alone.
    pgettext("page.plan.spread.heading", "How the plan spreads the proposals"),
    pgettext(
        "page.plan.spread.hint",
        "Beside proposing each person their best {per_candidate} vacancies whatever the others "
        "get: the plan keeps a few popular vacancies from drowning in proposals.",
    ),
    pgettext("page.plan.spread.plan", "This plan"),
    pgettext("page.plan.spread.top_k", "Each person's best"),
    pgettext("page.plan.spread.proposals", "Proposals"),
    pgettext("page.plan.spread.total_score", "Total match (the sum of the scores)"),
    pgettext("page.plan.spread.max_per_vacancy", "Most proposals to one vacancy"),
    pgettext(
        "page.plan.spread.over_capacity",
        "Vacancies with more proposals than their open positions allow",
    ),
    pgettext(
        "page.plan.spread.coverage_reachable",
        "Vacancies within reach that get at least one proposal",
    ),
    pgettext("page.plan.spread.candidates_without", "People without any proposal"),
    # TRANSLATORS: a share, e.g. "45%"; write the sign and any space as your language does.
    pgettext("page.plan.spread.percent", "{percent}%"),
    # TRANSLATORS: the button on a plan's line; {title} is the vacancy's title.
    pgettext("page.plan.propose", "Propose: {title}"),
    pgettext("page.plan.proposed", "{name} was proposed for {title} ({employer})."),
    pgettext("page.plan.see_application", "See the application on their page"),
    pgettext(
        "page.plan.refused.under_way",
        "This was proposed already: it is under way, and nothing was recorded.",
    ),
    pgettext(
        "page.plan.refused.not_found",
        "This person or this vacancy is no longer there: nothing was recorded.",
    ),
    pgettext("page.plan.candidates", "Who suits this vacancy"),
    pgettext("page.plan.candidates_link", "Who suits this vacancy, for a visit"),
    pgettext("page.plan.candidates_empty", "Nobody ready for work suits this vacancy now."),
    pgettext("page.plan.print", "Print for the employer"),
    # TRANSLATORS: the printed page's title; {title} is the vacancy's, {employer} its employer.
    pgettext("page.plan.print_title", "Candidates for {title} at {employer}"),
    pgettext("page.plan.print_made", "Made on {day} (weights version {version})."),
    pgettext("page.plan.back_to_candidates", "Back to the candidates"),
]
"""Written by whoever builds those pages; kept apart so that each area's words merge alone."""

EMPLOYER_PAGES: list[Message] = [
    # The employers' pages (service/web/employer.py): page.employer.*.
    # TRANSLATORS: the label of the employers' menu (for screen readers).
    pgettext("page.employer.nav", "Vacancies menu"),
    pgettext("page.employer.new", "Post a vacancy"),
    pgettext("page.employer.edit", "Change this vacancy"),
    pgettext("page.employer.go_home", "Go to the home page"),
    pgettext("page.employer.missing.title", "Not found"),
    pgettext(
        "page.employer.missing",
        "There is no such vacancy, or it is not one of yours. Check the address and try again.",
    ),
    pgettext("page.employer.forbidden.title", "Not for your account"),
    pgettext(
        "page.employer.forbidden",
        "Your account's role cannot use this page. Ask your coordinator if you need it.",
    ),
    pgettext("page.employer.list.title", "Vacancies"),
    pgettext("page.employer.list.yours", "The vacancies of {employer}."),
    npgettext("page.employer.list.count", "{count} vacancy.", "{count} vacancies."),
    pgettext("page.employer.list.none", "No vacancies yet."),
    pgettext("page.employer.list.previous", "Previous page"),
    pgettext("page.employer.list.next", "Next page"),
    # TRANSLATORS: {level} is a CEFR level (A1 ... C2) or the word for native.
    pgettext("page.employer.needs_dutch", "Dutch needed at level {level}"),
    # TRANSLATORS: {languages} is a list joined with "or", such as "English or Ukrainian".
    pgettext(
        "page.employer.needs_contact",
        "No Dutch needed; to speak with the team: {languages} at level {level}",
    ),
    pgettext("page.employer.status.open", "Open"),
    pgettext("page.employer.status.closed", "Closed"),
    pgettext("page.employer.status.filled", "Filled"),
    pgettext("page.employer.form.new_title", "Post a vacancy"),
    pgettext("page.employer.form.edit_title", "Change a vacancy"),
    pgettext("page.employer.form.job", "The job"),
    pgettext("page.employer.form.title", "Job title"),
    pgettext("page.employer.form.employer", "Employer"),
    pgettext("page.employer.form.postcode", "Postcode of the workplace"),
    pgettext("page.employer.form.postcode_hint", "Four digits, such as 2060."),
    pgettext("page.employer.form.address", "Address (optional)"),
    pgettext("page.employer.form.languages", "Languages at work"),
    pgettext(
        "page.employer.form.why_light",
        "Not requiring Dutch widens the pool: many newcomers speak English, Ukrainian or Russian"
        " well while they are still learning Dutch.",
    ),
    pgettext(
        "page.employer.form.contact_languages",
        "In which languages can a new colleague speak with the team?",
    ),
    pgettext("page.employer.form.contact_other", "Other languages (optional)"),
    pgettext(
        "page.employer.form.contact_other_hint",
        "Two-letter codes, separated by commas, such as pt, it.",
    ),
    pgettext("page.employer.form.contact_level", "Level needed in that language"),
    pgettext("page.employer.form.dutch", "Is Dutch really needed for this job?"),
    pgettext("page.employer.form.dutch_no", "No, Dutch is not required"),
    pgettext("page.employer.form.dutch_yes", "Yes, Dutch is required at the level below"),
    pgettext("page.employer.form.dutch_level", "Dutch level, only if required"),
    pgettext("page.employer.form.shifts", "Shifts"),
    pgettext(
        "page.employer.form.shifts_hint",
        "One row per shift: tick its days and write its start and end, such as 6:00 or 6u00.",
    ),
    # TRANSLATORS: the heading of one shift row; {number} counts from 1.
    pgettext("page.employer.form.shift", "Shift {number}"),
    pgettext("page.employer.form.start", "Starts at"),
    pgettext("page.employer.form.end", "Ends at"),
    pgettext("page.employer.form.add_shift", "Add another shift"),
    pgettext("page.employer.form.shift_pattern", "How the shifts are worked"),
    pgettext("page.employer.form.pattern_all", "Everyone works all these shifts"),
    pgettext("page.employer.form.pattern_any", "Each person works one of these shifts"),
    pgettext("page.employer.form.work", "The work"),
    pgettext("page.employer.form.hours_per_week", "Hours per week"),
    pgettext("page.employer.form.positions", "Number of people needed"),
    pgettext("page.employer.form.skills_required", "Skills required"),
    pgettext("page.employer.form.skills_hint", "One per line, in any language, such as forklift."),
    pgettext("page.employer.form.skills_preferred", "Skills that help (optional)"),
    pgettext("page.employer.form.transport_provided", "We provide transport to work"),
    pgettext("page.employer.form.driving_licence_required", "A driving licence is required"),
    pgettext("page.employer.form.description", "Description (optional)"),
    pgettext("page.employer.form.status", "Status"),
    # TRANSLATORS: the button that posts a new vacancy.
    pgettext("page.employer.form.post", "Post the vacancy"),
    pgettext("page.employer.form.save", "Save the changes"),
    pgettext(
        "page.employer.error.form", "Some fields need a change: see the messages beside them."
    ),
    pgettext("page.employer.error.required", "Fill this in."),
    pgettext("page.employer.error.postcode", "This is not a Belgian postcode: write four digits."),
    pgettext(
        "page.employer.error.language_code",
        "Write each language as a two-letter code, such as pt or it.",
    ),
    pgettext(
        "page.employer.error.contact_languages",
        "Tick at least one language to speak with the team, or say that Dutch is required.",
    ),
    pgettext("page.employer.error.level", "Choose a level from the list."),
    pgettext("page.employer.error.days", "Tick at least one day for this shift."),
    pgettext("page.employer.error.time", "Write a time of day, such as 6:00, 6u00 or 14.30."),
    pgettext("page.employer.error.shift_length", "The shift ends when it starts: change one."),
    pgettext("page.employer.error.no_shift", "Give at least one shift: its days, start and end."),
    pgettext("page.employer.error.hours", "Write the hours per week as a number from 1 to 60."),
    pgettext("page.employer.error.positions", "Write a whole number of people, from 1 to 1000."),
    pgettext("page.employer.error.too_long", "This is too long: shorten it."),
    pgettext("page.employer.error.too_many", "This list is too long: at most 50."),
    pgettext("page.employer.error.too_many_shifts", "At most 21 shifts."),
    pgettext("page.employer.error.invalid", "Something in this form is not accepted."),
    pgettext("page.employer.error.step_reason", "Choose why it was rejected."),
    pgettext("page.employer.error.step_day", "The day cannot be in the future, nor before 2000."),
    pgettext(
        "page.employer.error.step_impossible",
        "This step cannot follow the last one recorded.",
    ),
    pgettext("page.employer.notice.saved", "The vacancy is saved."),
    pgettext("page.employer.notice.recorded", "The step is recorded."),
    pgettext("page.employer.applications.title", "Applications"),
    pgettext(
        "page.employer.applications.private",
        "Who the candidates are stays with their coaches: you see each application's number,"
        " progress and days.",
    ),
    pgettext("page.employer.applications.none", "Nobody has been proposed for this vacancy yet."),
    pgettext("page.employer.applications.one", "Application {id}"),
    # TRANSLATORS: one step of an application and its day: "Interview on 2026-02-03".
    pgettext("page.employer.step_on", "{step} on {day}"),
    pgettext("page.employer.step.proposed", "Proposed"),
    pgettext("page.employer.step.applied", "Applied"),
    pgettext("page.employer.step.interview", "Interview"),
    pgettext("page.employer.step.hired", "Hired"),
    pgettext("page.employer.step.rejected", "Rejected"),
    pgettext("page.employer.step.withdrawn", "Withdrawn"),
    pgettext("page.employer.record.on", "On"),
    # TRANSLATORS: buttons that record a step of an application.
    pgettext("page.employer.record.applied", "Record: applied"),
    pgettext("page.employer.record.interview", "Record: interview"),
    pgettext("page.employer.record.hired", "Record: hired"),
    pgettext("page.employer.record.rejected", "Record: rejected"),
    pgettext("page.employer.record.reason", "Reason for the rejection"),
    pgettext("page.employer.record.choose_reason", "Choose a reason"),
    pgettext("page.employer.reason.language", "Language"),
    pgettext("page.employer.reason.experience", "Experience"),
    pgettext("page.employer.reason.schedule", "Working hours"),
    pgettext("page.employer.reason.commute", "Travel to work"),
    pgettext("page.employer.reason.no_response", "No response"),
    pgettext("page.employer.reason.candidate_declined", "The candidate declined"),
    pgettext("page.employer.reason.other", "Other"),
]
"""The employers' words."""

COORDINATOR_PAGES: list[Message] = [
    # The coordinators' pages (service/web/coordinator.py): page.coordinator.*.
    # TRANSLATORS: the coordinators' menu: the figures, the weights, the accounts, attention.
    pgettext("page.coordinator.nav", "Coordination"),
    pgettext("page.coordinator.nav.figures", "Figures"),
    pgettext("page.coordinator.nav.weights", "Weights"),
    pgettext("page.coordinator.nav.accounts", "Accounts"),
    pgettext("page.coordinator.nav.attention", "Needs attention"),
    pgettext("page.coordinator.forbidden.title", "Not for your role"),
    # TRANSLATORS: {role} is one of the page.role.* words.
    pgettext(
        "page.coordinator.forbidden",
        "This page is for coordinators; your account's role is {role}.",
    ),
    pgettext("page.coordinator.go_home", "Go to the home page"),
    # --- the figures
    pgettext("page.coordinator.figures.title", "The programme's figures"),
    # TRANSLATORS: {day} is a date written as 2026-03-31.
    pgettext("page.coordinator.figures.as_of", "As of {day}."),
    pgettext(
        "page.coordinator.figures.placed",
        "{placed} of {target} people placed in work ({percent}%).",
    ),
    pgettext(
        "page.coordinator.figures.pace",
        "A straight line from the start ({starts_on}) to the target at the end ({ends_on})"
        " reaches {expected} by now; at the pace so far the programme ends with {projected}.",
    ),
    pgettext("page.coordinator.figures.on_track", "The programme is on track."),
    pgettext("page.coordinator.figures.behind", "The programme is behind its pace."),
    npgettext(
        "page.coordinator.figures.time_to_hire",
        "From ready to a first job took {median} days (the median, over {count} person).",
        "From ready to a first job took {median} days (the median, over {count} people).",
    ),
    pgettext("page.coordinator.figures.stages", "People per stage"),
    pgettext("page.coordinator.figures.stage", "Stage"),
    pgettext("page.coordinator.figures.people", "People"),
    pgettext("page.coordinator.stage.intake", "Intake"),
    pgettext("page.coordinator.stage.activation", "Activation"),
    pgettext("page.coordinator.stage.ready", "Ready for work"),
    pgettext("page.coordinator.stage.placed", "Placed"),
    pgettext("page.coordinator.stage.follow_up", "Follow-up"),
    pgettext("page.coordinator.stage.closed", "Closed"),
    pgettext("page.coordinator.figures.months", "Placements per month, against the pace"),
    pgettext("page.coordinator.figures.month", "Month"),
    pgettext("page.coordinator.figures.hires", "Hires in the month"),
    pgettext("page.coordinator.figures.placed_so_far", "Hires so far"),
    # TRANSLATORS: the straight line from nobody at the start to the target at the end.
    pgettext("page.coordinator.figures.pace_line", "The pace to the target"),
    pgettext("page.coordinator.figures.no_months", "Nothing has been proposed yet."),
    pgettext("page.coordinator.figures.rejections", "Why applications were rejected"),
    pgettext("page.coordinator.figures.reason", "Reason"),
    pgettext("page.coordinator.figures.count", "Rejections"),
    pgettext("page.coordinator.reason.language", "Language"),
    pgettext("page.coordinator.reason.experience", "Experience"),
    pgettext("page.coordinator.reason.schedule", "Schedule"),
    pgettext("page.coordinator.reason.commute", "Commute"),
    pgettext("page.coordinator.reason.no_response", "No response"),
    pgettext("page.coordinator.reason.candidate_declined", "The candidate declined"),
    pgettext("page.coordinator.reason.other", "Other"),
    pgettext("page.coordinator.figures.barriers", "What would unblock most people"),
    pgettext("page.coordinator.figures.change", "Change"),
    pgettext("page.coordinator.figures.helped", "People it unblocks vacancies for"),
    pgettext("page.coordinator.figures.unblocked", "Vacancies unblocked, summed"),
    pgettext(
        "page.coordinator.figures.barriers_sample",
        "Scored for {candidates} of the {ready} people ready for work, against {open} open"
        " vacancies (weights version {version}).",
    ),
    pgettext(
        "page.coordinator.figures.barriers_none",
        "The barriers cannot be scored at the moment: there is too much to score at once.",
    ),
    # --- the weights
    pgettext("page.coordinator.weights.title", "The weights of the shortlists"),
    # TRANSLATORS: {when} is a date and time written as 2026-03-31 14:05 UTC.
    pgettext(
        "page.coordinator.weights.current",
        "Shortlists use version {version}, set by {who} on {when}.",
    ),
    pgettext(
        "page.coordinator.weights.explain",
        "Each weight says how much a feature counts in a match's score; only their ratios"
        " matter. A new version is used by the very next shortlist.",
    ),
    pgettext("page.coordinator.weights.next", "Set version {version}"),
    # TRANSLATORS: {feature} is one of the feature.* words (skills, language, ...).
    pgettext("page.coordinator.weights.weight", "Weight of {feature}"),
    pgettext("page.coordinator.weights.note", "Why (a note kept with the version)"),
    pgettext("page.coordinator.weights.submit", "Save the new version"),
    pgettext("page.coordinator.weights.not_a_number", "Enter a number from 0 to 100."),
    pgettext("page.coordinator.weights.out_of_range", "A weight is from 0 to 100."),
    pgettext("page.coordinator.weights.all_zero", "At least one weight must be above zero."),
    pgettext("page.coordinator.weights.note_too_long", "The note is at most 2000 characters."),
    pgettext(
        "page.coordinator.weights.conflict",
        "Someone else saved version {version} while you were editing. Your numbers are kept"
        " below: compare them with the new version and save again.",
    ),
    pgettext(
        "page.coordinator.weights.saved",
        "Version {version} is saved: the next shortlist uses it.",
    ),
    pgettext("page.coordinator.weights.history", "Every version"),
    pgettext("page.coordinator.weights.version", "Version"),
    pgettext("page.coordinator.weights.by", "Set by"),
    pgettext("page.coordinator.weights.when", "When"),
    pgettext("page.coordinator.weights.note_heading", "Note"),
    # --- the accounts
    pgettext("page.coordinator.accounts.title", "Accounts"),
    pgettext("page.coordinator.accounts.name", "Name"),
    pgettext("page.coordinator.accounts.email", "E-mail address"),
    pgettext("page.coordinator.accounts.role", "Role"),
    pgettext("page.coordinator.accounts.employer", "Employer"),
    pgettext("page.coordinator.accounts.status", "Status"),
    pgettext("page.coordinator.accounts.active", "Can sign in"),
    pgettext("page.coordinator.accounts.no_sign_in", "Cannot sign in (no e-mail or password)"),
    # TRANSLATORS: {day} is a date written as 2026-03-31.
    pgettext("page.coordinator.accounts.disabled", "Disabled since {day}"),
    pgettext("page.coordinator.accounts.actions", "Actions"),
    # TRANSLATORS: a button; {name} makes it clear whose account (for screen readers too).
    pgettext("page.coordinator.accounts.disable", "Disable {name}"),
    pgettext("page.coordinator.accounts.enable", "Enable {name}"),
    pgettext("page.coordinator.accounts.you", "(you)"),
    pgettext("page.coordinator.accounts.new", "A new account"),
    pgettext(
        "page.coordinator.accounts.employer_hint",
        "Only for an employer's account: the employer's name as its vacancies give it.",
    ),
    pgettext("page.coordinator.accounts.create", "Make the account"),
    pgettext("page.coordinator.accounts.name_missing", "Enter a name of at most 200 characters."),
    pgettext(
        "page.coordinator.accounts.email_invalid", "Enter an e-mail address, like name@example.org."
    ),
    pgettext(
        "page.coordinator.accounts.email_taken", "An account with this e-mail address exists."
    ),
    pgettext("page.coordinator.accounts.role_invalid", "Choose a role from the list."),
    pgettext(
        "page.coordinator.accounts.employer_missing",
        "An employer's account needs the employer's name.",
    ),
    pgettext(
        "page.coordinator.accounts.employer_not_for_role",
        "Only an employer's account names an employer: leave this empty.",
    ),
    pgettext(
        "page.coordinator.accounts.employer_unknown", "No employer has this name: {employer}."
    ),
    pgettext(
        "page.coordinator.accounts.created",
        "The account of {name} is made. Their password, shown only this once:",
    ),
    pgettext(
        "page.coordinator.accounts.password_note",
        "Give it to them in person or by phone, not by e-mail.",
    ),
    pgettext(
        "page.coordinator.accounts.disabled_now",
        "The account of {name} is disabled: its sessions and keys stop at once.",
    ),
    pgettext("page.coordinator.accounts.enabled_now", "The account of {name} is enabled again."),
    pgettext(
        "page.coordinator.accounts.refused",
        "That change is not allowed: nobody disables their own account, and only an"
        " administrator changes an administrator's.",
    ),
    # --- what needs attention
    pgettext("page.coordinator.attention.title", "What needs attention"),
    # TRANSLATORS: {days} is a number of days.
    pgettext("page.coordinator.attention.quiet", "Proposals with no step for {days} days or more"),
    pgettext("page.coordinator.attention.closed", "Proposals to vacancies that closed"),
    pgettext("page.coordinator.attention.followups", "Follow-ups due"),
    pgettext(
        "page.coordinator.attention.waiting",
        "People ready for {days} days or more with nothing proposed",
    ),
    pgettext("page.coordinator.attention.none", "Nothing here."),
    pgettext("page.coordinator.attention.person", "Person"),
    pgettext("page.coordinator.attention.vacancy", "Vacancy"),
    pgettext("page.coordinator.attention.jobhunter", "Jobhunter"),
    pgettext("page.coordinator.attention.last_step", "Last step"),
    pgettext("page.coordinator.attention.days", "Days"),
    pgettext("page.coordinator.attention.status", "Where it stands"),
    pgettext("page.coordinator.attention.vacancy_status", "The vacancy is"),
    pgettext("page.coordinator.attention.hired_on", "Hired on"),
    pgettext("page.coordinator.attention.due_on", "Due on"),
    pgettext("page.coordinator.attention.ready_since", "Ready since"),
    pgettext("page.coordinator.attention.deleted", "(deleted)"),
    # TRANSLATORS: where an application in progress stands.
    pgettext("page.coordinator.status.proposed", "proposed"),
    pgettext("page.coordinator.status.applied", "applied"),
    pgettext("page.coordinator.status.interview", "interview"),
    pgettext("page.coordinator.vacancy.closed", "closed"),
    pgettext("page.coordinator.vacancy.filled", "filled"),
    pgettext("page.coordinator.vacancy.deleted", "deleted"),
]
"""The coordinators' words."""


SHEET_IMPORTS: list[Message] = [
    # Importing sheets of people (service/sheets/): import.*. A problem is a cell that cannot be
    # read (the row is not stored), a warning one that was read anyway or a row that was left
    # out; {value} is the cell's text as typed.
    pgettext("import.problem.required", "This column must be filled in"),
    # TRANSLATORS: a spreadsheet turned what was typed into a date; {value} is it, as 2026-03-31.
    pgettext(
        "import.problem.date_in_cell",
        "Holds a date or time ({value}), not text: format the column as text and type it again",
    ),
    pgettext("import.problem.postcode", "'{value}' is not a Belgian postcode (four digits: 2060)"),
    pgettext(
        "import.problem.language_code",
        "'{value}' is not a two-letter language code: write for example {example}",
    ),
    pgettext("import.problem.language_level", "'{value}' is not a level: one of {levels}"),
    pgettext("import.problem.language_twice", "Language {value} is given twice"),
    pgettext("import.problem.transport", "'{value}' is not a way of travelling: one of {words}"),
    pgettext("import.problem.yes_no", "'{value}' is not ja or nee"),
    pgettext("import.problem.minutes", "'{value}' is not a number of minutes, such as 45"),
    pgettext(
        "import.problem.availability",
        "'{value}' is not days and hours such as ma-vr 08:45-15:30",
    ),
    pgettext("import.problem.hours", "'{value}' is not hours per week such as 19-30 or 38"),
    pgettext("import.problem.hours_order", "'{value}': the fewest hours come first (19-30)"),
    pgettext("import.problem.stage", "'{value}' is not a stage: one of {stages}"),
    # TRANSLATORS: {reason} is the English reason the profile's check gives.
    pgettext("import.problem.invalid", "Cannot be read: {reason}"),
    pgettext(
        "import.problem.duplicate_id",
        "Reference {value} is also on row {first}: each person once",
    ),
    pgettext(
        "import.problem.merged_header", "Header cells {cells} are merged: one header a column"
    ),
    pgettext("import.problem.column_twice", "Column '{value}' is in the sheet twice"),
    pgettext("import.problem.column_missing", "The sheet has no column '{value}'"),
    pgettext(
        "import.problem.mapping_target", "The mapping names '{value}', which is no column of ours"
    ),
    pgettext("import.warning.postcode_read_as", "'{value}' read as postcode {postcode}"),
    pgettext("import.warning.column_ignored", "Column '{value}' is not one we read: left out"),
    pgettext("import.warning.empty_row", "An empty row: left out"),
    pgettext("import.warning.total_row", "Looks like a total row ('{value}'): left out"),
    pgettext(
        "import.warning.same_person",
        "Same name and postcode as row {first}: perhaps the same person",
    ),
    pgettext(
        "import.warning.same_person_stored",
        "Same name and postcode as {id}, stored already under that reference: perhaps the same"
        " person",
    ),
    # A file that cannot be read as a sheet at all (nothing of it is shown back).
    pgettext("import.file.empty", "The file is empty"),
    pgettext("import.file.no_rows", "The sheet has a header but no rows"),
    pgettext("import.file.not_a_sheet", "The file is not a spreadsheet: send a .xlsx or .csv file"),
    pgettext(
        "import.file.encrypted_or_xls",
        "The workbook is password-protected or an old .xls file: save it as .xlsx without a"
        " password",
    ),
    pgettext(
        "import.file.encoding",
        "The CSV file is not UTF-8 text: save it as 'CSV UTF-8' (or as .xlsx)",
    ),
    pgettext("import.file.too_many_rows", "The sheet has more than {limit} rows: split it"),
    pgettext(
        "import.file.mapping",
        'The column mapping is not JSON such as {{"their header": "Postcode"}}',
    ),
    pgettext("import.file.too_large", "The file is larger than {limit} MB"),
    # The template's instructions sheet.
    pgettext("import.template.instructions_sheet", "Instructions"),
    pgettext("import.template.examples_sheet", "Example"),
    pgettext(
        "import.template.intro",
        "One row a person on the first sheet; the header is row 1. Dutch or English headers."
        " Lists are separated by ';'.",
    ),
    pgettext("import.template.column", "Column"),
    pgettext("import.template.english", "In English"),
    pgettext("import.template.what", "What it holds"),
    pgettext("import.template.example", "Example"),
    pgettext(
        "import.column.id",
        "The office's own reference for the person; a sheet imported again updates them by it",
    ),
    pgettext(
        "import.column.display_name", "A name to find the person by (never shown to employers)"
    ),
    pgettext("import.column.postcode", "Where they live: a Belgian postcode (required)"),
    pgettext(
        "import.column.languages",
        "Languages as code:level, ';' between them; levels A1 A2 B1 B2 C1 C2 native",
    ),
    pgettext(
        "import.column.skills",
        "Skills in any language, ';' between them; years in brackets: Excel (5 jaar)",
    ),
    pgettext("import.column.occupations", "Past jobs in any language, ';' between them"),
    pgettext(
        "import.column.transport",
        "Ways of travelling besides walking: fiets, openbaar vervoer, auto",
    ),
    pgettext("import.column.driving_licence", "ja or nee (empty: nee)"),
    pgettext(
        "import.column.max_commute_minutes", "The longest trip one way, in minutes (empty: 60)"
    ),
    pgettext(
        "import.column.availability",
        "When they are free for work: days (ma di wo do vr za zo) and hours, ';' between them;"
        " empty: any time",
    ),
    pgettext("import.column.hours_per_week", "Hours a week they want: 19-30, or one number"),
    pgettext(
        "import.column.stage",
        "intake, activation, ready, placed, follow_up or closed (empty: ready)",
    ),
    pgettext("import.column.coach", "Who follows the person"),
    # The report, as the CLI and the import page show it.
    # TRANSLATORS: the report's last line.
    pgettext(
        "import.report.counts",
        "{created} created, {updated} updated, {unchanged} unchanged",
    ),
    npgettext(
        "import.report.refused",
        "Nothing stored: {count} problem must be fixed first (or import with --valid-only)",
        "Nothing stored: {count} problems must be fixed first (or import with --valid-only)",
    ),
    npgettext(
        "import.report.checked",
        "{count} row read, {valid} can be stored",
        "{count} rows read, {valid} can be stored",
    ),
    pgettext("import.report.dry_run", "Dry run: nothing stored"),
    pgettext("import.report.row", "Row"),
    pgettext("import.report.column", "Column"),
    pgettext("import.report.problem", "Problem"),
    pgettext("import.report.error", "error"),
    pgettext("import.report.warning", "warning"),
    pgettext("import.report.skills_heading", "How the skills were read"),
    pgettext("import.report.phrase", "As typed"),
    pgettext("import.report.concept", "Read as"),
    pgettext("import.report.confidence", "Confidence"),
    pgettext("import.report.unread", "(not known: kept as typed)"),
]
"""The words of importing sheets."""


VACANCY_SHEETS: list[Message] = [
    # Importing sheets of vacancies (service/sheets/, issue 14 part 2): the problems and warnings
    # only a vacancy's cells have, and the vacancy template's instructions. {value} is the
    # cell's text as typed.
    pgettext(
        "import.problem.shift_pattern", "'{value}' is not alle or één (every shift, or one of them)"
    ),
    pgettext("import.problem.week_hours", "'{value}' is not hours a week, such as 38"),
    pgettext("import.problem.positions", "'{value}' is not a number of positions, such as 2"),
    pgettext("import.problem.status", "'{value}' is not a status: one of {statuses}"),
    pgettext("import.problem.wage", "'{value}' is not euros an hour, such as 14,50 or 14-16"),
    pgettext("import.problem.wage_order", "'{value}': the lowest wage comes first (14-16)"),
    pgettext("import.problem.contract", "'{value}' is not a contract: one of {words}"),
    pgettext("import.problem.day", "'{value}' is not a day such as 2026-03-31 or 31/03/2026"),
    pgettext("import.problem.coordinate", "'{value}' is not degrees such as 51.2194"),
    pgettext(
        "import.problem.duplicate_vacancy_id",
        "Reference {value} is also on row {first}: each vacancy once",
    ),
    pgettext(
        "import.problem.employer_unknown",
        "No employer named '{value}' on record: a coordinator can add it (or import this sheet)",
    ),
    # TRANSLATORS: an employer's own sheet names another employer; {own} is theirs.
    pgettext(
        "import.problem.employer_other",
        "'{value}' is not your employer: you import only the vacancies of {own}",
    ),
    pgettext(
        "import.problem.retired_id",
        "Reference {value} was a deleted vacancy's and is never used again: leave it empty for"
        " a new one",
    ),
    pgettext(
        "import.problem.taken_id", "Reference {value} is taken: choose another or leave it empty"
    ),
    pgettext(
        "import.warning.employer_new",
        "Employer '{value}' is not on record yet: it is created with the import",
    ),
    pgettext(
        "import.warning.same_vacancy",
        "Same employer, title and postcode as row {first}: perhaps the same vacancy",
    ),
    pgettext(
        "import.warning.same_vacancy_stored",
        "Same employer, title and postcode as {id}, stored already under that reference: perhaps"
        " the same vacancy",
    ),
    pgettext(
        "import.vacancy_template.intro",
        "One row a vacancy on the first sheet; the header is row 1. Dutch or English headers."
        " Lists are separated by ';'.",
    ),
    pgettext(
        "import.vacancy_column.id",
        "Your own reference for the vacancy; a sheet imported again updates it by it",
    ),
    pgettext(
        "import.vacancy_column.employer",
        "The employer's name as on record (letter case and spaces aside), or its id (required)",
    ),
    pgettext("import.vacancy_column.title", "The job's title (required)"),
    pgettext("import.vacancy_column.postcode", "Where the work is: a Belgian postcode (required)"),
    pgettext("import.vacancy_column.address", "Street and number"),
    pgettext(
        "import.vacancy_column.skills_required",
        "Skills the job needs, in any language, ';' between them",
    ),
    pgettext(
        "import.vacancy_column.skills_preferred",
        "Skills that help, in any language, ';' between them",
    ),
    pgettext(
        "import.vacancy_column.dutch",
        "The Dutch the job needs: A1 A2 B1 B2 C1 C2 native, or niet nodig",
    ),
    pgettext(
        "import.vacancy_column.contact_languages",
        "Other languages the work can be done in, as codes: uk; ru",
    ),
    pgettext(
        "import.vacancy_column.contact_level",
        "The level needed in a contact language (required when Dutch is niet nodig)",
    ),
    pgettext(
        "import.vacancy_column.shifts",
        "When the work is: days (ma di wo do vr za zo) and hours, ';' between them (required)",
    ),
    pgettext(
        "import.vacancy_column.shift_pattern",
        "alle: every shift is worked; één: one of them (empty: alle)",
    ),
    pgettext("import.vacancy_column.hours_per_week", "Hours a week (required)"),
    pgettext("import.vacancy_column.positions", "How many people are hired (empty: 1)"),
    pgettext(
        "import.vacancy_column.transport_provided",
        "ja when the employer brings people to work (empty: nee)",
    ),
    pgettext("import.vacancy_column.driving_licence_required", "ja or nee (empty: nee)"),
    pgettext("import.vacancy_column.status", "open, closed or filled (empty: open)"),
    pgettext("import.vacancy_column.wage", "Gross euros an hour: 14,50, or a range 14-16"),
    pgettext(
        "import.vacancy_column.contract",
        "vast, bepaalde duur, interim, flexi, student or ander",
    ),
    pgettext("import.vacancy_column.starts_on", "The first working day: 2026-04-01 or 01/04/2026"),
    pgettext(
        "import.vacancy_column.closes_on",
        "The last day it is open; the day after, it closes itself",
    ),
    pgettext("import.vacancy_column.contact_name", "Whom to call about the vacancy"),
    pgettext("import.vacancy_column.contact_phone", "Their phone: +32 3 123 45 67"),
    pgettext("import.vacancy_column.contact_email", "Their e-mail address"),
    pgettext(
        "import.vacancy_column.lat",
        "The exact place's latitude, with Longitude (they win over the postcode; empty: the"
        " postcode's place)",
    ),
    pgettext("import.vacancy_column.lon", "The exact place's longitude, with Latitude"),
    pgettext("import.vacancy_column.description", "What the work is, in a few lines"),
    # The pages to import a sheet of vacancies (/employer/vacancies/import) and of people
    # (/people/import).
    pgettext("page.import.vacancies.title", "Import a sheet"),
    pgettext("page.import.people.title", "Import people"),
    pgettext(
        "page.import.people.intro",
        "One row a person, as in the template. Every row is checked before anything is stored;"
        " a sheet imported again updates its people by their reference.",
    ),
    pgettext(
        "page.import.vacancies.intro",
        "One row a vacancy, as in the template. Every row is checked before anything is stored;"
        " a sheet imported again updates its vacancies by their reference.",
    ),
    pgettext(
        "page.import.vacancies.yours",
        "Only vacancies of {employer}: the employer column may be left empty.",
    ),
    pgettext("page.import.template", "Download the template (.xlsx)"),
    pgettext("page.import.file", "The sheet (.xlsx or .csv)"),
    pgettext(
        "page.import.valid_only",
        "Store the rows that can be read, even when others cannot",
    ),
    pgettext("page.import.check", "Check (store nothing)"),
    pgettext("page.import.import", "Import"),
    pgettext("page.import.annotated", "Download the sheet with its problems marked"),
    pgettext("page.import.report", "What the sheet holds"),
    npgettext(
        "page.import.nothing_stored",
        "Nothing stored: {count} problem must be fixed first (or store only the rows that can"
        " be read).",
        "Nothing stored: {count} problems must be fixed first (or store only the rows that can"
        " be read).",
    ),
]
"""The words of importing sheets of vacancies."""


DOCUMENTS: list[Message] = [
    # Documents for employers and funders (service/documents/): document.*. Shortlists, the
    # applications and the attention list as CSV, .xlsx or a one-page PDF; the programme's
    # figures as a workbook. Statuses, stages, features and ways of travelling reuse the pages'
    # words (page.person.status.*, page.coach.stage.*, feature.*, mode.*).
    # TRANSLATORS: a PDF's title; {candidate} is the person's id.
    pgettext("document.shortlist.title", "Vacancies that suit {candidate}"),
    # TRANSLATORS: a PDF's title; {title} is the job, {employer} who offers it.
    pgettext("document.candidates.title", "Candidates for {title} at {employer}"),
    # TRANSLATORS: under a document's title; {day} as 2026-03-31.
    pgettext("document.made_on", "Made on {day}, with weights version {version}"),
    pgettext(
        "document.candidates.privacy",
        "People are named by their id only, as the shortlist names them: the jobhunter"
        " introduces them.",
    ),
    pgettext("document.none", "Nothing to list."),
    # TRANSLATORS: the last line of a PDF that had no room for every line.
    npgettext(
        "document.more",
        "{count} more line in the .xlsx or .csv version",
        "{count} more lines in the .xlsx or .csv version",
    ),
    pgettext("document.column.rank", "#"),
    pgettext("document.column.vacancy", "Vacancy"),
    pgettext("document.column.job", "Job"),
    pgettext("document.column.employer", "Employer"),
    pgettext("document.column.candidate", "Candidate"),
    pgettext("document.column.score", "Score"),
    pgettext("document.column.blocked_by", "Blocked by"),
    pgettext("document.column.minutes", "Minutes"),
    pgettext("document.column.travel", "Travel"),
    pgettext("document.column.reasons", "Why"),
    pgettext("document.column.history", "Already"),
    pgettext("document.column.application", "Application"),
    pgettext("document.column.status", "Status"),
    pgettext("document.column.proposed_on", "Proposed on"),
    pgettext("document.column.updated_on", "Last step on"),
    pgettext("document.column.jobhunter", "Jobhunter"),
    pgettext("document.column.rejection", "Rejected because"),
    pgettext("document.column.name", "Name"),
    pgettext("document.column.stage", "Stage"),
    pgettext("document.column.postcode", "Postcode"),
    pgettext("document.column.languages", "Languages"),
    pgettext("document.column.coach", "Coach"),
    pgettext("document.column.kind", "What"),
    pgettext("document.column.since", "Since"),
    pgettext("document.column.days", "Days"),
    # TRANSLATORS: {candidate} is the person's id.
    pgettext("document.applications.candidate", "Applications of {candidate}"),
    # TRANSLATORS: {vacancy} is the vacancy's id.
    pgettext("document.applications.vacancy", "Applications to vacancy {vacancy}"),
    pgettext("document.caseload.title", "People"),
    # TRANSLATORS: {day} as 2026-03-31.
    pgettext("document.attention.title", "Needs attention on {day}"),
    pgettext("document.attention.quiet", "Proposal with no news"),
    pgettext("document.attention.closed", "Proposal to a vacancy no longer open"),
    pgettext("document.attention.followup", "Follow-up due"),
    pgettext("document.attention.waiting", "Ready, nothing proposed"),
    # The funders' workbook: one sheet each (a sheet's name has at most 31 characters).
    pgettext("document.programme.stages", "People per stage"),
    pgettext("document.programme.proposals", "Proposals"),
    pgettext("document.programme.interviews", "Interviews"),
    pgettext("document.programme.hires", "Hires"),
    pgettext("document.programme.target", "Against the target"),
    pgettext("document.programme.month", "Month"),
    pgettext("document.programme.people", "People"),
    pgettext("document.programme.count", "Number"),
    pgettext("document.programme.placed_so_far", "Hires so far"),
    pgettext("document.programme.target_line", "Straight line to the target"),
    pgettext("document.programme.figure", "Figure"),
    pgettext("document.programme.value", "Value"),
    pgettext("document.programme.as_of", "As of"),
    pgettext("document.programme.placed", "People placed"),
    pgettext("document.programme.target_placed", "Target: people placed"),
    pgettext("document.programme.people_now", "People in the programme"),
    pgettext("document.programme.target_people", "Target: people in the programme"),
    pgettext("document.programme.share", "Share of the target placed"),
    pgettext("document.programme.expected", "Placed by now on a straight line to the target"),
    pgettext("document.programme.projected", "Placed at the end at the pace so far"),
    pgettext("document.programme.span", "Programme runs"),
]
"""The words of documents for employers and funders."""


BATCH_SHORTLISTS: list[Message] = [
    # Batch shortlists (matcher batch shortlists, matcher/batch/): batch.*, the CLI's report.
    # TRANSLATORS: {people} people's shortlists over {vacancies} open vacancies, written to
    # {where} (a file or a database table) in {seconds} seconds.
    pgettext(
        "batch.done",
        "Shortlists of {people} people over {vacancies} open vacancies in {where} ({seconds} s)",
    ),
    # TRANSLATORS: a job run again after an interruption; {done} of {parts} parts were kept.
    pgettext("batch.resumed", "Picked up where it stopped: {done} of {parts} parts were done"),
    # TRANSLATORS: {share} is a percentage such as "96%": pairs of a person and a vacancy
    # too far for them to reach, skipped before scoring.
    pgettext(
        "batch.blocking",
        "{share} of the {pairs} pairs were out of reach and skipped before scoring;"
        " {rate} pairs a second",
    ),
    npgettext(
        "batch.rescored",
        "{count} person was scored over every vacancy, as one of their near misses could"
        " be out of reach",
        "{count} people were scored over every vacancy, as one of their near misses could"
        " be out of reach",
    ),
    # TRANSLATORS: after Ctrl-C; the finished parts are kept.
    pgettext(
        "batch.interrupted",
        "Interrupted: what was finished is kept; run the same command again to pick up"
        " where it stopped",
    ),
    # TRANSLATORS: the output holds another job's lines; --restart is an option: keep it.
    pgettext(
        "batch.other_job",
        "{where} holds shortlists of another job (other people, vacancies, weights or"
        " options): write elsewhere, or start over with --restart",
    ),
]
"""The words of batch shortlists."""


MESSAGES: dict[str, Message] = _index(
    [
        # --- skills ---------------------------------------------------------------------------
        pgettext("driving_licence_missing", "Needs a driving licence, which they do not have"),
        pgettext("no_required_skills", "No particular skills required"),
        # TRANSLATORS: a job that requires exactly one skill: {matched}, {related} or {missing}.
        pgettext("required_skills.all_one", "Has the required skill: {matched}"),
        pgettext(
            "required_skills.close_one", "Has something close to the required skill: {related}"
        ),
        pgettext("required_skills.missing_one", "Missing the required skill: {missing}"),
        # TRANSLATORS: none exactly, but something close to every one of the {count}.
        npgettext(
            "required_skills.close_all",
            "Nothing exact, but something close to the {count} required skill: {related}",
            "Nothing exact, but something close to each of the {count} required skills: {related}",
        ),
        # TRANSLATORS: they have nothing for any of the {count} required skills ({missing}).
        npgettext(
            "required_skills.missing_all",
            "Has none of the {count} required skill: {missing}",
            "Has none of the {count} required skills: {missing}",
        ),
        # TRANSLATORS: {matched} lists the skills they have, {count} how many are required.
        npgettext(
            "required_skills.all",
            "Has the one required skill: {matched}",
            "Has all {count} required skills: {matched}",
        ),
        # TRANSLATORS: None missing, but some only close: {related} lists those, {matched_count}
        # how many they have exactly.
        npgettext(
            "required_skills.close",
            "Has something close to the one required skill: {related}",
            "Has {matched_count} of the {count} required skills, and something close to the"
            " rest: {related}",
        ),
        # TRANSLATORS: {missing} lists the required skills they have nothing for.
        npgettext(
            "required_skills.missing",
            "Missing the one required skill: {missing}",
            "Missing {missing_count} of the {count} required skills: {missing}",
        ),
        # TRANSLATORS: {title} is the job's name (the vacancy's occupation).
        pgettext(
            "no_experience_for_title", "No experience or skills recorded for this job: {title}"
        ),
        # TRANSLATORS: {from} is the job as the person wrote it, in their own words.
        pgettext("occupation_matches", "Has done this job before: {title} ('{from}')"),
        pgettext("occupation_matches.exact", "Has done this job before: {title}"),
        pgettext("occupation_related", "Has done similar work: '{from}', close to {title}"),
        # TRANSLATORS: {from} is one of the person's skills, in their own words.
        pgettext("skill_fits_title", "Their skill '{from}' is what this job is about: {title}"),
        pgettext("skill_fits_title_related", "Their skill '{from}' is close to this job: {title}"),
        pgettext("skill_matched", "Has the skill: {skill}"),
        pgettext("skill_matched.phrase", "Has the skill: {skill} ('{from}')"),
        # TRANSLATORS: the person's words were read as this skill, but not with certainty.
        pgettext("skill_matched.guess", "Probably has the skill: {skill} (they wrote '{from}')"),
        pgettext("preferred_skill_matched", "Also has a nice-to-have skill: {skill}"),
        pgettext(
            "preferred_skill_matched.phrase", "Also has a nice-to-have skill: {skill} ('{from}')"
        ),
        pgettext(
            "preferred_skill_matched.guess",
            "Probably also has a nice-to-have skill: {skill} (they wrote '{from}')",
        ),
        # TRANSLATORS: {occupation} is a job the person did; doing it means having {skill}.
        pgettext("skill_entailed", "Has the skill: {skill}, from their work as {occupation}"),
        pgettext("skill_related", "Has something close to {skill}: '{from}'"),
        pgettext("skill_missing", "Missing a required skill: {skill}"),
        pgettext("preferred_skill_missing", "Does not have a nice-to-have skill: {skill}"),
        # --- language -------------------------------------------------------------------------
        # TRANSLATORS: {has} and {required} are CEFR levels (A1 ... C2, native).
        pgettext("dutch_sufficient", "Speaks enough Dutch: {has}, the job needs {required}"),
        pgettext("dutch_one_level_short", "Dutch one level short: needs {required}, has {has}"),
        pgettext("dutch_too_low", "Not enough Dutch: needs {required}, has {has}"),
        # TRANSLATORS: {languages} names the language(s) the job accepts instead of Dutch.
        pgettext(
            "contact_language_sufficient",
            "No Dutch needed: {languages} at {has} will do (the job needs {required})",
        ),
        pgettext(
            "contact_language_one_level_short",
            "No Dutch needed, but {languages} one level short: needs {required}, has {has}",
        ),
        pgettext(
            "contact_language_too_low",
            "No Dutch needed, but not enough {languages}: needs {required}, best is {has}",
        ),
        # TRANSLATORS: a job without other contact languages: some Dutch, below a requirement.
        pgettext(
            "contact_language_sufficient.dutch",
            "Enough Dutch for this job: {has}, needs {required}",
        ),
        pgettext(
            "contact_language_one_level_short.dutch",
            "Dutch one level short for this job: needs {required}, has {has}",
        ),
        pgettext(
            "contact_language_too_low.dutch",
            "Not enough Dutch for this job: needs {required}, has {has}",
        ),
        # --- commute --------------------------------------------------------------------------
        # TRANSLATORS: {mode} is a way of travelling as the mode.* messages write it.
        pgettext(
            "commute_too_long",
            "Too far: about {minutes} min {mode}, more than their maximum of {max_minutes} min",
        ),
        pgettext("employer_transport", "The employer provides transport: about {minutes} min"),
        pgettext("commute_ok", "About {minutes} min {mode} (an estimate)"),
        pgettext(
            "no_transport_at_shift_hours.public_transport.outbound",
            "No public transport yet for the {shift_start} start (they would have to leave at"
            " {leave_at})",
        ),
        pgettext(
            "no_transport_at_shift_hours.public_transport.home",
            "No public transport home after the shift ends at {shift_end}",
        ),
        # --- journeys on the timetable (issue 15) --------------------------------------------
        # TRANSLATORS: the minutes come from the public transport timetable, not an estimate.
        pgettext("commute_timetable", "{minutes} min {mode} on the timetable"),
        pgettext(
            "commute_too_long.timetable",
            "Too far: {minutes} min {mode} on the timetable, more than their maximum of"
            " {max_minutes} min",
        ),
        # --- walking, cycling and driving along the streets (issue 15) ------------------------
        # TRANSLATORS: the minutes come from the street map (an OpenStreetMap extract), not an
        # estimate from the distance.
        pgettext("commute_streets", "{minutes} min {mode} along the streets"),
        pgettext(
            "commute_too_long.streets",
            "Too far: {minutes} min {mode} along the streets, more than their maximum of"
            " {max_minutes} min",
        ),
        # TRANSLATORS: {kind} is a vehicle (tram, bus, train), {line} its number, {stop} where
        # they get on at {departs}; {arrives} is when they are at the workplace's door.
        pgettext(
            "journey.there",
            "{kind} {line} from {stop} {departs}, arrives {arrives}; {walk} min walk",
        ),
        pgettext(
            "journey.there.changes",
            "{kind} {line} from {stop} {departs} and a change, arrives {arrives}; {walk} min walk",
        ),
        # TRANSLATORS: the way home after the shift; {arrives} is when they are home.
        pgettext("journey.home", "Home: {kind} {line} from {stop} {departs}, home at {arrives}"),
        pgettext(
            "journey.none.there",
            "No public transport on the timetable arrives by the {shift_start} start",
        ),
        pgettext(
            "journey.none.home",
            "No public transport on the timetable gets them home after the {shift_end} end",
        ),
        pgettext(
            "journey.estimate",
            "About {minutes} min {mode} (estimate): no timetable covers this trip",
        ),
        pgettext("vehicle.tram", "tram"),
        pgettext("vehicle.metro", "metro"),
        pgettext("vehicle.bus", "bus"),
        pgettext("vehicle.train", "train"),
        pgettext("vehicle.ferry", "ferry"),
        pgettext("vehicle.line", "line"),
        # --- end of journeys on the timetable ----------------------------------------------
        # --- schedule (the childcare feature) ------------------------------------------------
        pgettext("available_any_time", "Free at any time of day: no hours to work around"),
        # TRANSLATORS: {needs_from}-{needs_until} is when they must be free on {shift_days}
        # for the {shift} shift, travel included.
        pgettext(
            "schedule_fits",
            "Fits their free hours: needs {needs_from}-{needs_until} on {shift_days} for the"
            " {shift} shift ({travel_minutes} min travel each way)",
        ),
        pgettext(
            "schedule_fits.choice",
            "One of the shifts fits their free hours: needs {needs_from}-{needs_until} on"
            " {shift_days} for the {shift} shift ({travel_minutes} min travel each way)",
        ),
        pgettext(
            "schedule_small_overflow",
            "{minutes_outside} min outside their free hours on {days}, which after-school care"
            " could bridge: needs {needs_from}-{needs_until} on {shift_days} for the {shift}"
            " shift ({travel_minutes} min travel each way)",
        ),
        pgettext(
            "schedule_conflict",
            "{minutes_outside} min outside their free hours on {days}: needs"
            " {needs_from}-{needs_until} on {shift_days} for the {shift} shift"
            " ({travel_minutes} min travel each way)",
        ),
        # TRANSLATORS: {hours} is the job's hours a week; {max} and {min} the person's limits.
        pgettext("hours_above_range", "{hours} h a week: more than the {max} h they can work"),
        pgettext("hours_below_range", "{hours} h a week: fewer than the {min} h they want"),
        # --- a person not looking for work ----------------------------------------------------
        # TRANSLATORS: {stage} is the API's word for the stage (placed, follow_up, closed);
        # any_stage=true is a request option: keep both as they are.
        pgettext(
            "not_looking",
            "{candidate_id} is at stage {stage}: not looking for work, so no vacancies are"
            " offered; ask with any_stage=true to see them anyway",
        ),
        # --- the command line's shortlist ---------------------------------------------------
        pgettext(
            "cli.head.vacancies", "Vacancies for candidate {candidate_id} (weights v{version})"
        ),
        pgettext("cli.head.candidates", "Candidates for vacancy {vacancy_id} (weights v{version})"),
        pgettext("cli.source", "from {source}"),
        # TRANSLATORS: where a shortlist was read from (or the database's address instead).
        pgettext("cli.fixture_files", "the fixture files"),
        # TRANSLATORS: {values} lists each feature's weight: "skills 0.35, language 0.25, ...".
        pgettext("cli.weights", "weights v{version}: {values}"),
        # TRANSLATORS: a line's trip: "11 min by bike"; {mode} is one of the mode.* words.
        pgettext("cli.trip", "{minutes} min {mode}"),
        pgettext(
            "cli.no_results", "No results: everything is blocked. Try --include-blocked to see why."
        ),
        # TRANSLATORS: the best blocked matches, listed apart.
        pgettext("cli.near_misses", "Near misses (blocked, best first):"),
        # TRANSLATORS: a line marked as ruled out; {features} names what rules it out.
        pgettext("cli.blocked_by", "BLOCKED by {features}"),
        npgettext(
            "cli.left_out",
            "{count} open vacancy already in their record (proposed, rejected, withdrawn or"
            " hired) is left out: --include-history lists it, marked.",
            "{count} open vacancies already in their record (proposed, rejected, withdrawn or"
            " hired) are left out: --include-history lists them, marked.",
        ),
        # TRANSLATORS: {marks} lists vacancy ids with what happened (API words, kept as they are).
        pgettext("cli.in_record", "Already in the record: {marks}"),
        pgettext("feature.skills", "skills"),
        pgettext("feature.language", "language"),
        pgettext("feature.commute", "commute"),
        pgettext("feature.childcare", "schedule"),
        # --- what a coach could change for a person (barriers) -------------------------------
        # TRANSLATORS: {to} is the Dutch level the course would reach (A2, B1, ...).
        pgettext("change.dutch_up_1", "Dutch to {to} (one level up)"),
        pgettext("change.dutch_up_2", "Dutch to {to} (two levels up)"),
        pgettext("change.bike", "A bike (and cycling lessons)"),
        pgettext("change.public_transport", "A public transport pass"),
        pgettext("change.driving_licence", "A driving licence"),
        pgettext("change.car", "A car"),
        pgettext("change.car.with_licence", "A driving licence and a car"),
        pgettext("change.care_early", "Childcare from 06:00 (for earlier starts)"),
        pgettext("change.care_late", "Childcare until 22:00 (for later ends)"),
        pgettext("change.care_full_day", "Childcare 06:00-22:00 on the days they are available"),
        pgettext(
            "change.available_any_time",
            "Available at any time, every day (full-time care arranged)",
        ),
        # TRANSLATORS: {max_commute_minutes} is the new longest commute; {step} how much longer.
        pgettext(
            "change.commute_plus_15", "Up to {max_commute_minutes} min commute ({step} min more)"
        ),
        pgettext(
            "change.commute_plus_30", "Up to {max_commute_minutes} min commute ({step} min more)"
        ),
        # TRANSLATORS: the same changes, counted over all people (no one person's levels).
        pgettext("programme_change.dutch_up_1", "Dutch one level up"),
        pgettext("programme_change.dutch_up_2", "Dutch two levels up"),
        pgettext("programme_change.bike", "A bike (and cycling lessons)"),
        pgettext("programme_change.public_transport", "A public transport pass"),
        pgettext("programme_change.driving_licence", "A driving licence"),
        pgettext("programme_change.car", "A car (with a driving licence)"),
        pgettext("programme_change.care_early", "Childcare from 06:00"),
        pgettext("programme_change.care_late", "Childcare until 22:00"),
        pgettext("programme_change.care_full_day", "Childcare 06:00-22:00 on their days"),
        pgettext("programme_change.available_any_time", "Available at any time (all week)"),
        pgettext("programme_change.commute_plus_15", "15 minutes more commute"),
        pgettext("programme_change.commute_plus_30", "30 minutes more commute"),
        pgettext(
            "cli.barriers.head",
            "Barriers for candidate {candidate_id} (weights v{version}): {blocked} of {open} open"
            " vacancies blocked",
        ),
        pgettext(
            "cli.barriers.none", "No change applies: nothing in this list would make a difference."
        ),
        # TRANSLATORS: column headings of the barriers table: short words.
        pgettext("cli.barriers.unblocks", "unblocks"),
        pgettext("cli.barriers.new_in_top", "new in top {top}"),
        pgettext("cli.barriers.change", "change"),
        pgettext("cli.barriers.now", "now: {score}"),
        pgettext("cli.barriers.now_blocked", "now: blocked"),
        # --- words put into messages ----------------------------------------------------------
        pgettext("list.and", "{head} and {last}"),
        pgettext("list.or", "{head} or {last}"),
        # TRANSLATORS: a run of days, "Mon-Fri".
        pgettext("days.range", "{first}-{last}"),
        pgettext("day.mon", "Mon"),
        pgettext("day.tue", "Tue"),
        pgettext("day.wed", "Wed"),
        pgettext("day.thu", "Thu"),
        pgettext("day.fri", "Fri"),
        pgettext("day.sat", "Sat"),
        pgettext("day.sun", "Sun"),
        # TRANSLATORS: how they travel, as it follows "About 20 min" in commute messages.
        pgettext("mode.walk", "on foot"),
        pgettext("mode.bike", "by bike"),
        pgettext("mode.public_transport", "by public transport"),
        pgettext("mode.car", "by car"),
        pgettext("mode.employer_transport", "with the employer's transport"),
        # TRANSLATORS: a CEFR level they do not reach at all.
        pgettext("level.none", "none"),
        # TRANSLATORS: the level of someone's mother tongue.
        pgettext("level.native", "native"),
        pgettext("language.nl", "Dutch"),
        pgettext("language.en", "English"),
        pgettext("language.uk", "Ukrainian"),
        pgettext("language.ru", "Russian"),
        pgettext("language.fr", "French"),
        pgettext("language.de", "German"),
        pgettext("language.pl", "Polish"),
        pgettext("language.ar", "Arabic"),
        pgettext("language.fa", "Persian"),
        pgettext("language.ti", "Tigrinya"),
        pgettext("language.tr", "Turkish"),
        pgettext("language.es", "Spanish"),
        pgettext("language.ro", "Romanian"),
        pgettext("language.so", "Somali"),
        pgettext("language.ps", "Pashto"),
        # --- pages: the words of the service's web pages --------------------------------------
        # TRANSLATORS: the product's name, in the page's title and at the top of every page.
        pgettext("page.site_name", "Antwerp matcher"),
        # TRANSLATORS: a link for keyboard and screen-reader users, past the menus at the top.
        pgettext("page.skip_link", "Skip to the main content"),
        # TRANSLATORS: above the buttons that switch the pages to Dutch, English, ... .
        pgettext("page.language.legend", "Language of the pages"),
        pgettext("page.sign_in.title", "Sign in"),
        pgettext("page.sign_in.heading", "Sign in with your account"),
        pgettext("page.sign_in.email", "E-mail address"),
        pgettext("page.sign_in.password", "Password"),
        # TRANSLATORS: the button that sends the sign-in form.
        pgettext("page.sign_in.submit", "Sign in"),
        pgettext("page.sign_in.no_account", "No account yet? Ask your coordinator to make one."),
        pgettext("page.sign_in.email_missing", "Enter the e-mail address of your account."),
        pgettext(
            "page.sign_in.email_invalid",
            "This is not an e-mail address: it needs an @ and no spaces.",
        ),
        pgettext("page.sign_in.password_missing", "Enter your password."),
        # TRANSLATORS: said for an unknown e-mail and a wrong password alike, on purpose.
        pgettext(
            "page.sign_in.wrong",
            "The e-mail address or the password is not right. Check both and try again.",
        ),
        npgettext(
            "page.sign_in.too_many",
            "Too many failed sign-ins. Try again in {count} minute.",
            "Too many failed sign-ins. Try again in {count} minutes.",
        ),
        pgettext("page.sign_in.signed_out", "You have signed out."),
        # TRANSLATORS: the button that ends the session, at the top of every page.
        pgettext("page.sign_out", "Sign out"),
        pgettext("page.home.title", "Home"),
        pgettext("page.home.heading", "Welcome, {name}"),
        # TRANSLATORS: {role} is one of the page.role.* words.
        pgettext("page.home.role", "Your role: {role}"),
        pgettext("page.home.employer", "You act for the employer: {employer}"),
        pgettext("page.role.admin", "administrator"),
        pgettext("page.role.coordinator", "coordinator"),
        pgettext("page.role.jobhunter", "jobhunter"),
        pgettext("page.role.employer", "employer"),
        pgettext("page.error.sign_in_required.title", "Sign in first"),
        pgettext(
            "page.error.sign_in_required",
            "You are not signed in, or your session has ended. Sign in and try again.",
        ),
        pgettext("page.error.csrf.title", "This form cannot be sent"),
        pgettext(
            "page.error.csrf",
            "The form has expired or did not come from this site. Go back, reload the page and"
            " send it again.",
        ),
        pgettext("page.error.go_sign_in", "Go to the sign-in page"),
    ]
    + COACH_PAGES
    + EMPLOYER_PAGES
    + COORDINATOR_PAGES
    + SHEET_IMPORTS
    + VACANCY_SHEETS
    + DOCUMENTS
    + BATCH_SHORTLISTS
)
