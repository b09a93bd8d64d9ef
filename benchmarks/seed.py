"""A national-scale dataset for benchmarks: `lms bench seed --members N`.

Cohorts of about 200 trainees in tutor groups of 20, started every few weeks over the
past years: most have finished, the last tenth are under way (the newest of those at
week 30, so every page has a long history to show). Each trainee has a reflection for
nearly every week taught (a draft and a submitted version, tutor feedback and some
replies), a change initiative with milestones and progress updates (tags, comments) and
survey responses for the waves that have closed.

Rows go in with SQLAlchemy Core `insert()` and lists of dicts (executemany: one round
trip per few thousand rows), with explicit ids so no row needs reading back. The same
code fills small cohorts for the query-budget tests (`seed(members=5, cohorts=1)`).
"""

from __future__ import annotations

import json
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, insert, select, text
from werkzeug.security import generate_password_hash

from lms.core.curriculum_loader import programme
from lms.core.models import Cohort, CohortBreak, Membership, TutorGroup, User
from lms.core.schedule import build_schedule, monday_of
from lms.extensions import db
from lms.plugins.initiatives import vocab
from lms.plugins.initiatives.models import Comment, Initiative, Milestone, Update, UpdateTag
from lms.plugins.reflections import demo as reflection_texts
from lms.plugins.reflections.models import DRAFT, SUBMITTED, Entry, Feedback, Version
from lms.plugins.surveys.models import SurveyAnswer, SurveyResponse

PASSWORD = "benchmark password"  # noqa: S105 - a throwaway dataset's shared login
PROGRAMME = "involving-people"
CHUNK = 5_000  # rows per executemany: big enough to amortise, small enough for memory
IN_PROGRESS_WEEKS = (30, 24, 18, 12, 6)  # the cohorts under way, newest-started last
UPDATE_WEEKS = (2, 5, 9, 14, 20, 26, 31, 35)  # when trainees record initiative progress

SECTORS = ("statutory", "voluntary", "charity", "other")
ORGANISATIONS = (
    "Belfast Health and Social Care Trust",
    "Glasgow City HSCP",
    "Highland HSCP",
    "Carers Network",
    "Recovery Together",
    "Housing First Trust",
    "Age Well Partnership",
    "Community Voices",
)
JOBS = ("Social worker", "Community nurse", "Housing officer", "Peer support lead", "Advocate")
AREAS = ("Belfast", "Derry", "Glasgow", "Edinburgh", "Inverness", "Dundee", "Newry")
GIVEN = ("Aisha", "Ben", "Ciara", "Daniel", "Eilidh", "Farhan", "Grace", "Hamish", "Isla")
FAMILY = ("Rahman", "O'Neill", "McCann", "Kerr", "Fraser", "Iqbal", "Doherty", "Reid")
TITLES = (
    "Co-designing discharge planning with families",
    "Service users on the therapy team's interview panels",
    "A ward visiting policy written with carers",
    "Tenants choosing how repairs are prioritised",
    "Peer researchers evaluating recovery services",
    "Easy-read letters written with self-advocates",
)
RAG_REASONS = {
    "green": "Milestones met and the planning group is meeting as agreed.",
    "amber": "Progress is slower than planned; decisions keep going back to other teams.",
    "red": "The work has stalled: approval sits with another directorate.",
}
COMMENTS = (
    "Good progress. Who else could join the planning group?",
    "What would help with the structural barrier you describe?",
    "Thank you for the honest update: let us talk it through at the tutorial.",
)
HELPS = ("Protected time to meet people who use our service.", "A manager who backs it.", "")
HINDERS = ("Silo working between teams.", "Targets that leave no time.", "")


@dataclass
class Seeded:
    """What was made: row counts per table, and the cohorts with a login of each role."""

    counts: dict[str, int] = field(default_factory=dict)
    cohorts: list[dict] = field(default_factory=list)

    def add(self, table: str, number: int) -> None:
        self.counts[table] = self.counts.get(table, 0) + number


class _Ids:
    """Next free primary key per table, read once: rows carry their ids explicitly."""

    def __init__(self, connection, tables):
        self.next = {
            table.name: (connection.execute(select(func.max(table.c.id))).scalar() or 0) + 1
            for table in tables
        }

    def take(self, table) -> int:
        value = self.next[table.name]
        self.next[table.name] = value + 1
        return value


def cohort_starts(
    cohorts: int, today: date, under_way: tuple[int, ...] = IN_PROGRESS_WEEKS
) -> list[tuple[date, int | None]]:
    """Start dates, oldest first: (start, week under way today, or None if finished).

    Finished cohorts started every three weeks back from about a year ago; the last
    tenth (at least one, none if `under_way` is empty) are under way at the weeks in
    `under_way`."""
    going = max(1, cohorts // 10) if under_way else 0
    finished = cohorts - going
    monday = monday_of(today)
    starts = [(monday - timedelta(weeks=40 + 3 * (finished - i)), None) for i in range(finished)]
    for i in range(going):
        week = under_way[i % len(under_way)]
        # One break week after week 10 pushes every later session back a week.
        starts.append((monday - timedelta(weeks=week - 1 + (week > 10)), week))
    return starts


def _answer_pool(rng: random.Random, course) -> dict[int, list[tuple[str, str]]]:
    """Per week, a few (draft JSON, submitted JSON) pairs to draw from: realistic text
    without paying for JSON encoding 700,000 times."""
    pool = {}
    for week in course.weeks:
        pairs = []
        for _ in range(8):
            answers = {
                prompt.id: reflection_texts._answer(rng, index, len(week.prompts), week.title)
                for index, prompt in enumerate(week.prompts)
            }
            draft = {key: value.split(". ")[0] for key, value in answers.items()}
            pairs.append((json.dumps(draft), json.dumps(answers)))
        pool[week.number] = pairs
    return pool


class _Writer:
    """Buffers rows per table and sends them in chunks, parents before children."""

    ORDER = (
        User,
        Cohort,
        CohortBreak,
        TutorGroup,
        Membership,
        Entry,
        Version,
        Feedback,
        Initiative,
        Milestone,
        Update,
        UpdateTag,
        Comment,
        SurveyResponse,
        SurveyAnswer,
    )

    def __init__(self, connection, seeded: Seeded):
        self.connection = connection
        self.seeded = seeded
        self.rows: dict[str, list[dict]] = {model.__tablename__: [] for model in self.ORDER}

    def add(self, model, row: dict) -> None:
        self.rows[model.__tablename__].append(row)

    def flush(self) -> None:
        for model in self.ORDER:
            rows = self.rows[model.__tablename__]
            for start in range(0, len(rows), CHUNK):
                self.connection.execute(insert(model.__table__), rows[start : start + CHUNK])
            self.seeded.add(model.__tablename__, len(rows))
            rows.clear()


def seed(
    members: int = 10_000,
    cohorts: int = 50,
    *,
    today: date,
    group_size: int = 20,
    label: str = "bench",
    password_hash: str | None = None,
    progress: Callable[[int], None] = lambda done: None,
    under_way: tuple[int, ...] = IN_PROGRESS_WEEKS,
    random_seed: int = 2026,
    with_work: bool = True,
) -> Seeded:
    """Add `cohorts` cohorts sharing `members` trainees (plus a tutor per group and a lead
    per cohort) with every plugin's records, as they would be on `today` (survey
    responses only, without reflections and initiatives, if not `with_work`).

    Runs in the app context on `db.session`'s connection, committing after each cohort;
    `progress(n)` is called with the trainees done since the last call."""
    rng = random.Random(random_seed)  # noqa: S311 - reproducible data, not secrets
    course = programme(PROGRAMME)
    pool = _answer_pool(rng, course)
    instrument_of = {wave.wave: course.instruments[wave.instrument] for wave in course.survey_waves}
    password_hash = password_hash or generate_password_hash(PASSWORD)
    connection = db.session.connection()
    taken = connection.execute(select(Cohort.id).where(Cohort.slug == f"{label}-01")).first()
    if taken is not None:
        raise ValueError(f"This database already has the {label!r} dataset: use a fresh one.")
    ids = _Ids(connection, [model.__table__ for model in _Writer.ORDER])
    seeded = Seeded()
    writer = _Writer(connection, seeded)
    now = datetime.combine(today, time(12))
    starts = cohort_starts(cohorts, today, under_way)
    sizes = [members // cohorts + (1 if i < members % cohorts else 0) for i in range(cohorts)]

    def user(kind: str, number: int) -> int:
        user_id = ids.take(User.__table__)
        writer.add(
            User,
            {
                "id": user_id,
                "email": f"{label}-{number:05d}-{kind}@bench.example.org",
                "given_name": rng.choice(GIVEN),
                "family_name": rng.choice(FAMILY),
                "password_hash": password_hash,
                "session_token": secrets.token_urlsafe(12),
                "is_admin": False,
                "created_at": now - timedelta(days=400),
                "last_login_at": None,
            },
        )
        return user_id

    for index, ((start, week_now), size) in enumerate(zip(starts, sizes, strict=True)):
        cohort_id = ids.take(Cohort.__table__)
        slug = f"{label}-{index + 1:02d}"
        break_monday = monday_of(start) + timedelta(weeks=10)
        schedule = build_schedule(start, course.number_of_weeks, [break_monday])
        taught = week_now or course.number_of_weeks
        writer.add(
            Cohort,
            {
                "id": cohort_id,
                "slug": slug,
                "name": f"National cohort {index + 1}",
                "programme": PROGRAMME,
                "start_date": start,
                "session_weekday": start.weekday(),
                "reflections_shared_by_default": True,
                "created_at": datetime.combine(start, time(9)) - timedelta(days=30),
                "archived_at": None,
            },
        )
        writer.add(
            CohortBreak,
            {
                "id": ids.take(CohortBreak.__table__),
                "cohort_id": cohort_id,
                "week_of": break_monday,
            },
        )

        def membership(user_id, role, group_id=None, consent=False, withdrawn=None, *,
                       cohort_id=cohort_id, start=start):  # fmt: skip
            membership_id = ids.take(Membership.__table__)
            writer.add(
                Membership,
                {
                    "id": membership_id,
                    "user_id": user_id,
                    "cohort_id": cohort_id,
                    "role": role,
                    "sector": rng.choice(SECTORS),
                    "organisation": rng.choice(ORGANISATIONS),
                    "job_title": rng.choice(JOBS),
                    "area": rng.choice(AREAS),
                    "tutor_group_id": group_id,
                    "lived_experience": rng.random() < 0.25,
                    "evaluation_consent": consent,
                    "created_at": datetime.combine(start, time(9)) - timedelta(days=14),
                    "withdrawn_at": withdrawn,
                },
            )
            return membership_id

        lead_user = user("lead", cohort_id)
        membership(lead_user, "lead")
        logins = {"slug": slug, "week": week_now, "lead": None, "tutor": None, "trainee": None}
        logins["lead"] = f"{label}-{cohort_id:05d}-lead@bench.example.org"
        groups = []
        for number in range((size + group_size - 1) // group_size or 1):
            group_id = ids.take(TutorGroup.__table__)
            writer.add(
                TutorGroup,
                {"id": group_id, "cohort_id": cohort_id, "name": f"Group {number + 1:02d}"},
            )
            tutor_number = cohort_id * 100 + number
            tutor_user = user("tutor", tutor_number)
            membership(tutor_user, "tutor", group_id)
            groups.append((group_id, tutor_user))
            if logins["tutor"] is None:
                logins["tutor"] = f"{label}-{tutor_number:05d}-tutor@bench.example.org"

        for position in range(size):
            group_id, tutor_user = groups[position // group_size]
            trainee_number = ids.next[User.__table__.name]
            trainee_user = user("trainee", trainee_number)
            if logins["trainee"] is None:
                logins["trainee"] = f"{label}-{trainee_number:05d}-trainee@bench.example.org"
            # The first trainee (the benchmark's login) always stays and consents.
            withdrawn = None
            if position and rng.random() < 0.02:
                withdrawn = datetime.combine(schedule.session_date(max(1, taught // 2)), time(9))
            consent = position == 0 or rng.random() < 0.7
            member_id = membership(trainee_user, "trainee", group_id, consent, withdrawn)
            last_week = taught
            if withdrawn is not None:
                last_week = max(1, taught // 2)
            if with_work:
                _reflections(
                    writer, ids, rng, pool, course, schedule, member_id, trainee_user,
                    tutor_user, consent, last_week, week_now, today,
                )  # fmt: skip
                _initiative(
                    writer, ids, rng, cohort_id, member_id, tutor_user, schedule, last_week,
                    today, always=position == 0,
                )  # fmt: skip
            _surveys(
                writer, ids, rng, course, instrument_of, schedule, cohort_id, member_id,
                last_week, week_now,
            )  # fmt: skip
        writer.flush()
        db.session.commit()
        connection = db.session.connection()
        writer.connection = connection
        seeded.cohorts.append(logins)
        progress(size)

    _reset_sequences(connection, _Writer.ORDER)
    db.session.commit()
    return seeded


def _reflections(
    writer, ids, rng, pool, course, schedule, member_id, author_id, tutor_id, consent,
    last_week, week_now, today,
):  # fmt: skip
    for week in range(1, last_week + 1):
        opens = schedule.session_date(week)
        due = opens + timedelta(days=course.week(week).reflection_due_days)
        current = week_now is not None and today <= due
        roll = rng.random()
        if roll < (0.4 if current else 0.02):
            continue  # not written (yet)
        submitted = roll >= (0.8 if current else 0.08)
        late = submitted and not current and rng.random() < 0.1
        day = min(today, (due + timedelta(days=2)) if late else opens + timedelta(days=3))
        moment = datetime.combine(day, time(20, rng.randint(0, 59)))
        draft_json, final_json = rng.choice(pool[week])
        entry_id = ids.take(Entry.__table__)
        shared = rng.random() > 0.1
        # Tutors keep up with older weeks; the last two are still in their queue.
        settled = week_now is None or week < week_now - 2
        reviewed = submitted and shared and not current and rng.random() < (0.9 if settled else 0.4)
        reviewed_at = moment + timedelta(days=rng.randint(1, 3)) if reviewed else None
        writer.add(
            Entry,
            {
                "id": entry_id,
                "membership_id": member_id,
                "week": week,
                "current_version": 2 if submitted else 1,
                "submitted_version": 2 if submitted else None,
                "shared": shared,
                "evaluation_consent": consent and rng.random() < 0.7,
                "consent_changed_at": None,
                "first_submitted_at": moment if submitted else None,
                "submitted_at": moment if submitted else None,
                "late": late,
                "reviewed_at": reviewed_at,
                "reviewed_by_id": tutor_id if reviewed else None,
                "created_at": moment - timedelta(hours=1),
                "updated_at": moment,
            },
        )
        writer.add(
            Version,
            {
                "id": ids.take(Version.__table__),
                "entry_id": entry_id,
                "number": 1,
                "kind": DRAFT,
                "answers_json": draft_json if submitted else final_json,
                "created_at": moment - timedelta(hours=1),
            },
        )
        if submitted:
            writer.add(
                Version,
                {
                    "id": ids.take(Version.__table__),
                    "entry_id": entry_id,
                    "number": 2,
                    "kind": SUBMITTED,
                    "answers_json": final_json,
                    "created_at": moment,
                },
            )
        if reviewed:
            writer.add(Feedback, _feedback(ids, entry_id, tutor_id, "tutor", reviewed_at, rng))
            if rng.random() < 0.3:
                later = reviewed_at + timedelta(hours=5)
                writer.add(Feedback, _feedback(ids, entry_id, author_id, "trainee", later, rng))


def _feedback(ids, entry_id, author_id, role, moment, rng) -> dict:
    bank = reflection_texts.TUTOR_FEEDBACK if role == "tutor" else reflection_texts.REPLIES
    return {
        "id": ids.take(Feedback.__table__),
        "entry_id": entry_id,
        "author_id": author_id,
        "author_role": role,
        "version_number": 2,
        "body": rng.choice(bank),
        "created_at": moment,
    }


def _initiative(
    writer, ids, rng, cohort_id, member_id, tutor_id, schedule, last_week, today, always
):
    if rng.random() < 0.05 and not always:
        return  # not started one
    initiative_id = ids.take(Initiative.__table__)
    start = schedule.session_date(1) - timedelta(weeks=2)
    created = datetime.combine(schedule.session_date(2), time(10))
    writer.add(
        Initiative,
        {
            "id": initiative_id,
            "membership_id": member_id,
            "cohort_id": cohort_id,
            "title": rng.choice(TITLES),
            "organisation": rng.choice(ORGANISATIONS),
            "service": "Community team",
            "problem": "Decisions are made about people who use the service, not with them.",
            "aim": "Decisions are made jointly with the people who use the service.",
            "service_users": rng.randint(2, 8),
            "carers": rng.randint(0, 3),
            "staff": rng.randint(2, 6),
            "partners": rng.randint(0, 2),
            "roles": "Service users and carers co-chair the planning group.",
            "planned_start": start,
            "planned_end": start + timedelta(weeks=40),
            "evidence": "",
            "created_at": created,
            "changed_at": created,
        },
    )
    for number, (title, weeks) in enumerate(
        (("Recruit the planning group", 3), ("First co-design workshop", 8), ("Pilot", 24))
    ):
        due = start + timedelta(weeks=weeks)
        done = due if due <= today and rng.random() < 0.7 else None
        writer.add(
            Milestone,
            {
                "id": ids.take(Milestone.__table__),
                "initiative_id": initiative_id,
                "title": title,
                "due_on": due,
                "done_on": done,
                "created_at": created + timedelta(minutes=number),
            },
        )
    rung = rng.randint(2, 4)
    scores = [rng.randint(1, 2) for _ in range(4)]
    barriers = [key for key, _ in vocab.BARRIERS]
    enablers = [key for key, _ in vocab.ENABLERS]
    for week in UPDATE_WEEKS:
        if week > last_week or rng.random() < 0.15:
            continue
        recorded = schedule.session_date(week) + timedelta(days=rng.randint(0, 3))
        if recorded > today:
            continue
        rung = max(1, min(8, rung + rng.choice((0, 0, 1, 1, -1))))
        scores = [max(1, min(4, score + rng.choice((0, 0, 1)))) for score in scores]
        rag = rng.choice(("green", "green", "amber", "amber", "red"))
        update_id = ids.take(Update.__table__)
        writer.add(
            Update,
            {
                "id": update_id,
                "initiative_id": initiative_id,
                "recorded_on": recorded,
                "week": week,
                "rag": rag,
                "rag_reason": RAG_REASONS[rag],
                "narrative": "We met with the planning group and agreed the next changes.",
                "rung": rung,
                "culture": scores[0],
                "practice": scores[1],
                "structure": scores[2],
                "review": scores[3],
                "other_barriers": "",
                "other_enablers": "",
                "next_steps": "Share the notes in accessible formats.",
                "created_at": datetime.combine(recorded, time(19)),
            },
        )
        for kind, keys in (("barrier", barriers), ("enabler", enablers)):
            for tag in rng.sample(keys, rng.randint(0, 2)):
                writer.add(
                    UpdateTag,
                    {
                        "id": ids.take(UpdateTag.__table__),
                        "update_id": update_id,
                        "kind": kind,
                        "tag": tag,
                    },
                )
        if rng.random() < 0.3:
            writer.add(
                Comment,
                {
                    "id": ids.take(Comment.__table__),
                    "update_id": update_id,
                    "author_id": tutor_id,
                    "body": rng.choice(COMMENTS),
                    "created_at": datetime.combine(recorded + timedelta(days=2), time(9)),
                },
            )


def _surveys(
    writer, ids, rng, course, instrument_of, schedule, cohort_id, member_id, last_week, week_now
):
    baseline = rng.choice((2, 2, 3, 3, 3, 4))
    for wave in course.survey_waves:
        closed = week_now is None or week_now > wave.closes_week
        if wave.opens_week > last_week or not closed or rng.random() < 0.12:
            continue
        instrument = instrument_of[wave.wave]
        lift = {"pre": 0, "mid": 1, "post": 1}.get(wave.wave, 0) + (rng.random() < 0.4)
        response_id = ids.take(SurveyResponse.__table__)
        moment = datetime.combine(schedule.session_date(wave.opens_week), time(18))
        writer.add(
            SurveyResponse,
            {
                "id": response_id,
                "cohort_id": cohort_id,
                "membership_id": member_id,
                "anonymous_key": None,
                "instrument": instrument.id,
                "wave": wave.wave,
                "started_at": moment,
                "updated_at": moment,
                "submitted_at": moment,
            },
        )
        for item in instrument.items:
            value, words = None, None
            if item.type == "text":
                words = rng.choice(HELPS if "help" in item.id else HINDERS) or None
                if words is None:
                    continue
            elif item.type == "scale":
                value = max(0, min(10, 2 * (baseline + lift) - 1 + rng.choice((-1, 0, 1))))
            else:
                value = max(1, min(5, baseline + lift + rng.choice((-1, 0, 0, 0, 1))))
            writer.add(
                SurveyAnswer,
                {
                    "id": ids.take(SurveyAnswer.__table__),
                    "response_id": response_id,
                    "item_id": item.id,
                    "value": value,
                    "text": words,
                },
            )


def _reset_sequences(connection, models) -> None:
    """PostgreSQL hands out ids from sequences, which explicit ids did not advance."""
    if connection.dialect.name != "postgresql":
        return
    for model in models:
        table = model.__tablename__
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
        )
