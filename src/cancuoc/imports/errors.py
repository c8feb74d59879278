"""What can be wrong with a file or a row, said in Vietnamese and English, with where.

Each pickles (``__reduce__``): parsed rows and their errors cross from the reading process to
the writing one (pipeline.py), and an exception's default pickling would lose the fields.
"""

from functools import partial


class ImportFileError(ValueError):
    """The file cannot be read as a list of persons; nothing of it is imported."""

    def __init__(self, vi: str, en: str) -> None:
        self.vi, self.en = vi, en
        super().__init__(f"{vi} / {en}")

    def __reduce__(self):
        return (type(self), (self.vi, self.en))


class FieldError(ValueError):
    """One cell cannot be read; the row reader adds where it is."""

    def __init__(self, vi: str, en: str) -> None:
        self.vi, self.en = vi, en
        super().__init__(f"{vi} / {en}")


class ImportRowError(ValueError):
    """Why a row is rejected (or, as a warning, what was accepted with a doubt), and where:
    ``ImportRowError(row=1042, column="Ngày sinh", message_vi=…, message_en=…)``."""

    def __init__(
        self, *, row: int, column: str, message_vi: str, message_en: str, sheet: str = ""
    ) -> None:
        self.sheet, self.row, self.column = sheet, row, column
        self.message_vi, self.message_en = message_vi, message_en
        super().__init__(str(self))

    def __reduce__(self):
        fields = {"sheet": self.sheet, "row": self.row, "column": self.column,
                  "message_vi": self.message_vi, "message_en": self.message_en}  # fmt: skip
        return (partial(type(self), **fields), ())

    @property
    def message(self) -> str:
        return f"{self.message_vi} / {self.message_en}"

    def __str__(self) -> str:
        where = f"{self.sheet}, " if self.sheet else ""
        column = f", cột/column “{self.column}”" if self.column else ""
        return f"{where}dòng/row {self.row}{column}: {self.message}"
