"""Reading plan documents: .txt / .html / .docx / .pdf → one decoded text.

The text returned is what every span refers to. Page chrome (navigation, 打印 关闭,
索引号 rows …) stays in the text so that offsets remain those of the file's text;
``is_chrome_line`` tells the structure pass which lines to ignore.
"""
from __future__ import annotations

import codecs
import io
import re
import zipfile
from pathlib import Path

from .errors import ExtractError

# A plan is at most a few hundred kB; anything past this is not a plan and would hang a reviewer's browser.
MAX_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".text", ".md", ".csv", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}


def read_document(path) -> str:
    """The decoded text of a plan file; ExtractError with a one-line reason when it cannot be read."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ExtractError(f"{path}: no such file; check the path") from None
    except OSError as exc:
        raise ExtractError(f"{path}: cannot be read ({exc.strerror or exc}); check the path and permissions") from None
    if path.is_dir():
        raise ExtractError(f"{path}: is a folder, not a plan file; give one .txt/.html/.docx/.pdf file")
    if size == 0:
        raise ExtractError(f"{path}: the file is empty; export the plan's text again")
    if size > MAX_BYTES:
        raise ExtractError(
            f"{path}: the file is {size / 1048576:.0f} MB, more than the {MAX_BYTES // 1048576} MB a plan can be; "
            "split it or save only the plan's text")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExtractError(f"{path}: cannot be read ({exc.strerror or exc}); check permissions") from None
    return decode_document(data, name=str(path), suffix=path.suffix.lower())


def decode_document(data: bytes, *, name: str = "input", suffix: str = "") -> str:
    """Bytes of a plan file → text, choosing the reader by content first and the file suffix second."""
    if not data:
        raise ExtractError(f"{name}: the file is empty; export the plan's text again")
    if len(data) > MAX_BYTES:
        raise ExtractError(f"{name}: more than {MAX_BYTES // 1048576} MB, too large for a plan; save only the plan's text")
    if data[:5] == b"%PDF-":
        text = _pdf_text(data, name)
    elif data[:4] == b"PK\x03\x04":
        text = _docx_text(data, name)
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ExtractError(f"{name}: an old binary Word/Excel file (.doc/.xls); save it as .docx or .txt and try again")
    else:
        text = decode_text(data, name)
        if suffix in HTML_SUFFIXES or _looks_like_html(text):
            text = html_to_text(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ExtractError(f"{name}: no text found in the file; if it is a scanned PDF, run OCR first")
    return text


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_text(data: bytes, name: str = "input") -> str:
    """Detect the encoding (BOM, UTF-8, GB18030, UTF-16 without BOM, then charset-normalizer)."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data[len(bom):].decode(enc), name)
            except UnicodeDecodeError:
                raise ExtractError(f"{name}: starts with a {enc} byte-order mark but is not valid {enc}; re-save it as UTF-8") from None
    utf16 = _utf16_without_bom(data)
    if utf16:
        try:
            return _checked(data.decode(utf16), name)
        except UnicodeDecodeError:
            pass  # looked like UTF-16 but is not (odd length, broken pairs): try the rest
    if b"\x00" in data[:65536]:
        raise ExtractError(f"{name}: a binary file, not a plan's text; give a .txt/.html/.docx/.pdf file")
    for enc in ("utf-8", "gb18030"):
        try:
            return _checked(data.decode(enc), name)
        except UnicodeDecodeError:
            continue
    try:
        from charset_normalizer import from_bytes
        best = from_bytes(data[:200000]).best()
    except Exception:  # the detector is a best effort; failing it is the same as not knowing
        best = None
    if best is not None and best.encoding:
        try:
            return _checked(data.decode(best.encoding), name)
        except (UnicodeDecodeError, LookupError):
            pass
    raise ExtractError(f"{name}: the text encoding is not recognised (tried UTF-8, GB18030, UTF-16); re-save the file as UTF-8")


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    # ASCII-heavy UTF-16 has zeros in every other byte; CJK-heavy UTF-16 decodes cleanly with few controls.
    if odd.count(0) > len(odd) * 0.3 and even.count(0) < len(even) * 0.05:
        return "utf-16-le"
    if even.count(0) > len(even) * 0.3 and odd.count(0) < len(odd) * 0.05:
        return "utf-16-be"
    return None


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")


def _checked(text: str, name: str) -> str:
    """Refuse text that decoded but is evidently binary (many control characters)."""
    if not text.strip():
        raise ExtractError(f"{name}: the file contains no text; export the plan's text again")
    sample = text[:20000]
    if len(_CONTROL.findall(sample)) > max(8, len(sample) * 0.01):
        raise ExtractError(f"{name}: a binary file or an unknown encoding; re-save the plan as UTF-8 text")
    return text


def _looks_like_html(text: str) -> bool:
    head = text[:2000].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head and "</" in text[:20000])


_BLOCK_TAGS = ("p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "table", "td", "th")


def html_to_text(html: str) -> str:
    """Visible text of a web page, one block per line; script, style, nav, header, footer dropped."""
    from bs4 import BeautifulSoup
    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "noscript", "nav", "header", "footer", "iframe", "form", "button", "select"]):
        tag.decompose()
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    root = soup.body or soup
    text = root.get_text()
    lines = [re.sub(r"[ \t\u00a0\u3000]+", " ", ln).strip() for ln in text.splitlines()]
    return "\n".join(ln for ln in lines if ln)


# A plan's .docx unpacks to a few MB. The zip directory states every member's size: it is checked
# before python-docx inflates anything (zipfile never inflates past a member's stated size).
MAX_DOCX_UNZIPPED = 100 * 1024 * 1024
MAX_DOCX_MEMBERS = 2_000
MAX_DOCX_RATIO = 200.0


def _check_zip_directory(zf: zipfile.ZipFile, name: str) -> None:
    infos = zf.infolist()
    if len(infos) > MAX_DOCX_MEMBERS:
        raise ExtractError(f"{name}: the .docx holds {len(infos)} files, more than a document has; refusing a possible zip bomb")
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1024 * 1024 and ratio > MAX_DOCX_RATIO:
            raise ExtractError(f"{name}: {info.filename} inside the .docx expands {ratio:.0f}x to "
                               f"{info.file_size / 1048576:.0f} MB; refusing a possible zip bomb. Re-save the plan in Word")
    if total > MAX_DOCX_UNZIPPED:
        raise ExtractError(f"{name}: the .docx unpacks to {total / 1048576:.0f} MB, more than the "
                           f"{MAX_DOCX_UNZIPPED // 1048576} MB a plan can be; refusing a possible zip bomb")


def _docx_text(data: bytes, name: str) -> str:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ExtractError(f"{name}: a damaged zip/.docx file; open and re-save it in Word") from None
    _check_zip_directory(zf, name)
    if "word/document.xml" not in names:
        raise ExtractError(f"{name}: a zip file but not a Word .docx document; give the plan as .docx/.txt/.html/.pdf")
    try:
        import docx
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds on damaged files
        raise ExtractError(f"{name}: the Word file cannot be read ({type(exc).__name__}); re-save it in Word") from None
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" ".join(cell.text.strip() for cell in row.cells if cell.text.strip()))
    return "\n".join(lines)


def _pdf_text(data: bytes, name: str) -> str:
    try:
        from pypdf import PdfReader
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except Exception as exc:  # pypdf raises many kinds on damaged files
        raise ExtractError(f"{name}: the PDF cannot be read ({type(exc).__name__}); re-export it from the original") from None
    return "\n".join(pages)


# Lines of web-page chrome: navigation, metadata rows, share/print buttons. Matched on whole lines only.
_CHROME = re.compile(
    r"^\s*(?:"
    r"进入老年模式|退出老年模式|无障碍|关怀版|长者模式|"
    r"当前位置|您的位置|你的位置|首页\s*[>》›]|[>》›]\s*\S|"
    r"索引号|公开方式|文号|成文日期|发布单位|发布机构|发文机关|主题分类|信息来源|"
    r"[•·\-]?\s*(?:日期|来源|发布时间|时间|作者|浏览次数|点击数|阅读次数|字号)\s*[:：]|"
    r"浏览次数|访问次数|打印|关闭|【?\s*打印|字体|字号|【\s*大\s*中\s*小|分享到|扫一扫|"
    r"上一篇|下一篇|相关链接|版权所有|主办单位|承办单位|网站标识码|ICP备|公网安备|"
    r"#\s*(?:source|title)\s*:"
    r")"
)
_SHORT_CHROME = re.compile(r"^\s*(?:打印\s*关闭|关闭\s*打印|打印本页|关闭窗口|返回顶部|\[?\s*打印\s*\]?|\[?\s*关闭\s*\]?)\s*$")


def is_chrome_line(line: str) -> bool:
    """True for a line that belongs to the page around the plan, never to the plan itself."""
    s = line.strip()
    if not s:
        return False
    if _SHORT_CHROME.match(s):
        return True
    if len(s) > 120:  # body paragraphs are long; chrome rows are short
        return False
    return bool(_CHROME.match(s))
