"""Thai words: where a Thai text may be broken across lines, by PyThaiNLP's dictionary
tokenizer (`newmm`, the default: its dictionary ships inside the package, nothing is downloaded).

Thai writes no spaces between words, so a line may only be broken where a word ends. The
terminal's tables (textgrid) ask :func:`words` where those places are; the HTML and PDF reports
keep each word whole with :func:`spans` (a no-break span per word of several syllables, and for
dates and letter numbers). PyThaiNLP is imported on first use only: `kpi --help` and the commands
that never wrap Thai do not load it (its import and dictionary take about a second).
"""

from __future__ import annotations

import os
import re
from functools import lru_cache

THAI = re.compile("[\u0e01-\u0e5b]")
# leading vowels (เ แ โ ใ ไ): written before the consonant they follow in speech
LEADING = frozenset("\u0e40\u0e41\u0e42\u0e43\u0e44")
_OPENING = frozenset("([{“‘\"'")    # stays with the word after it
_CLOSING = frozenset(")]}”’,.;:!?…ๆ")  # stays with the word before it


def has_thai(text: str) -> bool:
    return THAI.search(text) is not None


# words of kpi's own field that PyThaiNLP's dictionary lacks, so that it would break them
# (ตัวชี้|วัด): the glossary's compounds, the offices' abbreviations, "ขั้นตอนที่" (which the
# dictionary reads as ขั้น|ตอนที่), and the names of Bangkok's 50 districts, proper names that
# agency names and reports carry (สำนักงานเขตบาง|รัก); tests/test_thai_words.py pins them
BANGKOK_DISTRICTS = (
    "พระนคร", "ดุสิต", "หนองจอก", "บางรัก", "บางเขน", "บางกะปิ", "ปทุมวัน", "ป้อมปราบศัตรูพ่าย", "พระโขนง", "มีนบุรี",
    "ลาดกระบัง", "ยานนาวา", "สัมพันธวงศ์", "พญาไท", "ธนบุรี", "บางกอกใหญ่", "ห้วยขวาง", "คลองสาน", "ตลิ่งชัน",
    "บางกอกน้อย", "บางขุนเทียน", "ภาษีเจริญ", "หนองแขม", "ราษฎร์บูรณะ", "บางพลัด", "ดินแดง", "บึงกุ่ม", "สาทร",
    "บางซื่อ", "จตุจักร", "บางคอแหลม", "ประเวศ", "คลองเตย", "สวนหลวง", "จอมทอง", "ดอนเมือง", "ราชเทวี", "ลาดพร้าว",
    "วัฒนา", "บางแค", "หลักสี่", "สายไหม", "คันนายาว", "สะพานสูง", "วังทองหลาง", "คลองสามวา", "บางนา", "ทวีวัฒนา",
    "ทุ่งครุ", "บางบอน")
DOMAIN_WORDS = ("ตัวชี้วัด", "ค่าเป้าหมาย", "ผลประเมิน", "ตรวจประเมิน", "ผู้ตรวจประเมิน", "รายไตรมาส", "ถ่วงน้ำหนัก",
                "ความเห็นชอบ", "สยป.", "ก.ก.", "กทม.", "ขั้นตอนที่", *BANGKOK_DISTRICTS)


@lru_cache(maxsize=1)
def _tokenizer():
    os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")  # never write a data folder in $HOME
    from functools import partial

    from pythainlp.tokenize import word_dict_trie, word_tokenize

    trie = word_dict_trie()  # PyThaiNLP's dictionary, loaded once
    for word in DOMAIN_WORDS:
        trie.add(word)
    return partial(word_tokenize, custom_dict=trie)


SHORT = 200  # texts this long or shorter are remembered (labels, names, headings: they repeat)


def words(text: str) -> tuple[str, ...]:
    """`text` cut into words (their concatenation is `text`): Thai by PyThaiNLP's dictionary,
    other scripts at spaces. A word never starts with a combining mark nor ends with a leading vowel.
    Short texts are remembered (4,096 of them); of the long ones (narratives, which rarely come
    again and would hold memory in every worker of a site) only the last few, which a table asks
    again for its widths and its lines."""
    return _short_words(text) if len(text) <= SHORT else _long_words(text)


@lru_cache(maxsize=4096)
def _short_words(text: str) -> tuple[str, ...]:
    return _words(text)


@lru_cache(maxsize=32)
def _long_words(text: str) -> tuple[str, ...]:
    return _words(text)


def _words(text: str) -> tuple[str, ...]:
    if not has_thai(text):
        return tuple(re.findall(r"\S+\s*|\s+", text))
    out: list[str] = []
    for token in _tokenizer()(text, engine="newmm", keep_whitespace=True):
        if out and (_mark_first(token) or out[-1][-1:] in LEADING or token.isspace() or token[0] in _CLOSING
                    or out[-1].rstrip()[-1:] in _OPENING and not out[-1][-1:].isspace()):
            out[-1] += token  # a mark belongs to its letter, spaces to the word before them
        else:
            out.append(token)
    return tuple(out)


def _mark_first(token: str) -> bool:
    import unicodedata

    return bool(token) and (unicodedata.category(token[0]) in ("Mn", "Me") or token[0] in "\u0e33\u0e45")


def boundaries(text: str) -> set[int]:
    """The offsets in `text` where a word starts (0 excluded): where a line may break."""
    at, out = 0, set()
    for word in words(text):
        if at:
            out.add(at)
        at += len(word)
    return out


# What must not be broken in a report: dates (15 เมษายน 2564, 15 เม.ย. 2564, 1 – 9 เมษายน 2564),
# letters and orders (กท 0406/2006, ฝบ. 634/2564, คำสั่ง สปท. ที่ 4/2564), "ไตรมาสที่ 4".
_MONTHS = ("มกราคม|กุมภาพันธ์|มีนาคม|เมษายน|พฤษภาคม|มิถุนายน|กรกฎาคม|สิงหาคม|กันยายน|ตุลาคม|พฤศจิกายน|ธันวาคม"
           "|ม\\.ค\\.|ก\\.พ\\.|มี\\.ค\\.|เม\\.ย\\.|พ\\.ค\\.|มิ\\.ย\\.|ก\\.ค\\.|ส\\.ค\\.|ก\\.ย\\.|ต\\.ค\\.|พ\\.ย\\.|ธ\\.ค\\.")
_D = "[0-9๐-๙]"
WHOLE = re.compile(
    rf"{_D}{{1,2}}(?:\s*[–-]\s*{_D}{{1,2}})?\s*(?:{_MONTHS})\s*(?:พ\.ศ\.\s*)?{_D}{{4}}"       # dates
    rf"|(?:คำสั่ง\s+)?[ก-ฮ]{{1,4}}\.?(?:\s*[ก-ฮ]{{1,4}}\.)*\s+(?:ที่\s+)?{_D}+/{_D}+"        # letters, orders
    rf"|ไตรมาสที่\s*{_D}|ขั้นตอนที่\s*{_D}|แบบฟอร์ม\s*{_D}")


def pieces(text: str, shortest: int = 3) -> list[tuple[str, bool]]:
    """(text, keep whole) pieces of `text`: dates, letter numbers and Thai words of `shortest`
    letters or more are kept whole; the rest may break anywhere the reader's own rules allow."""
    out: list[tuple[str, bool]] = []
    at = 0
    for m in WHOLE.finditer(text):
        out += _thai_pieces(text[at:m.start()], shortest)
        out.append((m.group(), True))
        at = m.end()
    out += _thai_pieces(text[at:], shortest)
    return out


def _thai_pieces(text: str, shortest: int) -> list[tuple[str, bool]]:
    if not text:
        return []
    if not has_thai(text):
        return [(text, False)]
    out: list[tuple[str, bool]] = []
    for word in words(text):
        core = word.rstrip()
        whole = has_thai(core) and _letters(core) >= shortest
        if whole:
            out.append((core, True))
            if word != core:
                out.append((word[len(core):], False))
        elif out and not out[-1][1]:
            out[-1] = (out[-1][0] + word, False)
        else:
            out.append((word, False))
    return out


@lru_cache(maxsize=4096)
def _letters(word: str) -> int:
    """The characters of `word` that are not combining marks (ก่ is one letter)."""
    return sum(1 for ch in word if not _is_mark(ch))


def _is_mark(ch: str) -> bool:
    import unicodedata

    return unicodedata.category(ch) in ("Mn", "Me")


def word_html(raw: str) -> str:
    """The HTML of `_words` for a text; remembered for short texts (a site repeats its headings,
    labels and names on every page; long texts rarely repeat, and would hold memory)."""
    return _short_word_html(raw) if len(raw) <= SHORT else _word_html(raw)


@lru_cache(maxsize=2048)
def _short_word_html(raw: str) -> str:
    return _word_html(raw)


def _word_html(raw: str) -> str:
    """The HTML of `_words` for a text, built as plain text from escaped pieces (Markup.format per
    piece cost as much as finding the words)."""
    from markupsafe import escape

    # <wbr> between the pieces: a renderer finds no break between two no-break spans by itself
    return "<wbr>".join(f'<span class="w">{escape(piece)}</span>' if whole else str(escape(piece))
                        for piece, whole in pieces(raw))


# elements whose text is not laid out as words (or may not hold markup)
_RAW_TEXT = frozenset({"script", "style", "title", "textarea", "svg", "math"})  # (svg: no HTML in its <text>)


def words_in_html(html: str) -> str:
    """`html` with the Thai of every text outside a word span kept in whole words as the `words`
    filter keeps a field's (its dates, letter numbers and words in no-break spans, <wbr> between
    them): for the template's own words (headings, notes such as "ไม่ปรากฏในหน้ารายละเอียดตัวชี้วัด"),
    which a PDF engine without a Thai dictionary would break anywhere (ตัวชี้|วัด). Everything else
    (tags, attributes, entities, comments) is given back exactly as written."""
    from html.parser import HTMLParser

    out: list[str] = []

    class Rewriter(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=False)
            self.stack: list[tuple[str, bool]] = []  # (tag, its text is left alone)

        def _alone(self) -> bool:
            return bool(self.stack) and self.stack[-1][1]

        def handle_starttag(self, tag, attrs):
            alone = self._alone() or tag in _RAW_TEXT or (tag == "span" and "w" in (dict(attrs).get("class") or "").split())
            if tag not in VOID:
                self.stack.append((tag, alone))
            out.append(self.get_starttag_text())

        def handle_startendtag(self, tag, attrs):
            out.append(self.get_starttag_text())

        def handle_endtag(self, tag):
            for i in range(len(self.stack) - 1, -1, -1):  # close up to the matching tag (HTML's leniency)
                if self.stack[i][0] == tag:
                    del self.stack[i:]
                    break
            out.append(f"</{tag}>")

        def handle_data(self, data):
            out.append(data if self._alone() or not has_thai(data) else word_html(data))

        # the rest is written back as it came
        handle_entityref = _echo(out, "&{};")
        handle_charref = _echo(out, "&#{};")
        handle_comment = _echo(out, "<!--{}-->")
        handle_decl = _echo(out, "<!{}>")
        handle_pi = _echo(out, "<?{}>")
        unknown_decl = _echo(out, "<![{}]>")

    parser = Rewriter()
    parser.feed(html)
    parser.close()
    return "".join(out)


def _echo(out: list[str], form: str):
    """A parser method that writes what it is given back into `out` in `form`."""
    return lambda self, data: out.append(form.format(data))


VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
