"""Hostile XLSX files, written part by part with zipfile from generators: a file that unpacks
to hundreds of megabytes is made with a few megabytes of memory."""

import zipfile
from collections.abc import Iterable
from pathlib import Path

from openpyxl.utils import get_column_letter

from cancuoc.registry.canonical import HEADERS

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""
PACKAGE_RELS = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Target="xl/workbook.xml"
 Type="{RELS}/officeDocument"/></Relationships>"""
WORKBOOK = f"""<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>
<sheet name="Danh sách" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WORKBOOK_RELS = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="{RELS}/worksheet"/>
<Relationship Id="rId2" Target="sharedStrings.xml" Type="{RELS}/sharedStrings"/>
</Relationships>"""


def xlsx_write(path: Path, rows: Iterable[str], strings: Iterable[str] = ()) -> Path:
    """An XLSX whose one sheet holds ``rows`` (each the XML of one <row>) and whose shared
    strings are ``strings`` (pieces of XML text, joined), each streamed into the zip."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        _stream(
            archive,
            "xl/sharedStrings.xml",
            [f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">', *strings, "</sst>"],
        )
        _stream(
            archive,
            "xl/worksheets/sheet1.xml",
            [
                f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>',
                *rows,
                "</sheetData></worksheet>",
            ],
        )
    return path


def _stream(archive: zipfile.ZipFile, name: str, pieces: Iterable[str]) -> None:
    with archive.open(name, "w", force_zip64=True) as part:
        buffer: list[bytes] = []
        size = 0
        for piece in pieces:
            data = piece.encode()
            buffer.append(data)
            size += len(data)
            if size >= 1 << 20:
                part.write(b"".join(buffer))
                buffer, size = [], 0
        part.write(b"".join(buffer))


def shared_string_bomb(path: Path, megabytes: int = 400) -> Path:
    """The canonical header, one person whose name is one shared string of ``megabytes``."""
    header = "".join(
        f'<c r="{_letter(i)}1" t="inlineStr"><is><t>{h}</t></is></c>' for i, h in enumerate(HEADERS)
    )
    person = (
        '<row r="2"><c r="A2" t="inlineStr"><is><t>B1</t></is></c>'
        '<c r="C2" t="s"><v>0</v></c></row>'
    )
    chunk = "A" * (1 << 20)
    strings = ["<si><t>", *(chunk for _ in range(megabytes)), "</t></si>"]
    return xlsx_write(path, [f'<row r="1">{header}</row>', person], strings)


def headerless_rows(path: Path, count: int = 2_000_000) -> Path:
    """``count`` rows of numbers and no header: the 16.5 MB file of issue 15."""
    rows = (f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, count + 1))
    return xlsx_write(path, rows)


def _letter(index: int) -> str:
    return get_column_letter(index + 1)
