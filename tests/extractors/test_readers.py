"""Every paper format councils publish is read by the real, bounded reader, page by page."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from extractors import analyse_pages
from extractors.isolation import extract_text_isolated
from sendwatch.demo.site import office, papers
from sendwatch.demo.site.word97 import compound_file

KEY = "The council is not on track to meet condition 3 of its safety valve agreement with the DfE."
PAGES = [
    "Westshire County Council\nSchools Forum: Dedicated Schools Grant update",
    f"2. Position at Quarter 2\n{KEY}\nTable 1: DSG position (£m) | 2024/25 | 2025/26\nCumulative deficit | 21.4 | 26.9",
]


def write(tmp_path: Path, fmt: str, pages: list[str] = PAGES, name: str = "paper") -> Path:
    path = tmp_path / name
    path.write_bytes(papers.write(fmt, "DSG update", pages))
    return path


@pytest.mark.parametrize("fmt", ["docx", "odt", "rtf", "doc"])
def test_word_processor_papers_keep_their_pages_and_tables(tmp_path: Path, fmt: str) -> None:
    result = extract_text_isolated(write(tmp_path, fmt), "other", timeout_seconds=60)
    assert (result.state, result.format, len(result.pages)) == ("ok", fmt, 2)
    assert "Schools Forum" in result.pages[0] and KEY not in result.pages[0]
    assert KEY in result.pages[1]
    assert "Cumulative deficit | 21.4 | 26.9" in result.pages[1].splitlines()


@pytest.mark.parametrize("fmt", ["docx", "odt", "rtf", "doc"])
def test_the_key_sentence_is_cited_on_its_page(tmp_path: Path, fmt: str) -> None:
    result = extract_text_isolated(write(tmp_path, fmt), None, timeout_seconds=60)
    analysis = analyse_pages(result.pages, ["Westshire County Council"])
    assert analysis.verdict == "sv_off_track"
    assert analysis.deciding is not None and analysis.deciding.page == 2


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "xls"])
def test_spreadsheets_are_one_page_per_sheet_headed_by_its_name(tmp_path: Path, fmt: str) -> None:
    sheets = [
        "High Needs\nProvision | 2025/26\nIndependent special schools | 14.2",
        "Summary\nLine | Amount\nCumulative deficit | 26.9",
    ]
    result = extract_text_isolated(write(tmp_path, fmt, sheets), None, timeout_seconds=60)
    assert (result.state, result.format) == ("ok", fmt)
    assert result.pages == [
        "High Needs\nProvision | 2025/26\nIndependent special schools | 14.2",
        "Summary\nLine | Amount\nCumulative deficit | 26.9",
    ]


def test_a_csv_table_is_one_page_of_rows(tmp_path: Path) -> None:
    result = extract_text_isolated(write(tmp_path, "csv"), None, content_type="text/csv", timeout_seconds=60)
    assert (result.state, result.format, len(result.pages)) == ("ok", "csv", 1)
    assert "Cumulative deficit | 21.4 | 26.9" in result.pages[0].splitlines()


def test_word_records_of_rendered_pages_are_not_counted_twice_with_explicit_breaks(tmp_path: Path) -> None:
    # The demo's .docx has both: an explicit break and Word's lastRenderedPageBreak after it.
    result = extract_text_isolated(write(tmp_path, "docx", ["one", "two", "three"]), None, timeout_seconds=60)
    assert result.pages == ["one", "two", "three"]


def test_a_word_document_without_page_records_is_one_page_and_its_footnotes_are_kept(tmp_path: Path) -> None:
    document = (
        f'<w:document xmlns:w="{office.W}"><w:body>'
        '<w:p><w:r><w:t>The forecast deficit is £6.2m.</w:t></w:r><w:r><w:footnoteReference w:id="2"/></w:r></w:p>'
        "<w:p><w:del><w:r><w:delText>This sentence was deleted.</w:delText></w:r></w:del>"
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>shown result</w:t></w:r></w:p>'
        "</w:body></w:document>"
    )
    notes = (
        f'<w:footnotes xmlns:w="{office.W}"><w:footnote w:type="separator" w:id="0"><w:p><w:r><w:t>--</w:t></w:r></w:p></w:footnote>'
        '<w:footnote w:id="2"><w:p><w:r><w:t>Figures from the Quarter 2 return.</w:t></w:r></w:p></w:footnote></w:footnotes>'
    )
    rels = (
        f'<Relationships xmlns="{office.PACKAGE_RELS}"><Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>'
    )
    path = tmp_path / "note.docx"
    path.write_bytes(
        _zip(
            {
                "[Content_Types].xml": _DOCX_TYPES,
                "word/document.xml": document,
                "word/footnotes.xml": notes,
                "word/_rels/document.xml.rels": rels,
            }
        )
    )
    result = extract_text_isolated(path, None, timeout_seconds=60)
    assert result.state == "ok"
    assert result.pages == ["The forecast deficit is £6.2m.\n\nshown result\n\nFigures from the Quarter 2 return."]


def test_excel_cells_show_dates_and_pound_formats_as_the_sheet_does(tmp_path: Path) -> None:
    styles = (
        f'<styleSheet xmlns="{office.S}"><numFmts count="1"><numFmt numFmtId="164" formatCode="&quot;£&quot;#,##0.0"/></numFmts>'
        '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/></cellXfs></styleSheet>'
    )
    sheet = (
        f'<worksheet xmlns="{office.S}"><sheetData><row r="2"><c r="B2" t="inlineStr"><is><t>Meeting</t></is></c>'
        '<c r="C2" s="1"><v>46051</v></c><c r="D2" s="2"><v>4100000</v></c><c r="E2" t="b"><v>1</v></c></row></sheetData></worksheet>'
    )
    workbook = f'<workbook xmlns="{office.S}" xmlns:r="{office.R}"><sheets><sheet name="Budget" sheetId="1" r:id="rId1"/></sheets></workbook>'
    rels = (
        f'<Relationships xmlns="{office.PACKAGE_RELS}"><Relationship Id="rId1" Type="{office.R}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{office.R}/styles" Target="styles.xml"/></Relationships>'
    )
    path = tmp_path / "budget.xlsx"
    path.write_bytes(
        _zip(
            {
                "[Content_Types].xml": _XLSX_TYPES,
                "xl/workbook.xml": workbook,
                "xl/_rels/workbook.xml.rels": rels,
                "xl/worksheets/sheet1.xml": sheet,
                "xl/styles.xml": styles,
            }
        )
    )
    result = extract_text_isolated(path, None, timeout_seconds=60)
    assert result.pages == ["Budget\n | Meeting | 2026-01-29 | £4,100,000.0 | TRUE"]


@pytest.mark.parametrize(
    "entries, what",
    [
        ({"ppt/presentation.xml": "<x/>"}, "PowerPoint presentation"),
        ({"mimetype": "application/vnd.oasis.opendocument.presentation"}, "OpenDocument presentation"),
    ],
)
def test_formats_that_are_not_read_are_unsupported_and_say_what_they_are(
    tmp_path: Path, entries: dict[str, str], what: str
) -> None:
    path = tmp_path / "Document.ashx"
    path.write_bytes(_zip(entries))
    result = extract_text_isolated(path, "pdf", content_type="application/octet-stream", timeout_seconds=60)
    assert result.state == "unsupported"
    assert what in (result.error or "")


def test_an_old_powerpoint_file_is_unsupported(tmp_path: Path) -> None:
    path = tmp_path / "slides.ppt"
    path.write_bytes(compound_file({"PowerPoint Document": b"\x00" * 4096}))
    result = extract_text_isolated(path, None, content_type="application/vnd.ms-powerpoint", timeout_seconds=60)
    assert (result.state, result.format) == ("unsupported", "ppt")


def test_a_damaged_excel_97_workbook_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "budget.xls"
    path.write_bytes(compound_file({"Workbook": b"\x09\x08\x10\x00" + b"\xff" * 4092}))
    result = extract_text_isolated(path, None, content_type="application/vnd.ms-excel", timeout_seconds=60)
    assert (result.state, result.format) == ("corrupt", "xls")


def test_a_password_protected_office_file_is_encrypted(tmp_path: Path) -> None:
    path = tmp_path / "exempt.docx"
    path.write_bytes(compound_file({"EncryptionInfo": b"\x00" * 4096, "EncryptedPackage": b"\x00" * 4096}))
    result = extract_text_isolated(path, None, timeout_seconds=60)
    assert result.state == "encrypted" and "password" in (result.error or "")


# --------------------------------------------------------------------------- hostile and broken files


def test_a_zip_bomb_is_too_large_and_the_reader_goes_on(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _DOCX_TYPES)
        with archive.open("word/document.xml", "w") as part:  # 200 MB of spaces, about 200 KB packed
            part.write(f'<w:document xmlns:w="{office.W}"><w:body>'.encode())
            for _ in range(200):
                part.write(b" " * (1024 * 1024))
    bomb.write_bytes(buffer.getvalue())
    assert bomb.stat().st_size < 1024 * 1024
    result = extract_text_isolated(bomb, None, timeout_seconds=60, memory_mb=256)
    assert result.state == "too_large"
    assert "inflates to" in (result.error or "")
    assert extract_text_isolated(write(tmp_path, "docx"), None, timeout_seconds=60).state == "ok"


def test_entities_are_never_expanded(tmp_path: Path) -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "lol lol lol lol lol lol lol lol lol lol">'
        + "".join(f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">' for n in range(8))
        + f']><w:document xmlns:w="{office.W}"><w:body><w:p><w:r><w:t>&i;</w:t></w:r></w:p></w:body></w:document>'
    )
    path = tmp_path / "laughs.docx"
    path.write_bytes(_zip({"[Content_Types].xml": _DOCX_TYPES, "word/document.xml": laughs}))
    result = extract_text_isolated(path, None, timeout_seconds=60, memory_mb=256)
    assert result.state in ("ok", "corrupt")
    assert result.char_count < 1000


@pytest.mark.parametrize("fmt", ["docx", "odt", "xlsx", "ods"])
def test_a_package_cut_short_is_corrupt(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "cut"
    path.write_bytes(papers.write(fmt, "Report", PAGES)[:-200])
    result = extract_text_isolated(path, None, timeout_seconds=60)
    assert result.state == "corrupt"


@pytest.mark.parametrize("fmt", ["doc", "xls"])
@pytest.mark.parametrize("kept", [0.3, 0.6, 0.9])
def test_a_legacy_office_file_cut_short_is_corrupt_not_an_unknown_format(tmp_path: Path, fmt: str, kept: float) -> None:
    # The directory and allocation table are often written last: without them the file is a
    # compound file of no known kind, and "unsupported" would hide a download to fetch again.
    whole = papers.write(fmt, "Report", PAGES)
    path = tmp_path / "cut"
    path.write_bytes(whole[: int(len(whole) * kept)])
    result = extract_text_isolated(path, None, timeout_seconds=60)
    assert result.state == "corrupt" and "cut short" in (result.error or "")


def test_malformed_xml_is_corrupt_with_the_part_named(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(_zip({"[Content_Types].xml": _DOCX_TYPES, "word/document.xml": "<w:document><w:body><w:p>"}))
    result = extract_text_isolated(path, None, timeout_seconds=60)
    assert result.state == "corrupt" and "word/document.xml" in (result.error or "")


def test_a_damaged_word_97_file_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "damaged.doc"
    path.write_bytes(compound_file({"WordDocument": b"\xec\xa5\xc1\x00" + b"\x00" * 4092}))
    result = extract_text_isolated(path, None, timeout_seconds=60)
    assert result.state == "corrupt"


def test_a_broken_rtf_file_is_read_or_corrupt_never_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "broken.rtf"
    path.write_bytes(b"{\\rtf1\\ansi {\\fonttbl \\'zz \\u-99999999999? unclosed {{{ The Forum met.")
    assert extract_text_isolated(path, None, timeout_seconds=60).state in ("ok", "corrupt")


_DOCX_TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_XLSX_TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'
)


def _zip(entries: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in entries.items():
            archive.writestr(name, text)
    return buffer.getvalue()
