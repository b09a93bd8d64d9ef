"""Demo initiatives: varied stories for the demo cohort's trainees, added once.

Some thrive and climb the ladder, some are stuck on silo working and organisational
structures (as the research found), one has finished, two have gone quiet.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lms.core.clock import today
from lms.core.cohorts import active_members, schedule_of
from lms.extensions import db
from lms.plugins.initiatives import services
from lms.plugins.initiatives.models import Initiative

TITLES = [
    "Co-designing discharge planning with families",
    "Service users on the therapy team's interview panels",
    "A ward visiting policy written with carers",
    "Residents shaping the locality plan for older people",
    "Rural community nursing: what matters to you",
    "Tenants choosing how repairs are prioritised",
    "A carers' voice in the respite booking system",
    "Peer researchers evaluating recovery services",
    "Community panel for small grants",
    "Young people co-running the drop-in",
    "Advocacy partners reviewing our complaints process",
    "Volunteers with lived experience designing induction",
    "Dementia-friendly activities planned with families",
    "Housing First residents' forum with a real budget",
    "Easy-read letters written with self-advocates",
    "Accessible information co-produced with people with sight loss",
    "Parents shaping the family support offer",
    "Older people co-chairing the partnership board",
]

# (rungs, SCIE scores, RAG, barriers, enablers) per update, in order.
STORIES = {
    "thriving": [
        (4, (2, 2, 1, 1), "green", ["structures"], ["sponsor"]),
        (5, (2, 3, 2, 2), "green", [], ["sponsor", "champions"]),
        (6, (3, 3, 2, 2), "green", [], ["champions", "training", "collective-leadership"]),
    ],
    "silo": [
        (3, (2, 2, 1, 1), "amber", ["structures"], ["training"]),
        (4, (2, 2, 1, 1), "amber", ["structures", "silos"], ["peer-support"]),
        (4, (2, 2, 1, 2), "red", ["structures", "silos", "governance"], []),
    ],
    "steady": [
        (3, (1, 2, 1, 1), "green", ["silos"], ["partnership"]),
        (4, (2, 2, 2, 1), "amber", ["resources", "structures"], ["partnership"]),
        (5, (2, 3, 2, 2), "green", ["resources"], ["partnership", "budget"]),
    ],
    "slow": [
        (2, (1, 1, 1, 1), "amber", ["culture", "shared-language"], []),
        (3, (1, 2, 1, 1), "amber", ["culture", "turnover"], ["training"]),
        (3, (2, 2, 1, 1), "amber", ["shared-language", "leadership"], ["peer-support"]),
    ],
    "finished": [
        (5, (3, 3, 2, 2), "green", [], ["sponsor", "policy"]),
        (6, (3, 3, 3, 3), "green", [], ["champions", "budget"]),
        (7, (4, 3, 3, 3), "green", [], ["collective-leadership", "feedback"]),
    ],
    "quiet": [
        (4, (2, 2, 1, 1), "amber", ["silos", "time"], []),
    ],
}
PLOTS = [
    "thriving", "silo", "steady", "slow", "thriving", "silo",
    "steady", "finished", "silo", "thriving", "quiet", "steady",
    "silo", "thriving", "slow", "steady", "quiet", "thriving",
]  # fmt: skip
REASONS = {
    "green": "Milestones met and the planning group is meeting as agreed.",
    "amber": "Progress is slower than planned; decisions keep going back to other teams.",
    "red": "The work has stalled: approval sits with another directorate that has not met us.",
}
UPDATE_WEEKS = (2, 5, 9)


def add_demo_initiatives(cohort) -> int:
    """Give each demo trainee without an initiative one; return how many were added."""
    now = today()
    schedule = schedule_of(cohort)
    members = active_members(cohort, role="trainee")
    members.sort(key=lambda member: member.id)
    have = set(
        db.session.scalars(
            select(Initiative.membership_id).where(Initiative.cohort_id == cohort.id)
        )
    )
    added = 0
    for index, member in enumerate(members):
        if member.id in have:
            continue
        plot = PLOTS[index % len(PLOTS)]
        finished = plot == "finished"
        start = cohort.start_date - timedelta(weeks=30 if finished else 2)
        initiative = services.save_initiative(
            member,
            services.InitiativeDetails(
                title=TITLES[index % len(TITLES)],
                organisation=member.organisation,
                service=member.job_title and f"{member.area} team",
                problem="People who use the service say decisions are made about them, "
                "not with them, and they rarely hear what happened to their views.",
                aim="Decisions in this area are made jointly with the people who use the "
                "service, who are paid for their time and see what changed.",
                service_users=4 + index % 5,
                carers=index % 3,
                staff=3 + index % 4,
                partners=index % 2,
                roles="Service users and carers co-chair the planning group and test each "
                "change; staff from two teams and one partner organisation take part.",
                planned_start=start,
                planned_end=now - timedelta(days=7) if finished else start + timedelta(weeks=40),
            ),
        )
        steps = [
            ("Recruit service users and carers to the planning group", 3),
            ("First co-design workshop", 8),
            ("Pilot the new approach", 24),
        ]
        done_count = {"thriving": 2, "finished": 3, "steady": 1, "silo": 1}.get(plot, 0)
        for number, (title, weeks) in enumerate(steps):
            due = start + timedelta(weeks=weeks)
            milestone = services.add_milestone(initiative, title, due)
            if number < done_count:
                services.complete_milestone(milestone, min(due, now), now)
        story = STORIES[plot]
        for week, (rung, scores, rag, barriers, enablers) in zip(UPDATE_WEEKS, story, strict=False):
            recorded_on = schedule.session_date(week) + timedelta(days=index % 3)
            if recorded_on > now:
                break
            services.add_update(
                initiative,
                services.UpdateDetails(
                    recorded_on=recorded_on,
                    rag=rag,
                    rag_reason=REASONS[rag],
                    rung=rung,
                    scores=dict(
                        zip(("culture", "practice", "structure", "review"), scores, strict=True)
                    ),
                    narrative="We met with the planning group and agreed the next changes.",
                    barriers=barriers,
                    enablers=enablers,
                    next_steps="Share the notes in accessible formats and agree the next meeting.",
                ),
                now,
            )
        added += 1
    db.session.flush()
    return added
