from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cancuoc.geo.selectors import UnitNotFound, unit_by_code
from cancuoc.reports.weekly import PdfUnavailable, to_pdf, weekly_docx, weekly_figures, weekly_xlsx


class Command(BaseCommand):
    help = (
        "Báo cáo tuần / weekly report: `report weekly --unit 38 --as-of DATE --out DIR` writes "
        "DOCX, XLSX annex and PDF. Schedule it weekly with cron (README)."
    )

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        weekly = sub.add_parser("weekly")
        weekly.add_argument("--unit", required=True)
        weekly.add_argument("--as-of", type=date.fromisoformat, default=date.today())
        weekly.add_argument("--out", type=Path, required=True)

    def handle(self, *args, action, unit, as_of, out, **options) -> None:
        try:
            area = unit_by_code(unit)
        except UnitNotFound as error:
            raise CommandError(str(error)) from error
        out.mkdir(parents=True, exist_ok=True)
        figures = weekly_figures(area, as_of)
        name = f"bao-cao-tuan-{area.code}-{as_of:%Y%m%d}"
        docx = weekly_docx(figures, out / f"{name}.docx")
        written = [docx, weekly_xlsx(figures, out / f"{name}.xlsx")]
        try:
            written.append(to_pdf(docx, out))
        except PdfUnavailable as error:
            self.stderr.write(f"PDF: {error}")
        for path in written:
            self.stdout.write(f"→ {path}")
