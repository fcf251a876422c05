"""`lct enrich`: collect bell-schedule minutes by hand, straight into lct.bell_schedules.

- `--state WI` runs the campaign: the 9 largest districts of the state without a bell schedule, one after the
  other, until 3 are saved. `--district LEAID` asks about one district. `--status` prints the progress per state.
  `import FILE.csv` bulk-loads a file in the format of `bell_schedules_2024_25.csv`.
- A district's answers are written only after its last prompt, in one transaction: Ctrl-C or the end of the input
  at any prompt leaves nothing of that district behind (exit code 130); districts saved before stay saved.
- Every answer is validated and re-asked when wrong; nothing crashes on a typo.
- `b` at a district's first prompt marks it blocked (its site unreachable), recorded with the time: later
  campaigns skip it and `--status` counts it.
- The prompts go through `input_fn` and everything else to `out`, so tests (and pipes) drive the tool with
  scripted answers. Piped stdin works too: `main` echoes each answer read from a non-terminal.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TextIO, TypeVar

from sqlalchemy import Engine

from lct_pipelines.db.engine import build_engine
from lct_pipelines.db.staging import transaction
from lct_pipelines.enrichment.bell_schedule_file import (
    CONFIDENCES,
    MAX_MINUTES,
    MIN_MINUTES,
    normalise_leaid,
    school_year_problem,
    validate_minutes,
)
from lct_pipelines.enrichment.campaign import (
    District,
    LevelMinutes,
    block_district,
    blocked_counts,
    blocked_leaids,
    current_minutes,
    find_district,
    latest_school_year,
    save_district_minutes,
    state_counts,
    unenriched_candidates,
)
from lct_pipelines.enrichment.errors import (
    APPLICATION_NAME,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EnrichmentError,
)
from lct_pipelines.enrichment.store import UpsertCounts
from lct_pipelines.lct import queries

InputFn = Callable[[str], str]
T = TypeVar("T")
# The answer at a district's first prompt that marks it blocked, and what ask_district returns for it.
BLOCK_ANSWER = "b"
BLOCKED = "blocked"

CAMPAIGN_LIMIT = 9
CAMPAIGN_TARGET = 3
DEFAULT_SOURCE = "manual entry"
SCHOOL_YEAR_STARTS_IN_MONTH = 8
SOURCE_LABELS = {"bell_schedule": "bell schedule", "state_requirement": "state requirement", "default": "default"}
_CONFIDENCE_ALIASES = {c[0]: c for c in CONFIDENCES} | {c: c for c in CONFIDENCES}
_NUMBER = re.compile(r"^\d+(\.\d+)?$")
_STATE = re.compile(r"^[A-Za-z]{2}$")


class _Stopped(Exception):
    """Ctrl-C or the end of the input at a prompt."""


# --- values -------------------------------------------------------------------------------------------------


def current_school_year(today: date | None = None) -> str:
    """The school year in the bell-schedule convention ('2024-25'); a new one starts in August."""
    today = today or date.today()
    start = today.year if today.month >= SCHOOL_YEAR_STARTS_IN_MONTH else today.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def check_year(year: str) -> str:
    if school_year_problem(year.strip()) is not None:
        raise EnrichmentError(f"year {year!r} is not a school year like 2024-25")
    return year.strip()


def check_state(state: str) -> str:
    if not _STATE.match(state.strip()):
        raise EnrichmentError(f"state {state!r} is not a 2-letter postal code like WI")
    return state.strip().upper()


def check_leaid(leaid: str) -> str:
    padded = normalise_leaid(leaid)
    if padded is None:
        raise EnrichmentError(f"LEAID {leaid!r} is not an NCES district id (up to 7 digits)")
    return padded


def parse_minutes(answer: str) -> tuple[float | None, str | None]:
    """Minutes from an answer: digits (an optional decimal part) within 60-600."""
    if not _NUMBER.match(answer):
        return None, f"{answer!r} is not a number of minutes ({MIN_MINUTES}-{MAX_MINUTES})"
    return validate_minutes(answer)


def parse_confidence(answer: str) -> tuple[str | None, str | None]:
    confidence = _CONFIDENCE_ALIASES.get(answer.lower())
    if confidence is None:
        return None, f"{answer!r} is not a confidence: high, medium or low (h, m, l)"
    return confidence, None


# --- outcomes -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SavedDistrict:
    leaid: str
    name: str
    minutes: dict[str, float]
    counts: UpsertCounts


@dataclass
class CampaignOutcome:
    """What a campaign (or a single-district session) did; `exit_code` 130 when interrupted."""

    state: str | None
    saved: list[SavedDistrict] = field(default_factory=list)
    skipped: list[District] = field(default_factory=list)
    blocked: list[District] = field(default_factory=list)
    interrupted: bool = False
    interrupted_at: District | None = None
    enriched_before: int | None = None
    enriched_after: int | None = None
    state_districts: int | None = None

    @property
    def exit_code(self) -> int:
        return EXIT_INTERRUPTED if self.interrupted else EXIT_OK


@dataclass(frozen=True)
class Answers:
    minutes: dict[str, float]
    source: str
    confidence: str


# --- prompting ----------------------------------------------------------------------------------------------


class Prompter:
    """Asks through `input_fn`, re-asks until an answer parses, turns Ctrl-C and end of input into `_Stopped`."""

    def __init__(self, input_fn: InputFn, out: TextIO) -> None:
        self.input_fn = input_fn
        self.out = out

    def ask(self, prompt: str) -> str:
        self.out.flush()
        try:
            return self.input_fn(prompt).strip()
        except (KeyboardInterrupt, EOFError) as err:
            raise _Stopped from err

    def ask_until(self, prompt: str, parse: Callable[[str], tuple[T | None, str | None]]) -> T:
        while True:
            value, problem = parse(self.ask(prompt))
            if problem is None and value is not None:
                return value
            self.say(f"  {problem}; try again")

    def say(self, line: str = "") -> None:
        print(line, file=self.out)


def _level_order(district: District) -> list[str]:
    """The levels the district has first: Enter at the first prompt then always means 'skip this district'."""
    levels = list(district.level_enrollment)
    return [lv for lv in levels if district.has_level(lv)] + [lv for lv in levels if not district.has_level(lv)]


def _minutes_prompt(level: str, *, first: bool, required: bool) -> str:
    if first:
        skip_or_block = f"Enter skips this district, {BLOCK_ANSWER} marks it blocked"
        return f"{level} minutes ({MIN_MINUTES}-{MAX_MINUTES}; {skip_or_block}): "
    if required:
        return f"{level} minutes ({MIN_MINUTES}-{MAX_MINUTES}): "
    return f"{level} minutes ({MIN_MINUTES}-{MAX_MINUTES}; Enter: none, no {level} students): "


def _ask_level(prompter: Prompter, district: District, level: str, *, first: bool) -> float | str | None:
    """Minutes for one level; None for Enter where allowed (the first prompt, or a level without students);
    BLOCKED for `b` at the first prompt."""
    required = district.has_level(level)
    prompt = _minutes_prompt(level, first=first, required=required)
    while True:
        answer = prompter.ask(prompt)
        if first and answer.lower() == BLOCK_ANSWER:
            return BLOCKED
        if not answer:
            if first or not required:
                return None
            students = district.level_enrollment[level]
            prompter.say(f"  {level} is required: the district has {students:,.0f} {level} students; try again")
            continue
        minutes, problem = parse_minutes(answer)
        if minutes is not None:
            return minutes
        prompter.say(f"  {problem}; try again")


def ask_district(prompter: Prompter, district: District) -> Answers | str | None:
    """Every answer for one district, None when skipped (Enter at its first prompt), BLOCKED for `b` there."""
    minutes: dict[str, float] = {}
    for index, level in enumerate(_level_order(district)):
        value = _ask_level(prompter, district, level, first=index == 0)
        if index == 0 and (value is None or value == BLOCKED):
            return value  # type: ignore[return-value]
        if isinstance(value, float):
            minutes[level] = value
    source = prompter.ask(f"source [{DEFAULT_SOURCE}]: ") or DEFAULT_SOURCE
    confidence = prompter.ask_until(f"confidence ({'/'.join(CONFIDENCES)}): ", parse_confidence)
    return Answers(minutes, source, confidence)


# --- display ------------------------------------------------------------------------------------------------


def _describe(district: District, minutes: list[LevelMinutes], out: TextIO, heading: str = "") -> None:
    print(
        f"\n{heading}{district.name} (LEAID {district.leaid}, {district.state}), "
        f"{district.enrollment:,.0f} K-12 students ({district.school_year})",
        file=out,
    )
    print(f"  search: {district.search_query}", file=out)
    print(f"  {'level':<11}{'students':>9}  minutes now", file=out)
    for level in minutes:
        students = district.level_enrollment.get(level.level, 0)
        source = SOURCE_LABELS.get(level.source, level.source)
        print(f"  {level.level:<11}{students:>9,.0f}  {level.minutes:g} ({source})", file=out)


def _minutes_text(minutes: dict[str, float]) -> str:
    return ", ".join(f"{level} {value:g}" for level, value in minutes.items())


def _print_overview(state: str, candidates: list[District], target: int, out: TextIO) -> None:
    if not candidates:
        print(f"{state}: every district has a bell schedule; nothing to collect.", file=out)
        return
    print(
        f"{state}: the {len(candidates)} largest districts without a bell schedule "
        f"({candidates[0].school_year} directory); the campaign stops after {target} saved.",
        file=out,
    )
    print(f"  {'#':>2}  {'LEAID':<8}{'students':>10}  district", file=out)
    for rank, district in enumerate(candidates, start=1):
        print(f"  {rank:>2}  {district.leaid:<8}{district.enrollment:>10,.0f}  {district.name}", file=out)


def _print_summary(outcome: CampaignOutcome, out: TextIO) -> None:
    print(
        f"\nsummary: {len(outcome.saved)} saved, {len(outcome.skipped)} skipped, {len(outcome.blocked)} blocked",
        file=out,
    )
    for saved in outcome.saved:
        print(f"  saved    {saved.leaid}  {saved.name}: {_minutes_text(saved.minutes)}", file=out)
    for skipped in outcome.skipped:
        print(f"  skipped  {skipped.leaid}  {skipped.name}", file=out)
    for blocked in outcome.blocked:
        print(f"  blocked  {blocked.leaid}  {blocked.name}", file=out)
    if outcome.state and outcome.enriched_before is not None and outcome.enriched_after is not None:
        print(
            f"  {outcome.state} districts with a bell schedule: {outcome.enriched_before} -> "
            f"{outcome.enriched_after} of {outcome.state_districts}",
            file=out,
        )


def _print_interrupted(outcome: CampaignOutcome, out: TextIO) -> None:
    where = outcome.interrupted_at
    lost = f"nothing of {where.leaid} {where.name} was saved" if where else "nothing was being entered"
    kept = f"{len(outcome.saved)} district(s) saved before are kept" if outcome.saved else "none was saved before"
    print(f"\ninterrupted: {lost}; {kept}.", file=out)


# --- sessions -----------------------------------------------------------------------------------------------


def _save(engine: Engine, district: District, answers: Answers, year: str) -> SavedDistrict:
    """One transaction per district: its levels are written together or not at all."""
    with transaction(engine) as cur:
        counts = save_district_minutes(
            cur, district, answers.minutes, year=year, source=answers.source, confidence=answers.confidence
        )
    return SavedDistrict(district.leaid, district.name, answers.minutes, counts)


def _enter_one(
    engine: Engine,
    prompter: Prompter,
    district: District,
    minutes: list[LevelMinutes],
    outcome: CampaignOutcome,
    *,
    year: str,
    heading: str = "",
) -> None:
    outcome.interrupted_at = district
    _describe(district, minutes, prompter.out, heading)
    answers = ask_district(prompter, district)
    if answers is None:
        outcome.skipped.append(district)
        prompter.say(f"  skipped {district.leaid}")
    elif answers == BLOCKED:
        with transaction(engine) as cur:
            when = block_district(cur, district)
        outcome.blocked.append(district)
        prompter.say(f"  blocked {district.leaid} at {when:%Y-%m-%d %H:%M} UTC: later campaigns skip it")
    else:
        saved = _save(engine, district, answers, year)
        outcome.saved.append(saved)
        prompter.say(f"  saved {district.leaid} {year}: {_minutes_text(saved.minutes)} ({answers.confidence})")
    outcome.interrupted_at = None


def _enter_all(
    engine: Engine,
    prompter: Prompter,
    work: list[tuple[District, list[LevelMinutes]]],
    outcome: CampaignOutcome,
    *,
    year: str,
    target: int,
) -> None:
    """Ask about each district in turn until `target` are saved; an interruption ends it, recorded in `outcome`."""
    try:
        for rank, (district, minutes) in enumerate(work, start=1):
            if len(outcome.saved) >= target:
                prompter.say(f"\n{target} districts saved: that is this campaign's goal.")
                break
            _enter_one(engine, prompter, district, minutes, outcome, year=year, heading=f"[{rank}/{len(work)}] ")
    except (_Stopped, KeyboardInterrupt):
        outcome.interrupted = True
        _print_interrupted(outcome, prompter.out)


def _campaign_counts(engine: Engine, state: str) -> tuple[int, int]:
    with transaction(engine) as cur:
        counts = state_counts(cur, state)
    return counts.districts, counts.enriched


def run_campaign(
    database_url: str,
    state: str,
    *,
    year: str | None = None,
    input_fn: InputFn = input,
    out: TextIO | None = None,
    limit: int = CAMPAIGN_LIMIT,
    target: int = CAMPAIGN_TARGET,
) -> CampaignOutcome:
    """The campaign for one state: its `limit` largest unenriched districts, until `target` are saved.

    `year` is the school year the saved schedules are for (default: the current one). Raises EnrichmentError
    when the state has no district in the newest directory year.
    """
    out = sys.stdout if out is None else out
    state = check_state(state)
    year = check_year(year) if year else current_school_year()
    engine = build_engine(database_url, application_name=APPLICATION_NAME, pool_size=1)
    try:
        with transaction(engine) as cur:
            newest = latest_school_year(cur)
            if newest is None:
                raise EnrichmentError("no NCES directory imported yet: run `lct run` first")
            blocked = blocked_leaids(cur, state)
            candidates = [d for d in unenriched_candidates(cur, state, limit=None) if d.leaid not in blocked][:limit]
            work = [(district, current_minutes(cur, district)) for district in candidates]
        districts, before = _campaign_counts(engine, state)
        if districts == 0:
            raise EnrichmentError(f"no district of {state} in the {newest} directory")
        outcome = CampaignOutcome(state=state, enriched_before=before, state_districts=districts)
        prompter = Prompter(input_fn, out)
        _print_overview(state, candidates, target, out)
        _enter_all(engine, prompter, work, outcome, year=year, target=target)
        outcome.state_districts, outcome.enriched_after = _campaign_counts(engine, state)
    finally:
        engine.dispose()
    _print_summary(outcome, out)
    return outcome


def enrich_district(
    database_url: str,
    leaid: str,
    *,
    year: str | None = None,
    input_fn: InputFn = input,
    out: TextIO | None = None,
) -> CampaignOutcome:
    """The campaign's prompts for one district (LEAID padded to 7). Raises EnrichmentError when it is unknown."""
    out = sys.stdout if out is None else out
    padded = check_leaid(leaid)
    year = check_year(year) if year else current_school_year()
    engine = build_engine(database_url, application_name=APPLICATION_NAME, pool_size=1)
    try:
        with transaction(engine) as cur:
            district = find_district(cur, padded)
            if district is None:
                raise EnrichmentError(f"unknown LEAID {padded}: not in nces.lea_directory")
            minutes = current_minutes(cur, district)
        outcome = CampaignOutcome(state=None)
        prompter = Prompter(input_fn, out)
        try:
            _enter_one(engine, prompter, district, minutes, outcome, year=year)
        except (_Stopped, KeyboardInterrupt):
            outcome.interrupted = True
            _print_interrupted(outcome, out)
    finally:
        engine.dispose()
    _print_summary(outcome, out)
    return outcome


def print_status(database_url: str, state: str | None = None, *, out: TextIO | None = None) -> int:
    """The campaign progress per state (or one state), as of the last pipeline run; returns the exit code."""
    out = sys.stdout if out is None else out
    state = check_state(state) if state else None
    try:
        progress = queries.get_state_campaign_progress(database_url, state)
    except queries.ViewNotReadyError as err:
        raise EnrichmentError(str(err)) from err
    if progress.empty:
        raise EnrichmentError(f"no districts for {state}" if state else "no districts: run `lct run` first")
    engine = build_engine(database_url, application_name=APPLICATION_NAME, pool_size=1)
    try:
        with transaction(engine) as cur:
            blocked = blocked_counts(cur)  # live: a district blocked a minute ago counts
    finally:
        engine.dispose()
    print(
        f"bell-schedule campaign, {progress.school_year.iloc[0]} directory (as of the last pipeline run; blocked: now)",
        file=out,
    )
    print(f"{'state':<6}{'districts':>10}{'enriched':>10}{'blocked':>9}{'percent':>9}  complete", file=out)
    for row in progress.itertuples(index=False):
        mark = "yes" if row.complete else ""
        counts = (
            f"{row.total_districts:>10,}{row.enriched_districts:>10,}{blocked.get(row.state, 0):>9,}"
            f"{row.percent_enriched:>8.2f}%"
        )
        line = f"{row.state:<6}{counts}  {mark}"
        print(line.rstrip(), file=out)
    if state is None:
        print(f"{int(progress.complete.sum())} of {len(progress)} states complete", file=out)
    return EXIT_OK
