"""Hostile plan text: mixed line endings, full-width digits and punctuation, zero-width characters,
zip bombs dressed as .docx. The extractor still finds the items, and every span indexes the text as
given. (Encodings, the 200 MB refusal, binary and empty files are in tests/test_extract_documents.py.)

The items of the bundled plan serve as the reference: each test transforms the plan's text and
compares with what the untouched text gives, so nothing here hard-codes a sentence or a count.
"""
from __future__ import annotations

import io
import unicodedata
import zipfile
from pathlib import Path

import pytest

from geo.extract import ExtractError, extract_file, extract_text
from geo.extract.documents import decode_document
from geo.importer import ImportRefused, plan_import

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "data" / "plans" / "dongcheng-2020-work-plan.txt"


@pytest.fixture(scope="module")
def reference():
    doc, items = extract_file(PLAN)
    assert len(items) > 10
    return doc, items


def _spans_index_the_text(doc, items):
    for item in items:
        start, end = item["span"]
        assert doc.text[start:end] == item["text"], item["id"]


def _mixed_line_endings(text: str) -> str:
    seps = ["\r\n", "\r", "\n"]
    return "".join(line + seps[i % 3] for i, line in enumerate(text.split("\n")))


@pytest.mark.parametrize("through_file", [True, False])
def test_mixed_line_endings_give_the_same_items(reference, tmp_path, through_file):
    ref_doc, ref_items = reference
    mixed = _mixed_line_endings(ref_doc.text)
    assert "\r\n" in mixed and "\r" in mixed.replace("\r\n", "")
    if through_file:
        path = tmp_path / "plan.txt"
        path.write_bytes(mixed.encode("utf-8"))
        doc, items = extract_file(path, plan_id=ref_doc.plan_id)
    else:  # a caller handing text with CRs straight to the extractor
        doc, items = extract_text(mixed, plan_id=ref_doc.plan_id)
        assert doc.text == mixed
    assert [i["id"] for i in items] == [i["id"] for i in ref_items]
    assert [i["name"] for i in items] == [i["name"] for i in ref_items]
    _spans_index_the_text(doc, items)


_FULL_WIDTH = str.maketrans("0123456789,;:()%", "０１２３４５６７８９，；：（）％")


def test_full_width_digits_and_punctuation(reference):
    ref_doc, ref_items = reference
    text = ref_doc.text.translate(_FULL_WIDTH)
    assert text != ref_doc.text
    doc, items = extract_text(text, plan_id=ref_doc.plan_id)
    assert doc.text == text
    _spans_index_the_text(doc, items)
    assert len(items) == len(ref_items)
    for got, ref in zip(items, ref_items):
        assert got["category"] == ref["category"] and got["quantity"] == ref["quantity"], (got["name"], ref["name"])
        assert got["budget_wan"] == ref["budget_wan"]
        # names are kept as written; they mean the same once width is normalised
        assert unicodedata.normalize("NFKC", got["name"]) == unicodedata.normalize("NFKC", ref["name"])


def test_full_width_quantity_in_a_sentence_of_its_own():
    text = "某镇2021年工作计划\n一、基础设施\n全年新建５Ｇ基站６０个，完成道路硬化１２．５公里。\n"
    doc, items = extract_text(text, plan_id="fw")
    _spans_index_the_text(doc, items)
    telecom = [i for i in items if i["category"] == "telecom"]
    assert telecom and telecom[0]["quantity"] == {"value": 60, "unit": "个", "qualifier": None}
    assert "５Ｇ基站６０个" in telecom[0]["text"]


_ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]


def _sprinkle(text: str) -> str:
    """A zero-width character after every 5th CJK character, cycling through the kinds."""
    out, n = [], 0
    for ch in text:
        out.append(ch)
        if "\u4e00" <= ch <= "\u9fff":
            n += 1
            if n % 5 == 0:
                out.append(_ZERO_WIDTH[(n // 5) % len(_ZERO_WIDTH)])
    return "".join(out)


def test_zero_width_characters_inside_words_are_ignored_and_spans_index_the_original(reference):
    ref_doc, ref_items = reference
    text = _sprinkle(ref_doc.text)
    doc, items = extract_text(text, plan_id=ref_doc.plan_id)
    assert doc.text == text
    assert [i["id"] for i in items] == [i["id"] for i in ref_items]  # ids stable: same items
    assert [i["name"] for i in items] == [i["name"] for i in ref_items]  # names without the invisible characters
    _spans_index_the_text(doc, items)
    assert any(any(z in i["text"] for z in _ZERO_WIDTH) for i in items), "spans cover the original characters"
    for got, ref in zip(items, ref_items):
        assert "".join(ch for ch in got["text"] if ch not in _ZERO_WIDTH) == ref["text"]


def test_zero_width_through_a_file_with_crlf(reference, tmp_path):
    ref_doc, ref_items = reference
    path = tmp_path / "plan.txt"
    path.write_bytes(_sprinkle(ref_doc.text).replace("\n", "\r\n").encode("utf-8"))
    doc, items = extract_file(path, plan_id=ref_doc.plan_id)
    assert [i["id"] for i in items] == [i["id"] for i in ref_items]
    _spans_index_the_text(doc, items)


# ---- zip bombs dressed as Word documents --------------------------------------------------------------------
def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, d in members.items():
            zf.writestr(n, d)
    return buf.getvalue()


DOCX_BOMB = {"[Content_Types].xml": b"<Types/>",
             "word/document.xml": b"<w:document>" + b" " * (30 * 2**20) + b"</w:document>"}


def test_docx_bomb_is_refused_by_the_extractor_before_inflating(tmp_path):
    bomb = _zip(DOCX_BOMB)
    assert len(bomb) < 200_000
    path = tmp_path / "plan.docx"
    path.write_bytes(bomb)
    with pytest.raises(ExtractError, match="zip bomb") as err:
        extract_file(path)
    assert "\n" not in str(err.value) and "plan.docx" in str(err.value)
    with pytest.raises(ExtractError, match="zip bomb"):
        decode_document(bomb, name="upload.bin")  # by content, whatever the name


def test_docx_with_too_many_members_is_refused(tmp_path):
    members = {f"word/media/x{i}.xml": b"x" for i in range(2_100)}
    members["word/document.xml"] = b"<w:document/>"
    with pytest.raises(ExtractError, match="zip bomb"):
        decode_document(_zip(members), name="many.docx")


def test_docx_bomb_is_refused_by_the_import(tmp_path):
    with pytest.raises(ImportRefused, match="zip bomb"):
        plan_import(_zip(DOCX_BOMB), "plan.docx")


def test_damaged_docx_is_one_line(tmp_path):
    good = _zip({"word/document.xml": b"<w:document/>"})
    with pytest.raises(ExtractError) as err:
        decode_document(good[: len(good) // 2], name="cut.docx")
    assert "\n" not in str(err.value)
