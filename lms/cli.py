"""The `lms` console script: Flask's CLI bound to the app factory."""

import click
from flask.cli import FlaskGroup

from lms import create_app
from lms.core.cli_commands import curriculum_group


def _create_app():
    from lms.core.curriculum import CurriculumInvalid

    try:
        return create_app()
    except CurriculumInvalid as invalid:
        raise click.ClickException(
            "The curriculum is invalid, so the app will not start. Fix these and try again:\n"
            + str(invalid)
        ) from None


def main() -> None:
    cli = FlaskGroup(create_app=_create_app, help="Involving People LMS")
    # Added here rather than by the app, so a broken curriculum can still be checked.
    cli.add_command(curriculum_group)
    cli.main(prog_name="lms")
