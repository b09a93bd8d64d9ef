"""Certificates: a PDF whose text says who completed what, with a verification address
that confirms it until the lead revokes it; the trainee downloads theirs, the lead all."""

from __future__ import annotations

import io
import json
import subprocess
import zipfile
from datetime import time

from sqlalchemy import select

from lms.core.audit import AuditEvent
from lms.extensions import db
from lms.plugins.sessions import certificates, completion
from tests.plugins.sessions.conftest import TODAY, mark, set_times


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(data)
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return " ".join(result.stdout.split())


def completed_trainee(cohort, lead, tutor, member):
    """Six sessions of 2.5 hours attended, and the lead's exception for the rest."""
    set_times(cohort, starts=time(10), ends=time(12, 30))
    for week in range(1, 7):
        mark(member, week, "present" if week != 3 else "late", tutor.user)
    mark(member, 7, "absent", tutor.user)
    completion.record_exception(member, "Completed the rest through catch-up work", lead.user)
    db.session.commit()


def test_a_certificate_pdf_says_who_completed_and_its_address_verifies_it(
    client_for, app, cohort, lead, tutor, trainees, tmp_path
):
    member = trainees[0]
    completed_trainee(cohort, lead, tutor, member)
    lead_browser = client_for(lead.user)
    response = lead_browser.post("/cohorts/autumn/certificates/issue", data={})
    assert response.status_code == 302
    assert "1 certificate issued." in lead_browser.get("/cohorts/autumn/completion").get_data(
        as_text=True
    )
    certificate = certificates.current_certificate(member)

    download = client_for(member.user).get("/cohorts/autumn/certificate.pdf")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    text = pdf_text(download.get_data(), tmp_path)
    assert "Certificate of completion" in text
    assert "Aoife Byrne" in text  # the trainee's name
    assert "completed the Involving People programme" in text
    assert "Autumn 2026" in text
    assert "7 September 2026 to 9 May 2027" in text  # first session to the end of week 35
    assert "15 hours of taught sessions attended" in text  # 6 x 2.5 hours
    assert "Lena Lead" in text
    url = f"http://localhost/certificates/{certificate.code}"
    assert url in text

    # Anyone can open the address: it confirms the name, programme and dates only.
    anonymous = app.test_client()
    page = anonymous.get(f"/certificates/{certificate.code}").get_data(as_text=True)
    assert "Valid certificate" in page
    assert "Aoife Byrne" in page and "Involving People" in page
    assert "7 September 2026 to 9 May 2027" in page
    assert member.user.email not in page and "catch-up" not in page

    # Revoked by the lead (with a reason, audited): it stops confirming.
    revoke = f"/cohorts/autumn/certificates/{certificate.id}/revoke"
    assert lead_browser.post(revoke, data={"reason": ""}).status_code == 400
    response = lead_browser.post(revoke, data={"reason": "Issued by mistake"})
    assert response.status_code == 302
    page = anonymous.get(f"/certificates/{certificate.code}").get_data(as_text=True)
    assert "This certificate has been revoked. It is not valid." in page
    assert "Valid certificate" not in page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.revoked"))
    assert json.loads(event.details)["reason"] == "Issued by mistake"
    assert client_for(member.user).get("/cohorts/autumn/certificate.pdf").status_code == 404
    assert anonymous.get("/certificates/not-a-code").status_code == 404


def test_the_lead_downloads_every_certificate_as_a_zip(
    client_for, cohort, lead, tutor, trainees, tmp_path
):
    for member in trainees[:2]:
        completed_trainee(cohort, lead, tutor, member)
    certificates.issue(cohort, lead.user, TODAY)
    db.session.commit()
    data = client_for(lead.user).get("/cohorts/autumn/certificates.zip").get_data()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = sorted(archive.namelist())
        assert len(names) == 2 and all(n.endswith(".pdf") for n in names)
        texts = [pdf_text(archive.read(n), tmp_path) for n in names]
    assert any("Aoife Byrne" in t for t in texts) and any("Ben Clarke" in t for t in texts)
    # Issuing again gives nobody a second certificate.
    assert certificates.issue(cohort, lead.user, TODAY) == []


def test_only_those_who_completed_get_one(client_for, cohort, lead, tutor, trainees):
    client_for(lead.user).post("/cohorts/autumn/certificates/issue", data={})
    assert certificates.certificates_of(cohort) == {}
    assert client_for(trainees[0].user).get("/cohorts/autumn/certificate.pdf").status_code == 404


def test_certificates_are_in_the_personal_data_download(client_for, cohort, lead, tutor, trainees):
    member = trainees[0]
    completed_trainee(cohort, lead, tutor, member)
    certificates.issue(cohort, lead.user, TODAY)
    db.session.commit()
    data = client_for(member.user).post("/account/personal-data.zip", data={}).get_data()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        found = json.loads(archive.read("personal-data.json"))["sessions"]
    assert found["certificates"][0]["cpd_hours"] == 15.0
    assert found["completion_exceptions"][0]["reason"].startswith("Completed the rest")


def test_erasure_revokes_the_certificate_and_keeps_the_attendance_figures(
    app, cohort, lead, tutor, trainees
):
    from lms.core.privacy import erase_user
    from lms.plugins.sessions import register

    member = trainees[0]
    completed_trainee(cohort, lead, tutor, member)
    (certificate,) = certificates.issue(cohort, lead.user, TODAY)
    db.session.commit()
    erase_user(member.user, lead.user)
    db.session.commit()
    db.session.refresh(certificate)
    assert certificate.name == "Erased" and not certificate.is_valid
    page = app.test_client().get(f"/certificates/{certificate.code}").get_data(as_text=True)
    assert "Aoife" not in page and "has been revoked" in page
    assert len(register.attendance_of(member)) == 7  # the cohort's figures still add up
