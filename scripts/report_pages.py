"""Page images of the demo cohort's evaluation report (DOCX), as LibreOffice prints it.

    python scripts/report_pages.py [--today 2026-11-18] [--out docs/screenshots] [--pages 3]

Builds the demo cohort in a throwaway SQLite database with today's date pinned (as
`scripts/screenshots.py` does), writes the report with `lms evaluation report`'s code,
converts it to PDF with `soffice --headless` and renders the first pages with
`pdftoppm -png -r 60` into <out>/evaluation-report-<n>.png. Needs LibreOffice
(libreoffice-writer-nogui) and poppler-utils.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from screenshots import PINNED_TODAY  # noqa: E402 - after the path is set


def report_docx(folder: Path, today: date) -> Path:
    from lms import create_app
    from lms.core.demo import create_demo
    from lms.extensions import db
    from lms.migrations_support import upgrade_database
    from lms.plugins.evaluation import exports, figures

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/report.sqlite3",
            "SECRET_KEY": "report-pages-only",
            "TODAY": today.isoformat(),
            "MAIL_BACKEND": "memory",
        }
    )
    with app.app_context():
        upgrade_database()
        cohort, _ = create_demo(today)
        db.session.commit()
        path = folder / "evaluation-report.docx"
        path.write_bytes(exports.report_docx(figures.build_report(cohort)))
    return path


def page_images(docx: Path, out: Path, pages: int) -> list[Path]:
    folder = docx.parent
    subprocess.run(  # noqa: S603 - fixed command, our own file
        [
            shutil.which("soffice") or "soffice",
            f"-env:UserInstallation=file://{folder}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(docx),
        ],
        check=True,
        capture_output=True,
    )
    prefix = folder / "page"
    subprocess.run(  # noqa: S603 - fixed command
        [
            shutil.which("pdftoppm") or "pdftoppm",
            *("-png", "-r", "60", "-l", str(pages)),
            str(docx.with_suffix(".pdf")),
            prefix,
        ],
        check=True,
    )
    made = []
    for number, image in enumerate(sorted(folder.glob("page-*.png")), start=1):
        target = out / f"evaluation-report-{number}.png"
        shutil.copyfile(image, target)
        made.append(target)
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--today", type=date.fromisoformat, default=PINNED_TODAY)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--pages", type=int, default=3)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        docx = report_docx(Path(tmp), args.today)
        for path in page_images(docx, args.out, args.pages):
            print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


if __name__ == "__main__":
    main()
