"""Certificates of completion: issued to trainees who completed, as PDF (WeasyPrint from
an HTML template), each with a public verification page the lead can revoke."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

from flask import current_app, has_request_context, render_template
from sqlalchemy import select

from lms.core import audit
from lms.core.cohorts import schedule_of
from lms.core.curriculum_loader import programme
from lms.core.links import external_url
from lms.core.models import Cohort, Membership, User, utcnow
from lms.extensions import db
from lms.plugins.sessions import completion
from lms.plugins.sessions.models import Certificate


def lead_name(cohort: Cohort, issuer: User | None) -> str:
    """The name signing the certificate: the issuing lead, else the cohort's first lead."""
    leads = db.session.scalars(
        select(Membership)
        .where(
            Membership.cohort_id == cohort.id,
            Membership.role == "lead",
            Membership.withdrawn_at.is_(None),
        )
        .order_by(Membership.id)
    ).all()
    for lead in leads:
        if issuer is not None and lead.user_id == issuer.id:
            return issuer.full_name
    return leads[0].user.full_name if leads else (issuer.full_name if issuer else "")


def current_certificate(membership: Membership) -> Certificate | None:
    """The member's certificate that is still valid, if any."""
    return db.session.scalar(
        select(Certificate)
        .where(Certificate.membership_id == membership.id, Certificate.revoked_at.is_(None))
        .order_by(Certificate.id.desc())
    )


def certificates_of(cohort: Cohort) -> dict[int, Certificate]:
    """Valid certificates of the cohort's members, by membership id (one query)."""
    rows = db.session.scalars(
        select(Certificate)
        .join(Membership, Membership.id == Certificate.membership_id)
        .where(Membership.cohort_id == cohort.id, Certificate.revoked_at.is_(None))
    )
    return {row.membership_id: row for row in rows}


def issue(cohort: Cohort, by: User, today: date) -> list[Certificate]:
    """A certificate for every trainee who completed and has no valid one yet."""
    course = programme(cohort.programme)
    schedule = schedule_of(cohort)
    held = certificates_of(cohort)
    signer = lead_name(cohort, by)
    issued = []
    for standing in completion.standings(cohort, today):
        member = standing.membership
        if not standing.completed or member.id in held:
            continue
        certificate = Certificate(
            membership_id=member.id,
            name=member.user.full_name,
            programme=course.title,
            cohort_name=cohort.name,
            starts_on=schedule.session_date(1),
            ends_on=schedule.end_date,
            cpd_hours=standing.cpd_hours,
            lead_name=signer,
            issued_by_id=by.id,
        )
        db.session.add(certificate)
        db.session.flush()
        audit.record(
            "certificate.issued",
            by,
            subject=member.user,
            cohort=cohort,
            certificate=certificate.id,
            exception=standing.status == completion.BY_EXCEPTION,
        )
        issued.append(certificate)
    return issued


def revoke(certificate: Certificate, by: User, reason: str) -> None:
    reason = reason.strip()
    if not reason:
        raise ValueError("Enter the reason for revoking the certificate")
    if certificate.revoked_at is not None:
        return
    certificate.revoked_at = utcnow()
    certificate.revoked_reason = reason
    member = certificate.membership
    audit.record(
        "certificate.revoked",
        by,
        subject=member.user if member else None,
        cohort=member.cohort if member else None,
        certificate=certificate.id,
        reason=reason,
    )


def by_code(code: str) -> Certificate | None:
    if not code or len(code) > 40:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == code))


def verification_url(certificate: Certificate) -> str:
    return external_url("sessions.verify", code=certificate.code)


def render_html(certificate: Certificate) -> str:
    """The certificate as HTML (for the PDF); works outside a request too (commands)."""
    if not has_request_context():
        with current_app.test_request_context():
            return render_html(certificate)
    return render_template(
        "sessions/certificate.html",
        certificate=certificate,
        verify_url=verification_url(certificate),
    )


def render_pdf(certificate: Certificate) -> bytes:
    from weasyprint import HTML  # imported on use: it is slow to import

    return HTML(string=render_html(certificate)).write_pdf()


def file_name(certificate: Certificate) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", certificate.name.lower()).strip("-") or "certificate"
    return f"certificate-{slug}-{certificate.id}.pdf"


def archive(cohort: Cohort) -> bytes:
    """Every valid certificate of the cohort as PDFs in one zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        for certificate in sorted(certificates_of(cohort).values(), key=lambda c: c.name):
            zipped.writestr(file_name(certificate), render_pdf(certificate))
    return buffer.getvalue()
