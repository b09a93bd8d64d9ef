"""Whoever a lead deactivates or records as withdrawn, on the pages, gets no reminder
or digest: sent by `lms reminders send` to a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations


def test_deactivated_and_withdrawn_people_are_not_emailed(
    send, mailbox, tasks, people, cohort, make_membership, client_for
):
    tara, theo, bob = people["tara"], people["theo"], people["bob"]
    tasks.overdue = {tara.id: {2, 3}, bob.id: {3}, people["olive"].id: {3}}
    lead = client_for(make_membership(cohort, "lead").user)
    for person in (tara.user, theo.user):
        done = lead.post(f"/people/{person.id}/deactivate", data={"email": person.email})
        assert done.status_code == 302
    left = lead.post(
        f"/cohorts/{cohort.slug}/members/{bob.id}/withdrawal",
        data={"withdrawn_on": ["28", "9", "2026"], "reason": "workload"},
    )
    assert left.status_code == 302

    result = send()
    assert result.exit_code == 0, result.output
    recipients = sorted(r for m in mailbox.received for r in m.recipients)
    # Tess's group has only Bob behind: withdrawn, he is no longer in it, so no digest.
    assert recipients == ["olive@example.org"]

    # Reactivated, Tara is reminded again on the next run.
    back = lead.post(f"/people/{tara.user_id}/reactivate", data={"email": tara.user.email})
    assert back.status_code == 302
    assert send().exit_code == 0
    assert len(mailbox.to("tara@example.org")) == 1
