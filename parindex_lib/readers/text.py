"""Text tables (``.csv``, ``.tsv``, ``.txt``) read as a spreadsheet program shows them.

The csv module does the parsing, so quoted separators, quoted line breaks (Excel's wrapped text),
CRLF and doubled quotes are read as Excel reads them. The separator — ``,``, ``;`` (Excel in a
Vietnamese locale) or TAB — is detected from the rows themselves. UTF-8 (with or without BOM) and
UTF-16 (Excel's "Unicode text") are accepted. Row numbers are the line on which a record starts.
"""

from __future__ import annotations

import csv
import io
from itertools import islice
from pathlib import Path

from parindex_lib.errors import InputError, Problem, because
from parindex_lib.readers.table import Limits, Table, check_rows
from parindex_lib.vn import nfc

DELIMITERS = ("\t", ";", ",")
DELIMITER_NAMES = {"\t": "TAB", ";": '";"', ",": '","'}
_SNIFF_LINES = 200
#: What an empty file should have held.
EMPTY = because("empty_expected", "is empty (expected {what})", what=because("what_scores_table", "a table of scores"))
#: A record longer than this is an unclosed quote, not a wrapped cell (which would swallow the rows after it).
MAX_RECORD_LINES = 30


def decode(data: bytes, file: str) -> str:
    """Bytes → text: UTF-8 (BOM optional) or UTF-16 with a BOM; anything else is a located error."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")  # Excel's "Unicode text" export
        except UnicodeDecodeError:
            raise InputError(Problem(file, None, None, "", because("read_not_utf16", "is not valid UTF-16 text"))) \
                from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(Problem(file, line, None, data[exc.start: exc.start + 4].hex(" "), because(
            "read_not_utf8", "is not UTF-8 text (expected a UTF-8 file: in Excel, save as \"CSV UTF-8\"; in a text "
            "editor, choose the UTF-8 encoding)"))) from None


def sniff_delimiter(text: str, suffix: str) -> str:
    """The separator whose rows agree best on a width above one (TAB, then ``;``, then ``,`` on ties).

    Examples
    --------
    >>> sniff_delimiter('a;b;c\\n"70,52%";2;3\\n', ".csv")
    ';'
    >>> sniff_delimiter('a,b,c\\n"70,52%",2,3\\n', ".csv")
    ','
    """
    if suffix == ".tsv" or (suffix == ".txt" and "\t" in text):
        return "\t"  # a plan saved as text: TAB-separated tables among prose
    sample = "\n".join(text.splitlines()[:_SNIFF_LINES])
    best, best_score = "," if suffix == ".csv" else "\t", -1
    for delimiter in DELIMITERS:
        widths: dict[int, int] = {}
        try:
            for row in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter):
                width = len(row)
                if width > 1:
                    widths[width] = widths.get(width, 0) + 1
        except csv.Error:
            continue
        score = max(widths.values(), default=0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _encoding(path: Path) -> str:
    with open(path, "rb") as fh:
        head = fh.read(3)
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    with open(path, "rb") as fh:
        if fh.read(4) in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):
            return "utf-32"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"  # Excel's "Unicode text" export
    return "utf-8"


def text_tables(path: Path, file: str, limits: Limits) -> list[Table]:
    """Read a text file into one :class:`Table` (blank lines skipped and recorded, never ending it).

    The file is streamed through the csv module, so memory grows with the cells, not the file's text.
    """
    encoding = _encoding(path)
    try:
        with open(path, encoding=encoding, newline="") as fh:  # read-only, never written
            sample = "".join(islice(fh, _SNIFF_LINES))
            if not sample.strip() and not fh.read().strip():
                raise InputError(Problem(file, None, None, "", EMPTY))
        delimiter = sniff_delimiter(sample, path.suffix.lower())
        with open(path, encoding=encoding, newline="") as fh:
            return [_read_records(csv.reader(fh, delimiter=delimiter, strict=True), file, delimiter, limits)]
    except UnicodeDecodeError:
        with open(path, "rb") as fh:
            decode(fh.read(), file)  # raises, located at the exact line and bytes
        raise


def _read_records(reader, file: str, delimiter: str, limits: Limits) -> Table:
    cache: dict[str, str] = {}  # one NFC string per distinct cell: fast, and small in memory

    def clean(cell: str) -> str:
        got = cache.get(cell)
        if got is None:
            if "\x00" in cell:
                raise InputError(Problem(file, start, None, cell.replace("\x00", "\\0")[:40], because(
                    "read_nul_bytes", "contains NUL bytes (expected text: is this a binary file, or UTF-16 saved "
                    "without its byte-order mark?)")))
            got = cache[cell] = nfc(cell) if cell else ""
        return got

    rows: list[tuple[int, list[str]]] = []
    blank: list[int] = []
    start = 1
    try:
        for record in reader:
            span = reader.line_num - start + 1
            if span > MAX_RECORD_LINES:
                raise InputError(Problem(file, start, None, record[-1][:40] if record else "", because(
                    "read_quote_runs_over", "opens a quoted cell that runs over {lines} lines (expected its closing "
                    "quote \")", lines=span)))
            cells = [clean(c) for c in record]
            if any(cells):
                rows.append((start, cells))
                if len(rows) > limits.max_rows:
                    check_rows(len(rows), file, limits)
            else:
                blank.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        why = because("read_quote_never_closed", "opens a quoted cell that is never closed (expected its closing "
                      "quote \")") if "end of data" in str(exc) else \
            because("read_bad_row", "is not a valid {separator}-separated row ({error}; a cell that starts with a "
                    "quote must end with one)", separator=DELIMITER_NAMES[delimiter], error=str(exc))
        raise InputError(Problem(file, start, None, "", why)) from None
    return Table(file, rows, None, blank, delimiter)
