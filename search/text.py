"""Text as every stage compares it: the Han character class, normalisation, bigrams, Chinese numerals.

`normalize` keeps the length of the text, so an offset found in the normalised text is an offset
into the text as printed (snippets mark what was typed where it stands).
"""
import re
import unicodedata
from pathlib import Path

# CJK Unified Ideographs and Extension A: the one definition of "a Chinese character" here.
HAN = "\u3400-\u9fff"
HAN_CHAR = re.compile(f"[{HAN}]")


def is_han(ch):
    """True for a Chinese character (CJK Unified Ideographs, Extension A included)."""
    return "\u3400" <= ch <= "\u9fff"


def _opencc_table():
    """Single-character Traditional -> Simplified pairs from OpenCC's t2s character table."""
    import opencc

    path = Path(opencc.__file__).resolve().parent / "dictionary" / "TSCharacters.txt"
    table = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            trad, _, simp = line.rstrip("\n").partition("\t")
            first = simp.split(" ")[0] if simp else ""
            # Only one-to-one characters: the map must keep the length of the text.
            if len(trad) == 1 and len(first) == 1 and first != trad:
                table[ord(trad)] = first
    return table


def _build_table():
    table = _opencc_table()
    for code in range(0xFF01, 0xFF5F):  # full-width ASCII -> ASCII
        table[code] = chr(code - 0xFEE0)
    table[0x3000] = " "  # ideographic space
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = chr(code + 32)
    for code in range(0xFF21, 0xFF3B):  # full-width capitals straight to lower case
        table[code] = chr(code - 0xFEE0 + 32)
    return table


_TABLE = _build_table()


def normalize(text):
    """Map Traditional to Simplified, full-width to half-width and Latin to lower case, keeping the length.

    >>> normalize("安全理事會 第５００７次 S/PV")
    '安全理事会 第5007次 s/pv'
    """
    out = text.translate(_TABLE)
    lowered = out.lower()
    if len(lowered) == len(out):
        return lowered
    # A few letters (İ) lower-case to two characters: keep those as they are.
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in out)


def squash(text):
    """Drop whitespace: the n-gram field and exact matching ignore it (`第 5649 次` = `第5649次`)."""
    return "".join(text.split())


def bigrams(text):
    """The bigrams of `text` (spaces ignored) in order; a one-character text gives itself.

    >>> bigrams("安全 理事会")
    ['安全', '全理', '理事', '事会']
    """
    chars = squash(normalize(text))
    if len(chars) == 1:
        return [chars]
    return [chars[i:i + 2] for i in range(len(chars) - 1)]


_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def chinese_number(text):
    """The value of a number in Arabic digits or Chinese numerals (五十三, 一百零三), or None.

    >>> [chinese_number(t) for t in ("53", "五十三", "十", "一百一十一", "一百零三", "两", "十十")]
    [53, 53, 10, 111, 103, 2, None]
    """
    text = unicodedata.normalize("NFKC", text).strip()
    if text.isdigit():
        return int(text)
    total, digit, seen_unit = 0, None, set()
    for ch in text:
        if ch in "零〇" and digit is None and total:
            continue  # 一百零三: the zero only holds the empty tens place
        if ch in _DIGITS:
            if digit is not None:
                return None  # 五三: two digits in a row is not a numeral here
            digit = _DIGITS[ch]
        elif ch in "十百" and ch not in seen_unit:
            seen_unit.add(ch)
            total += (1 if digit is None else digit) * (10 if ch == "十" else 100)
            digit = None
        else:
            return None
    if digit is not None:
        total += digit
    return total if text else None


def chinese_numeral(n):
    """A number from 0 to 999 in Chinese numerals.

    >>> [chinese_numeral(n) for n in (53, 8, 10, 13, 103, 111)]
    ['五十三', '八', '十', '十三', '一百零三', '一百一十一']
    """
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    rest = n % 100
    tail = "" if rest == 0 else ("零" + digits[rest]) if rest < 10 else ("一" + chinese_numeral(rest) if rest < 20 else chinese_numeral(rest))
    return digits[n // 100] + "百" + tail
