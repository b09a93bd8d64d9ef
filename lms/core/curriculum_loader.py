"""Reading a programme folder into `lms.core.curriculum` models, with located errors."""

from __future__ import annotations

import logging
import time
from math import inf
from pathlib import Path

import yaml
from flask import Flask, current_app, has_request_context, request
from pydantic import BaseModel, ValidationError

from lms.core.curriculum import (
    CRITERION_PARAMETERS,
    GIBBS_CYCLE,
    REQUIRED_PURPOSES,
    WEEK_FILE,
    ConsentFile,
    CurriculumError,
    CurriculumInvalid,
    ParticipantInformation,
    Programme,
    ProgrammeFile,
    SurveyInstrument,
    Week,
    WeekFile,
)

log = logging.getLogger(__name__)


_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _parse(text: str, loader_class) -> tuple[object, yaml.Node | None]:
    """The document's data and its node tree (for line numbers), from one parse."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    finally:
        loader.dispose()


class _Source:
    """One YAML document and where each of its fields sits in the file."""

    def __init__(self, path: Path, root: Path, text: str, first_line: int = 1):
        self.path = path
        self.name = str(path.relative_to(root.parent)) if root in path.parents else str(path)
        self.text = text
        self.first_line = first_line

    def load(self, errors: list[CurriculumError]) -> tuple[object, yaml.Node | None]:
        # libyaml parses the curriculum some 20 times faster than PyYAML's pure-Python
        # parser (the app loads it at every start). Invalid files are parsed again in pure
        # Python so that authors get the same messages as always.
        if _FAST_LOADER is not yaml.SafeLoader:
            try:
                return _parse(self.text, _FAST_LOADER)
            except yaml.YAMLError:
                pass
        try:
            return _parse(self.text, yaml.SafeLoader)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = self.first_line + (mark.line if mark else 0)
            problem = getattr(error, "problem", None) or str(error)
            errors.append(CurriculumError(self.name, line, "", f"invalid YAML: {problem}"))
            return None, None

    def line_of(self, node: yaml.Node | None, loc: tuple) -> int:
        """The line of the deepest node the location path reaches."""
        line = node.start_mark.line if node is not None else 0
        for key in loc:
            if isinstance(node, yaml.MappingNode):
                match = next((v for k, v in node.value if k.value == key), None)
                if match is None:
                    break
                node = match
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
                if key >= len(node.value):
                    break
                node = node.value[key]
            else:
                break
            line = node.start_mark.line
        return self.first_line + line

    def validate(self, model: type[BaseModel], data, node, errors) -> BaseModel | None:
        if not isinstance(data, dict):
            errors.append(
                CurriculumError(self.name, self.first_line, "", "expected a mapping of fields")
            )
            return None
        try:
            return model.model_validate(data)
        except ValidationError as invalid:
            for problem in invalid.errors():
                loc = tuple(problem["loc"])
                field = ".".join(str(part) for part in loc)
                message = problem["msg"]
                if problem["type"] == "missing":
                    message = "this field is required"
                elif problem["type"] == "extra_forbidden":
                    message = "unknown field"
                errors.append(CurriculumError(self.name, self.line_of(node, loc), field, message))
            return None


def _split_front_matter(path: Path, root: Path, errors) -> tuple[_Source | None, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        errors.append(CurriculumError(_Source(path, root, "").name, 1, "", f"not UTF-8: {error}"))
        return None, ""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        errors.append(
            CurriculumError(
                _Source(path, root, "").name, 1, "", "must start with '---' front matter"
            )
        )
        return None, ""
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            front = "".join(lines[1:index])
            body = "".join(lines[index + 1 :])
            return _Source(path, root, front, first_line=2), body
    errors.append(
        CurriculumError(_Source(path, root, "").name, 1, "", "front matter is not closed by '---'")
    )
    return None, ""


def load_programme(folder: Path | str) -> Programme:
    """Load and validate a programme folder; raise `CurriculumInvalid` listing every error."""
    folder = Path(folder)
    errors: list[CurriculumError] = []
    programme_path = folder / "programme.yaml"
    if not programme_path.is_file():
        raise CurriculumInvalid([CurriculumError(str(programme_path), 1, "", "file not found")])
    source = _Source(programme_path, folder, programme_path.read_text(encoding="utf-8"))
    data, node = source.load(errors)
    programme = source.validate(ProgrammeFile, data, node, errors) if data is not None else None

    instruments = _load_instruments(folder, errors)
    weeks = _load_weeks(folder, programme, errors)
    consent = _load_consent(folder, errors)

    if programme is not None:
        for index, wave in enumerate(programme.survey_waves):
            loc = ("survey_waves", index)
            if wave.instrument not in instruments:
                errors.append(
                    CurriculumError(
                        source.name,
                        source.line_of(node, (*loc, "instrument")),
                        f"survey_waves.{index}.instrument",
                        f"no instrument {wave.instrument!r} in surveys/",
                    )
                )
            if not wave.opens_week <= wave.closes_week <= programme.weeks:
                errors.append(
                    CurriculumError(
                        source.name,
                        source.line_of(node, (*loc, "closes_week")),
                        f"survey_waves.{index}",
                        f"the wave must open and close within weeks 1..{programme.weeks}"
                        ", opening first",
                    )
                )
    if programme is not None and programme.completion is not None:
        errors.extend(_completion_problems(programme, source, node))
    if errors or programme is None or consent is None:
        raise CurriculumInvalid(sorted(errors, key=lambda e: (e.file, e.line)))
    return Programme(
        slug=programme.slug,
        title=programme.title,
        summary=programme.summary,
        number_of_weeks=programme.weeks,
        phases=tuple(programme.phases),
        survey_waves=tuple(programme.survey_waves),
        weeks=tuple(weeks),
        instruments=instruments,
        consent=consent,
        completion=programme.completion,
    )


def _an(word: str) -> str:
    return ("an " if word[0] in "aeiou" else "a ") + word


def _completion_problems(programme: ProgrammeFile, source: _Source, node):
    """What pydantic cannot see alone: each criterion's parameter, against the programme."""
    completion = programme.completion
    waves = {wave.wave for wave in programme.survey_waves}
    seen: set[str] = set()

    def error(loc: tuple, message: str) -> CurriculumError:
        field = ".".join(str(part) for part in ("completion", *loc))
        return CurriculumError(
            source.name, source.line_of(node, ("completion", *loc)), field, message
        )

    if completion.at_risk_from_week > programme.weeks:
        yield error(("at_risk_from_week",), f"must be within weeks 1..{programme.weeks}")
    for index, criterion in enumerate(completion.criteria):
        loc = ("criteria", index)
        if criterion.id in seen:
            yield error((*loc, "id"), f"criterion {criterion.id!r} is listed more than once")
        seen.add(criterion.id)
        needed = CRITERION_PARAMETERS[criterion.kind]
        for parameter in CRITERION_PARAMETERS.values():
            value = getattr(criterion, parameter)
            if parameter == needed and value is None:
                yield error(loc, f"{_an(criterion.kind)} criterion needs {needed}")
            elif parameter != needed and value is not None:
                yield error((*loc, parameter), f"not used by {_an(criterion.kind)} criterion")
        if criterion.kind == "reflections" and (criterion.min_submitted or 0) > programme.weeks:
            yield error((*loc, "min_submitted"), f"the programme has only {programme.weeks} weeks")
        if criterion.kind == "initiative_review" and (criterion.from_week or 0) > programme.weeks:
            yield error((*loc, "from_week"), f"must be within weeks 1..{programme.weeks}")
        if criterion.kind == "survey" and criterion.wave and criterion.wave not in waves:
            yield error(
                (*loc, "wave"),
                f"no {criterion.wave!r} wave in survey_waves (there: {', '.join(sorted(waves))})",
            )


def _load_consent(folder: Path, errors) -> ParticipantInformation | None:
    """`consent.md`: the participant information for the evaluation, with the purposes a
    member answers separately. The product relies on REQUIRED_PURPOSES being there."""
    path = folder / "consent.md"
    if not path.is_file():
        errors.append(
            CurriculumError(
                _Source(path, folder, "").name,
                1,
                "",
                "file not found: the participant "
                "information for the evaluation (front matter with its purposes)",
            )
        )
        return None
    source, body = _split_front_matter(path, folder, errors)
    if source is None:
        return None
    data, node = source.load(errors)
    parsed = source.validate(ConsentFile, data, node, errors) if data is not None else None
    if parsed is None:
        return None
    problems = len(errors)
    ids = [purpose.id for purpose in parsed.purposes]
    for index, purpose_id in enumerate(ids):
        if ids.count(purpose_id) > 1:
            errors.append(
                CurriculumError(
                    source.name,
                    source.line_of(node, ("purposes", index, "id")),
                    f"purposes.{index}.id",
                    f"purpose {purpose_id!r} is listed more than once",
                )
            )
    for required in REQUIRED_PURPOSES:
        if required not in ids:
            errors.append(
                CurriculumError(
                    source.name,
                    source.line_of(node, ("purposes",)),
                    "purposes",
                    f"purpose {required!r} is missing (needed: {', '.join(REQUIRED_PURPOSES)})",
                )
            )
    if not body.strip():
        errors.append(CurriculumError(source.name, 1, "", "the information itself is empty"))
    if len(errors) > problems:
        return None
    return ParticipantInformation(
        title=parsed.title,
        version=parsed.version,
        evaluator=parsed.evaluator,
        contact=parsed.contact,
        purposes=tuple(parsed.purposes),
        body_markdown=body,
    )


def _load_weeks(folder: Path, programme: ProgrammeFile | None, errors) -> list[Week]:
    weeks_folder = folder / "weeks"
    phases = {phase.id: phase for phase in programme.phases} if programme else {}
    found: dict[int, tuple[str, Week]] = {}
    paths = sorted(weeks_folder.glob("*.md")) if weeks_folder.is_dir() else []
    for path in paths:
        source, body = _split_front_matter(path, folder, errors)
        if source is None:
            continue
        data, node = source.load(errors)
        if data is None:
            continue
        parsed = source.validate(WeekFile, data, node, errors)
        if parsed is None:
            continue
        match = WEEK_FILE.match(path.name)
        if match is None or int(match.group(1)) != parsed.week:
            errors.append(
                CurriculumError(
                    source.name,
                    source.line_of(node, ("week",)),
                    "week",
                    f"the file name must start with {parsed.week:02d}- "
                    "and be lower-case-with-hyphens.md",
                )
            )
        if programme is not None and parsed.phase not in phases:
            errors.append(
                CurriculumError(
                    source.name,
                    source.line_of(node, ("phase",)),
                    "phase",
                    f"unknown phase {parsed.phase!r}; known: {', '.join(phases)}",
                )
            )
            continue
        if parsed.week in found:
            errors.append(
                CurriculumError(
                    source.name,
                    source.line_of(node, ("week",)),
                    "week",
                    f"week {parsed.week} is also defined in {found[parsed.week][0]}",
                )
            )
            continue
        week = Week(
            number=parsed.week,
            slug=path.stem[3:],
            title=parsed.title,
            phase=phases.get(parsed.phase),
            learning_outcomes=tuple(parsed.learning_outcomes),
            reading=tuple(parsed.reading),
            activities=tuple(parsed.activities),
            prompts=tuple(parsed.reflection_prompts or GIBBS_CYCLE),
            due=tuple(parsed.due),
            reflection_due_days=(
                parsed.reflection_due_days
                if parsed.reflection_due_days is not None
                else (programme.reflection_due_days if programme else 6)
            ),
            body_markdown=body,
        )
        found[parsed.week] = (source.name, week)
    if programme is not None:
        expected = set(range(1, programme.weeks + 1))
        missing = sorted(expected - set(found))
        extra = sorted(set(found) - expected)
        where = str(weeks_folder.relative_to(folder.parent))
        if missing:
            errors.append(
                CurriculumError(
                    where,
                    1,
                    "weeks",
                    f"the programme has {programme.weeks} weeks but "
                    f"these are missing: {_ranges(missing)}",
                )
            )
        if extra:
            errors.append(
                CurriculumError(
                    where,
                    1,
                    "weeks",
                    f"weeks beyond the programme's {programme.weeks}: {_ranges(extra)}",
                )
            )
    return [found[number][1] for number in sorted(found)]


def _load_instruments(folder: Path, errors) -> dict[str, SurveyInstrument]:
    instruments: dict[str, SurveyInstrument] = {}
    surveys = folder / "surveys"
    for path in sorted(surveys.glob("*.yaml")) if surveys.is_dir() else []:
        source = _Source(path, folder, path.read_text(encoding="utf-8"))
        data, node = source.load(errors)
        if data is None:
            continue
        instrument = source.validate(SurveyInstrument, data, node, errors)
        if instrument is None:
            continue
        for problem_loc, message in _instrument_problems(instrument):
            errors.append(
                CurriculumError(
                    source.name,
                    source.line_of(node, problem_loc),
                    ".".join(map(str, problem_loc)),
                    message,
                )
            )
        if path.stem != instrument.id:
            errors.append(
                CurriculumError(
                    source.name,
                    source.line_of(node, ("id",)),
                    "id",
                    f"the id must match the file name ({path.stem})",
                )
            )
        instruments[instrument.id] = instrument
    return instruments


def _instrument_problems(instrument: SurveyInstrument):
    ids = [item.id for item in instrument.items]
    for index, item in enumerate(instrument.items):
        if ids.count(item.id) > 1:
            yield ("items", index, "id"), f"item id {item.id!r} is used more than once"
        if item.type == "likert" and (item.labels is None or len(item.labels) != 5):
            yield ("items", index, "labels"), "a likert item needs exactly 5 labels"
        if item.type == "scale" and (item.min is None or item.max is None or item.min >= item.max):
            yield ("items", index), "a scale item needs min and max, with min below max"
    for index, item_id in enumerate(instrument.confidence_scale):
        item = instrument.items_by_id.get(item_id)
        if item is None or item.type == "text":
            yield ("confidence_scale", index), f"{item_id!r} is not a likert or scale item"


def _ranges(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def check_curriculum(folder: Path | str) -> list[CurriculumError]:
    try:
        load_programme(folder)
    except CurriculumInvalid as invalid:
        return invalid.errors
    return []


class CurriculumStore:
    """Programmes by slug, re-read when any of their files changes (no restart needed).

    Looking at every file's date costs more than a light page, so a programme's files
    are looked at again only `recheck_seconds` after the last look: an edit shows within
    that time (0 looks on every request)."""

    def __init__(self, root: Path, recheck_seconds: float = 0.0):
        self.root = root
        self.recheck_seconds = recheck_seconds
        self._cache: dict[str, tuple[tuple, Programme]] = {}
        self._checked: dict[str, float] = {}

    def slugs(self) -> list[str]:
        return sorted(p.name for p in self.root.iterdir() if (p / "programme.yaml").is_file())

    def _fingerprint(self, folder: Path) -> tuple:
        return tuple(
            (str(path), path.stat().st_mtime_ns, path.stat().st_size)
            for path in sorted(folder.rglob("*"))
            if path.is_file()
        )

    def get(self, slug: str) -> Programme:
        # Pages ask for the programme dozens of times (once per week shown); looking at
        # every file each time cost more than the page. Within a request, look once.
        seen = request.environ.setdefault("lms.curriculum", {}) if has_request_context() else {}
        if slug in seen:
            return seen[slug]
        seen[slug] = self._get(slug)
        return seen[slug]

    def _get(self, slug: str) -> Programme:
        cached = self._cache.get(slug)
        now = time.monotonic()
        if cached is not None and now - self._checked.get(slug, -inf) < self.recheck_seconds:
            return cached[1]
        folder = self.root / slug
        if "/" in slug or not (folder / "programme.yaml").is_file():
            raise KeyError(slug)
        self._checked[slug] = now
        fingerprint = self._fingerprint(folder)
        cached = self._cache.get(slug)
        if cached is None or cached[0] != fingerprint:
            try:
                cached = (fingerprint, load_programme(folder))
            except CurriculumInvalid as invalid:
                if cached is None:
                    raise
                # A half-saved edit must not take the site down: keep the last good copy.
                log.error(
                    "Curriculum %s is invalid; still serving the last good copy:\n%s", slug, invalid
                )
                return cached[1]
            self._cache[slug] = cached
        return cached[1]


def init_curriculum(app: Flask) -> None:
    """Load every programme once at start: the app refuses to start on invalid content."""
    store = CurriculumStore(
        Path(app.config["CURRICULUM_PATH"]), float(app.config["CURRICULUM_RECHECK_SECONDS"])
    )
    for slug in store.slugs():
        store.get(slug)
    app.extensions["lms_curriculum"] = store


def programme(slug: str) -> Programme:
    return current_app.extensions["lms_curriculum"].get(slug)


def programme_slugs() -> list[str]:
    return current_app.extensions["lms_curriculum"].slugs()
