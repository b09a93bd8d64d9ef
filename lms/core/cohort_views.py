"""Cohort pages: schedule, weeks, members, tutor groups, roster."""

from flask import Blueprint

bp = Blueprint("cohorts", __name__, url_prefix="/cohorts")
