"""What can be wrong with a file or a row, and where.

A message is kept in Vietnamese and in English as data (``vi``, ``en``): the rows are read in
another process, rejected rows and warnings are stored with both and written to the XLSX of
rejected rows, and whoever reads them later chooses the language. Each is shown in the
language active when it is shown (:func:`said`), with where it is: the sheet, the row and the
column.

Each pickles (``__reduce__``): parsed rows and their errors cross from the reading process to
the writing one (pipeline.py), and an exception's default pickling would lose the fields.
"""

from functools import partial

from django.utils.translation import get_language
from django.utils.translation import gettext as _


def said(vi: str, en: str) -> str:
    """A message kept in both languages, in the active one (Vietnamese but in English)."""
    return en if (get_language() or "").startswith("en") else vi


def note_text(note: str | dict) -> str:
    """A job's note in the active language (notes of older jobs are one text)."""
    return note if isinstance(note, str) else said(note["vi"], note["en"])


def where(*, sheet: str, row: int, column: str) -> str:
    """ "Danh sách, dòng 12, cột “Ngày sinh”" in the active language."""
    parts = [sheet] if sheet else []
    parts.append(_("dòng %(row)s") % {"row": row})
    if column:
        parts.append(_("cột “%(column)s”") % {"column": column})
    return ", ".join(parts)


class ImportFileError(ValueError):
    """The file cannot be read as a list of persons; nothing of it is imported."""

    def __init__(self, vi: str, en: str) -> None:
        self.vi, self.en = vi, en
        super().__init__(vi, en)

    def __reduce__(self):
        return (type(self), (self.vi, self.en))

    def __str__(self) -> str:
        return said(self.vi, self.en)


class FieldError(ValueError):
    """One cell cannot be read; the row reader adds where it is."""

    def __init__(self, vi: str, en: str) -> None:
        self.vi, self.en = vi, en
        super().__init__(vi, en)

    def __str__(self) -> str:
        return said(self.vi, self.en)


class ImportRowError(ValueError):
    """Why a row is rejected (or, as a warning, what was accepted with a doubt), and where:
    ``ImportRowError(row=1042, column="Ngày sinh", message_vi=…, message_en=…)``."""

    def __init__(
        self, *, row: int, column: str, message_vi: str, message_en: str, sheet: str = ""
    ) -> None:
        self.sheet, self.row, self.column = sheet, row, column
        self.message_vi, self.message_en = message_vi, message_en
        super().__init__(message_vi, message_en)

    def __reduce__(self):
        fields = {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message_vi": self.message_vi,
            "message_en": self.message_en,
        }
        return (partial(type(self), **fields), ())

    @property
    def message(self) -> str:
        return said(self.message_vi, self.message_en)

    def __str__(self) -> str:
        return f"{where(sheet=self.sheet, row=self.row, column=self.column)}: {self.message}"
