"""The survey form is built from the instrument, so it is rendered with the GOV.UK
macros directly (radios, character count) and checked by `services.check_answers`.

`AnswerErrors` lets base.html show the GOV.UK error summary (and the "Error:" title)
for those checks, exactly as it does for a WTForms form."""

from __future__ import annotations


class AnswerErrors:
    """Quacks like a WTForms form for `wtforms_errors`: ``{field id: [message]}``."""

    _fields: dict = {}

    def __init__(self, errors: dict[str, str]):
        self.errors = {key: [message] for key, message in errors.items()}

    def __bool__(self) -> bool:
        return True
