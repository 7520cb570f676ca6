"""Delimited text tables: CSV, TSV, semicolon- and whitespace-separated.

The layout is worked out once from the head of the file (never by trying
parsers in turn): lines are classified as blank, comment (``#``, ``%``,
``;``, ``//``), or fields; for each candidate delimiter (tab, comma,
semicolon, ``|``, whitespace) the longest run of consecutive lines with the
same number of mostly numeric fields is the data block. The header is the
line just above it when it has the same number of fields and is mostly text,
else the last comment line above it that splits into as many names (the
``#datetime t_s iHTS_A ...`` style), else ``col1, col2...``. Everything above
goes to ``meta["preamble"]``; a short text footer after the data (``Ic(+)
0.000017``) to ``meta["footer"]``.

Stoner-lab "TDI Format" files (LabVIEW): the first column holds a
``key{type}=value`` metadata string on each row; it is moved to
``meta["tdi"]`` and dropped.

Parsing, when the layout is simple (one-character delimiter, ``.`` decimal,
UTF-8, no quotes or odd line ends above the data, no text footer), uses
``pyarrow.csv`` on a few threads from the first data line on
(:func:`_arrow_read`), and the columns go on as numpy arrays: pandas is
never imported. Every column must come back as numbers exactly as pandas'
C engine would read them (int64 or float64, empty cells NaN); anything else
(a text cell, a ragged row, a comment line in the data, ``inf``/``0x10``
spellings the two parsers read differently, pyarrow missing) hands the file
to the C engine, silently, so the table and every error message are the C
engine's. ``engine="c"`` forces the C engine; ``meta["engine"]`` says
which one read the file. pyarrow gets the file in pieces of
``ARROW_PIECE_BYTES`` cut at line ends, each parsed on its threads and
copied into preallocated columns: on a 2M-row, 4-column file this takes
about the time of ``pandas.read_csv`` without its 0.2 s import and peaks at
about 2x the table in memory (a one-piece pyarrow parse: 4.5x).

With the C engine, files of ``CHUNKED_MIN_BYTES`` or more are cut at line
ends into pieces parsed on a few threads and copied straight into
preallocated columns (:func:`_chunked_read`): on a 2M-row, 4-column table the
peak memory of ``sc2d tc`` drops from 7x to 2.7x the table (a one-piece
pandas parse alone peaks at 3.4x, pyarrow at 4.4x) for about 1.5x the time of
``pandas.read_csv``. Smaller or unusual files (quoted fields, text in a
numeric column) are parsed in one piece (``low_memory``, pandas' default).
"""

from __future__ import annotations

import csv
import math
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import FormatError

__all__ = ["TextLayout", "read_text", "sniff_layout"]

_COMMENT_PREFIXES = ("#", "%", ";", "//", "!")
_DELIMS = ("\t", ",", ";", "|", None)  # None: runs of whitespace
#: text files at least this large are parsed chunk by chunk (see _chunked_read)
CHUNKED_MIN_BYTES = 16 << 20
#: bytes per piece of a chunked parse
PIECE_BYTES = 2 << 20
#: lines looked at to find the layout
SNIFF_LINES = 2000
#: more columns than this is not a measurement table (probably transposed)
MAX_COLUMNS = 10_000
_FLOAT_RE = re.compile(
    r"^[+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|nan|inf|infinity)$", re.IGNORECASE
)


_NUMBER = r"[+-]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|nan|inf|infinity)"


def _all_numbers_re(delim: str | None) -> re.Pattern[str]:
    """A line of two or more numbers (as :func:`_is_num` reads them) split by ``delim``.

    Such a line is numeric (:func:`_numeric_line`) and has no cell of joined
    numbers, so the sniffer need not split it. Any other line is split.
    """
    pad = "[ ]*" if delim == "\t" else "[ \t]*"
    if delim is None:
        body = f"{pad}{_NUMBER}(?:[ \t]+{_NUMBER})+{pad}"
    else:
        body = f"{pad}{_NUMBER}{pad}(?:{re.escape(delim)}{pad}{_NUMBER}{pad})+"
    return re.compile(body, re.IGNORECASE)


_ALL_NUMBERS = {d: _all_numbers_re(d) for d in _DELIMS}


def _is_num(tok: str) -> bool:
    return bool(_FLOAT_RE.match(tok.strip().strip('"').strip("'")))


def _split(line: str, delim: str | None) -> list[str]:
    if delim is None:
        return line.split()
    if '"' in line:
        return [t.strip() for t in next(csv.reader([line], delimiter=delim))]
    return [t.strip() for t in line.split(delim)]


@dataclass
class TextLayout:
    """Where the table sits in a text file and how it is split."""

    delimiter: str | None
    header_line: int | None  # 0-based line index of the header (None: no header)
    header_from_comment: bool
    names: list[str]
    first_data_line: int  # 0-based
    n_data_lines: int | None  # data lines to read (None: to the end of the file)
    comment: str | None
    decimal: str = "."
    preamble: list[str] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)


def _is_comment(line: str) -> str | None:
    s = line.lstrip()
    for p in _COMMENT_PREFIXES:
        if s.startswith(p):
            return p
    return None


def _numeric_line(toks: list[str]) -> bool:
    if not toks:
        return False
    n_num = sum(1 for t in toks if t and _is_num(t))
    n_empty = sum(1 for t in toks if not t)
    return n_num >= 1 and (n_num + n_empty) >= 0.5 * len(toks)


def _header_tokens(line: str, delim: str | None, n_fields: int) -> list[str]:
    """Split a header line; whitespace headers may hold names like ``T (K)``."""
    toks = _split(line, delim)
    if delim is not None or len(toks) == n_fields:
        return toks
    alt = [t for t in re.split(r"\t| {2,}", line.strip()) if t]
    if len(alt) == n_fields:
        return alt
    merged: list[str] = []
    for t in toks:  # glue "(K)" / "[K]" to the name before it
        if merged and t[:1] in "([":
            merged[-1] += " " + t
        else:
            merged.append(t)
    return merged if len(merged) == n_fields else toks


def _joined_numbers(tok: str, delim: str | None) -> bool:
    """True when ``tok`` is two or more numbers joined by ';' or a tab (not ``delim``)."""
    for other in (";", "\t"):
        if other != delim and other in tok:
            parts = [p.strip().replace(",", ".", 1) for p in tok.split(other)]
            if len(parts) >= 2 and all(p and _is_num(p) for p in parts):
                return True
    return False


def _all_numeric(toks: list[str]) -> bool:
    full = [t for t in toks if t]
    return len(full) >= 2 and all(_is_num(t) for t in full)


def sniff_layout(lines: list[str], *, complete: bool, source: str) -> TextLayout:
    """Find delimiter, header and data block in the first ``lines`` of a file.

    Parameters
    ----------
    lines : list of str
        Lines of the head of the file (no line ends).
    complete : bool
        True when ``lines`` is the whole file (then a text footer can be cut).
    source : str
        File name for messages.
    """
    kinds: list[str] = []  # "b" blank, "c" comment, "t" fields
    for ln in lines:
        if not ln.strip():
            kinds.append("b")
        elif _is_comment(ln) and not _numeric_line(_split(ln, ";")[1:]):
            kinds.append("c")
        else:
            kinds.append("t")

    best: tuple[Any, ...] | None = None
    for prio, d in enumerate(_DELIMS):
        run_start, run_len, run_n, run_lines = -1, 0, 0, 0
        cur_start, cur_n, cur_len, cur_last = -1, 0, 0, -1
        for i, (ln, k) in enumerate(zip(lines, kinds, strict=False)):
            if k == "b":
                continue
            if k == "c":
                continue
            if d is not None and d not in ln:  # one field: not a data line for d
                cur_start, cur_n, cur_len = -1, 0, 0
                continue
            if _ALL_NUMBERS[d].fullmatch(ln):  # the usual data line, without splitting it
                n = len(ln.split()) if d is None else ln.count(d) + 1
                if cur_start >= 0 and n == cur_n:
                    cur_len += 1
                    cur_last = i
                else:
                    cur_start, cur_n, cur_len, cur_last = i, n, 1, i
                if cur_len > run_len:
                    run_start, run_len, run_n, run_lines = cur_start, cur_len, cur_n, cur_last
                continue
            toks = _split(ln, d)
            if d == ";":
                toks = [
                    t.replace(",", ".", 1) if t.count(",") == 1 and "." not in t else t
                    for t in toks
                ]
            n = len(toks)
            if n >= 2 and not any(toks):
                # a row of empty cells (",,"): part of the data when inside a run
                if cur_start >= 0 and n == cur_n:
                    cur_len += 1
                    cur_last = i
                continue
            # a cell that is itself numbers joined by another delimiter means
            # this is the wrong delimiter: "0,31;206,12" split on ',' gives
            # "31;206", which is not a number but two (text cells holding a
            # ';', as in Stoner TDI metadata, are fine)
            ok = n >= 2 and _numeric_line(toks) and not any(_joined_numbers(t, d) for t in toks)
            if ok and cur_start >= 0 and n == cur_n:
                cur_len += 1
                cur_last = i
            elif ok:
                cur_start, cur_n, cur_len, cur_last = i, n, 1, i
            else:
                cur_start, cur_n, cur_len = -1, 0, 0
            if cur_len > run_len:
                run_start, run_len, run_n, run_lines = cur_start, cur_len, cur_n, cur_last
        if run_len == 0:
            continue
        score = (run_len, run_n if d is not None else run_n - 0.5, -prio)
        if best is None or score > best[0]:
            best = (score, d, run_start, run_lines, run_n)
    if best is None:
        has_text = any(k == "t" for k in kinds)
        if not has_text and any(k == "c" for k in kinds):
            raise FormatError(f"{source} holds only comment lines, no table; check the file")
        if has_text:
            raise FormatError(
                f"{source} has no data rows (no line of two or more numeric fields); "
                "sc2d reads CSV/TSV tables with one header line, Quantum Design .dat, "
                "QCoDeS .db and NetCDF"
            )
        raise FormatError(f"{source} is empty (no table found); check the file")
    _, delim, start, last, n_fields = best
    if n_fields > MAX_COLUMNS:
        raise FormatError(
            f"{source} has {n_fields} columns, over sc2d's limit of {MAX_COLUMNS}; "
            "is the table transposed (one row per quantity)? write one column per quantity"
        )
    # decimal comma ("1,5;2,3")
    decimal = "."
    if delim == ";":
        sample = [t for t in _split(lines[start], ";") if t]
        if any("," in t for t in sample) and not any("." in t for t in sample):
            decimal = ","

    # a numeric line just above the block: ragged data, not a preamble
    j = start - 1
    while j >= 0 and kinds[j] == "b":
        j -= 1
    if j >= 0 and kinds[j] == "t" and _all_numeric(_split(lines[j], delim)):
        raise FormatError(
            f"{source}: line {j + 1} has {len(_split(lines[j], delim))} fields where the data "
            f"have {n_fields}; fix that line (a stray delimiter?) or remove it"
        )

    # header
    names: list[str] = []
    header_line: int | None = None
    from_comment = False
    j = start - 1
    while j >= 0 and kinds[j] == "b":
        j -= 1
    if j >= 0 and kinds[j] == "t":
        toks = _header_tokens(lines[j], delim, n_fields)
        if len(toks) in (n_fields, n_fields + 1, n_fields - 1) and sum(
            _is_num(t) for t in toks
        ) < 0.5 * len(toks):
            names, header_line = toks, j
    if header_line is None:
        for j in range(start - 1, -1, -1):
            if kinds[j] == "t":
                break
            if kinds[j] != "c":
                continue
            body = lines[j].lstrip()
            p = _is_comment(body) or ""
            body = body[len(p) :].strip()
            toks = _header_tokens(body, delim, n_fields)
            if len(toks) == n_fields and sum(_is_num(t) for t in toks) < 0.5 * len(toks):
                names, header_line, from_comment = toks, j, True
                break
    names = [n.strip().strip('"').strip("'").strip() for n in names]
    if header_line is None:
        names = [f"col{i + 1}" for i in range(n_fields)]
    if len(names) < n_fields:
        names += [f"col{i + 1}" for i in range(len(names), n_fields)]
    names = [n if n else f"col{i + 1}" for i, n in enumerate(names)]
    seen: dict[str, int] = {}
    for i, n in enumerate(names):
        if n in seen:
            seen[n] += 1
            names[i] = f"{n}.{seen[n]}"
        else:
            seen[n] = 0

    top = header_line if header_line is not None else start
    preamble = [ln for ln in lines[:top] if ln.strip()]
    comment = None
    for ln, k in zip(lines, kinds, strict=False):
        if k == "c":
            c = _is_comment(ln)
            if c and c != delim and c not in ("//",):
                comment = c[0]
                break
    # comment lines inside the data block need the comment option
    in_block = [k for k in kinds[start : last + 1]]
    if "c" in in_block and comment is None:
        comment = "#"
    n_lines = None
    footer: list[str] = []
    if complete:
        tail = [ln for ln in lines[last + 1 :] if ln.strip()]
        if tail and not any(_all_numeric(_split(ln, delim)) for ln in tail):
            n_lines = sum(1 for k in kinds[start : last + 1] if k == "t")
            footer = tail
    return TextLayout(
        delimiter=delim,
        header_line=header_line,
        header_from_comment=from_comment,
        names=names,
        first_data_line=start,
        n_data_lines=n_lines,
        comment=comment,
        decimal=decimal,
        preamble=preamble[:200],
        footer=footer[:50],
    )


#: cells pyarrow reads as missing (its defaults, all of which pandas reads as NaN too)
_ARROW_NULLS = [
    "",
    "#N/A",
    "#N/A N/A",
    "#NA",
    "-1.#IND",
    "-1.#QNAN",
    "-NaN",
    "-nan",
    "1.#IND",
    "1.#QNAN",
    "N/A",
    "NA",
    "NULL",
    "NaN",
    "n/a",
    "nan",
    "null",
]
#: integers beyond this read as float64 by pyarrow but uint64/object by pandas
_EXACT_INT = 2.0**53


def _data_offset(path: Path, lay: TextLayout, head: str, encoding: str) -> int | None:
    """Byte offset of the first data line, or None when the layout is not simple.

    Simple: a one-character delimiter, ``.`` decimal, UTF-8, no text footer,
    no quote character in the head, and lines above the data that end in
    ``\n`` or ``\r\n`` only (so that this offset and the C engine's
    ``skiprows`` count the same lines).
    """
    if lay.delimiter is None or len(lay.delimiter) != 1 or lay.decimal != ".":
        return None
    if lay.n_data_lines is not None or encoding not in ("utf-8", "utf-8-sig") or '"' in head:
        return None
    end = 0
    for _ in range(lay.first_data_line):
        end = head.find("\n", end) + 1
        if end == 0:
            return None
    prefix = head[:end]
    if len(prefix.splitlines()) != lay.first_data_line or prefix.count("\r") != prefix.count(
        "\r\n"
    ):
        return None
    raw = prefix.encode("utf-8")
    with open(path, "rb") as fh:
        if fh.read(3) == b"\xef\xbb\xbf" and encoding == "utf-8-sig":
            raw = b"\xef\xbb\xbf" + raw
        fh.seek(0)
        if fh.read(len(raw)) != raw:  # the head was decoded with changes (a second BOM...)
            return None
    return len(raw)


#: bytes pyarrow parses at a time (a larger file goes piece by piece: bounded memory)
ARROW_PIECE_BYTES = 8 << 20
_NON_BLANK = re.compile(rb"\S")


def _arrow_read(path: Path, lay: TextLayout, offset: int) -> dict[str, np.ndarray] | None:
    """The data block as numpy columns parsed by pyarrow, or None to leave it to the C engine.

    The columns are exactly the C engine's (int64 stays int64, int64 with
    empty cells becomes float64 with NaN, an all-empty column float64 NaN).
    None when pyarrow is missing or refuses the file (ragged row, comment
    line, undecodable bytes, a line longer than a piece), when a column is
    not numbers (text, booleans, dates), when a cell is a NaN/inf spelling
    (pyarrow reads ``NAN``, ``+nan``, ``inf `` that the C engine keeps as
    text), when a column could be an integer column the parsers disagree on
    (``+3`` is float64 for pyarrow, int64 for pandas; integers past 2^53),
    when the data hold an ``x`` or ``X`` next to an integer column (pyarrow
    reads ``0x10`` as 16), or when there is no row.

    The file is read in pieces of ``ARROW_PIECE_BYTES`` cut at line ends
    (:func:`_pieces`: mapped, not copied); each is parsed on pyarrow's threads and
    copied into preallocated columns (rows estimated from the first piece;
    pages never written cost no memory). The peak is the table plus about
    three pieces (a one-piece pyarrow parse peaks at about 4.5x the table).
    """
    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        return None
    names = list(lay.names)
    read_opts = pacsv.ReadOptions(column_names=names, use_threads=True)
    parse_opts = pacsv.ParseOptions(
        delimiter=lay.delimiter,
        quote_char=False,
        double_quote=False,
        escape_char=False,
        ignore_empty_lines=True,
    )
    convert_opts = pacsv.ConvertOptions(
        null_values=_ARROW_NULLS, strings_can_be_null=False, auto_dict_encode=False
    )
    starts = (b"\n+", b" +", b"\t+", lay.delimiter.encode() + b"+")
    total = max(path.stat().st_size - offset, 1)
    out = _ArrowColumns(names)
    consumed = 0
    for piece in _pieces(path, offset):
        if piece is None:
            return None  # a line longer than a piece: the C engine's business
        buf, lo, hi = piece
        cut = hi - lo
        if _NON_BLANK.search(buf, lo, hi) is not None:  # else blank lines only
            try:
                tab = pacsv.read_csv(
                    pa.py_buffer(buf).slice(lo, cut),
                    read_options=read_opts,
                    parse_options=parse_opts,
                    convert_options=convert_opts,
                )
            except (pa.ArrowException, OSError, ValueError):
                return None  # the C engine reads it or says what is wrong, with the line
            piece_ok = out.add(tab, pa, total, consumed + cut)
            del tab
            if piece_ok and out.piece_has_int and _piece_holds(piece, (b"x", b"X")):
                piece_ok = False
            if piece_ok and out.piece_integral and _piece_holds(piece, starts, b"+"):
                piece_ok = False
            if not piece_ok:
                return None
        consumed += cut
    return out.finish()


#: a piece of a file: (bytes-like with find/rfind, first byte, end byte)
_Piece = tuple[Any, int, int]


def _piece_holds(piece: _Piece, needles: tuple[bytes, ...], first: bytes = b"") -> bool:
    """Does ``piece`` hold any of ``needles``, or start with ``first``?"""
    buf, lo, hi = piece
    if first and buf[lo : lo + len(first)] == first:
        return True
    return any(buf.find(b, lo, hi) >= 0 for b in needles)


def _pieces(path: Path, offset: int) -> Iterator[_Piece | None]:
    """The file from byte ``offset`` on, in pieces of about ``ARROW_PIECE_BYTES``
    ending after a line end (the last piece: at the end of the file).

    A piece is ``(buf, lo, hi)``: bytes ``lo:hi`` of ``buf``, a read-only
    memory map of the file, one piece mapped at a time (the parser reads the
    page cache directly, with no copy: a copy of a 90 MB file costs ~20 ms;
    about one piece is resident). Where the file cannot be mapped (some
    network or FUSE file systems) ``buf`` is one reused buffer the pieces
    are read into. Yields None when a line is longer than a piece. A piece
    is valid until the next one is asked for. A map is then advised out of
    resident memory and dropped rather than closed: it is unmapped when the
    last reference goes (pyarrow lets go of its input buffer a moment after
    the parse, on its own threads). A file that grows while it is read is
    read as it was when the read began; one cut shorter while it is read
    ends the process (SIGBUS), as with every memory-mapped read.
    """
    import mmap

    dontneed = getattr(mmap, "MADV_DONTNEED", None)
    gran = mmap.ALLOCATIONGRANULARITY
    size = path.stat().st_size
    start = offset
    with open(path, "rb", buffering=0) as fh:
        fd = fh.fileno()
        while start < size:
            base = start - start % gran  # a map starts on the granularity
            length = min(ARROW_PIECE_BYTES + (start - base), size - base)
            try:
                mm = mmap.mmap(fd, length, offset=base, access=mmap.ACCESS_READ)
            except (OSError, ValueError):  # not mappable here: read the rest instead
                yield from _read_pieces(path, start)
                return
            lo = start - base
            if base + length < size:
                cut = mm.rfind(b"\n", lo, length) + 1
                if cut == 0:
                    yield None
                    return
            else:
                cut = length
            yield mm, lo, cut
            if dontneed is not None:  # parsed: out of this process's resident memory now
                mm.madvise(dontneed)
            del mm
            start = base + cut


def _read_pieces(path: Path, offset: int) -> Iterator[_Piece | None]:
    """:func:`_pieces` read into one reused buffer (for a file that cannot be mapped)."""
    total = max(path.stat().st_size - offset, 1)
    buf = bytearray(min(ARROW_PIECE_BYTES, total) + 1)
    view = memoryview(buf)
    filled = 0
    with open(path, "rb", buffering=0) as fh:
        fh.seek(offset)
        at_end = False
        while not at_end:
            got = fh.readinto(view[filled:])
            filled += got
            at_end = filled < len(buf) or got == 0
            if at_end:
                cut = filled
            else:
                cut = buf.rfind(b"\n", 0, filled) + 1
                if cut == 0:
                    yield None
                    return
            if cut:
                yield buf, 0, cut
            rest = filled - cut
            if rest:
                buf[:rest] = buf[cut:filled]
            filled = rest


class _ArrowColumns:
    """Columns filled piece by piece from pyarrow tables (see :func:`_arrow_read`).

    Per column the kind over all pieces so far: ``"null"`` (every cell
    empty), ``"int"`` (int64 without an empty cell) or ``"float"``; the
    output array is int64 only while every piece was int64 without empty
    cells, as the C engine reads a column whole.
    """

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.kind = dict.fromkeys(names, "null")
        self.data: dict[str, np.ndarray] = {}
        self.rows = 0
        self.piece_has_int = False
        self.piece_integral = False

    def _room(self, extra: int, total: int, done_bytes: int) -> None:
        """Make the output arrays hold ``rows + extra`` rows (estimated ahead from the bytes)."""
        need = self.rows + extra
        have = len(next(iter(self.data.values()))) if self.data else 0
        if need <= have:
            return
        frac = min(1.0, max(done_bytes, 1) / total)
        n = max(need, int(need / frac * 1.02) + 16)
        for name in self.names:
            old = self.data.get(name)
            dt = np.int64 if self.kind[name] == "int" else np.float64
            new = np.empty(n, dtype=dt)
            if old is not None and self.rows:
                new[: self.rows] = old[: self.rows]
            self.data[name] = new

    def _to_float(self, name: str) -> None:
        a = self.data[name]
        if a.dtype != np.float64:
            new = np.empty(len(a), dtype=np.float64)
            new[: self.rows] = a[: self.rows]
            self.data[name] = new

    def add(self, tab: Any, pa: Any, total: int, done_bytes: int) -> bool:
        """Append one parsed piece; False when it is not what the C engine would read."""
        n = tab.num_rows
        self.piece_has_int = self.piece_integral = False
        if n == 0:
            return True
        if tab.num_columns != len(self.names):
            return False
        kinds = {}
        for name, col in zip(self.names, tab.columns, strict=True):
            t = col.type
            if pa.types.is_null(t):
                kinds[name] = "null"
            elif pa.types.is_int64(t):
                kinds[name] = "int" if col.null_count == 0 else "float"
                self.piece_has_int = True
            elif pa.types.is_float64(t):
                kinds[name] = "float"
            else:
                return False
        first = self.rows == 0
        for name in self.names:  # a column is int64 only while every piece is
            k, was = kinds[name], self.kind[name]
            if first:
                self.kind[name] = k
            elif was == "int" and k != "int":
                self.kind[name] = "float"
                self._to_float(name)
            elif was == "null" and k != "null":
                self.kind[name] = "float"
        self._room(n, total, done_bytes)
        lo = self.rows
        for name, col in zip(self.names, tab.columns, strict=True):
            dst = self.data[name]
            if kinds[name] == "null":
                if dst.dtype != np.float64:
                    self.kind[name] = "float"
                    self._to_float(name)
                    dst = self.data[name]
                dst[lo : lo + n] = np.nan
                continue
            k = lo
            for chunk in col.chunks:
                m = len(chunk)
                if m == 0:
                    continue
                validity, values = chunk.buffers()[:2]
                off = chunk.offset
                src = np.int64 if pa.types.is_int64(chunk.type) else np.float64
                v = np.frombuffer(values, dtype=src, count=off + m)[off:]
                dst[k : k + m] = v
                if chunk.null_count:
                    bits = np.frombuffer(validity, dtype=np.uint8)
                    valid = np.unpackbits(bits, count=off + m, bitorder="little")[off:]
                    dst[k : k + m][valid == 0] = np.nan
                k += m
            if kinds[name] == "float" and pa.types.is_float64(col.type):
                piece = dst[lo : lo + n]
                if not _finite_but_empty(piece, col.null_count):
                    return False  # NaN/inf written in a way the C engine may not read as a number
                if col.null_count == 0 and _all_integral(piece):
                    if float(np.max(np.abs(piece))) >= _EXACT_INT:
                        return False
                    self.piece_integral = True
        self.rows += n
        return True

    def finish(self) -> dict[str, np.ndarray] | None:
        if self.rows == 0:
            return None
        out = {}
        for name in self.names:
            if self.kind[name] == "null":
                out[name] = np.full(self.rows, np.nan)
            else:
                out[name] = self.data[name][: self.rows]
        return out


def _holds(path: Path, offset: int, needles: tuple[bytes, ...], before: bytes = b"") -> bool:
    """Does the file, from byte ``offset`` on, hold any of ``needles`` (one or two bytes)?

    ``before`` stands in front of the file (a line start at byte 0). Read in
    pieces into one buffer (a few MB, not the file, in memory); each piece
    repeats the last byte of the one before, so no two-byte needle is missed.
    """
    buf = bytearray(4 << 20)
    buf[: len(before)] = before
    with open(path, "rb", buffering=0) as fh:
        fh.seek(offset)
        k = len(before) + fh.readinto(memoryview(buf)[len(before) :])
        while k:
            if any(buf.find(b, 0, k) >= 0 for b in needles):
                return True
            if k < len(buf):
                return False
            buf[0] = buf[k - 1]
            k = 1 + fh.readinto(memoryview(buf)[1:])
            if k == 1:
                return False
    return False


def _arrow_column(col: Any) -> np.ndarray:
    """A pyarrow int64/float64 column as one numpy array, empty cells NaN (int64 -> float64).

    The chunks are joined by pyarrow (in memory its pool just freed, faster
    than fresh numpy memory in a new process) and viewed from the buffers:
    pyarrow's own ``to_numpy`` imports pandas.
    """
    arr = col.combine_chunks()
    validity, values = arr.buffers()[:2]
    m, off = len(arr), arr.offset
    src = np.int64 if str(arr.type) == "int64" else np.float64
    out = np.frombuffer(values, dtype=src, count=off + m)[off:]
    if arr.null_count:
        out = out.astype(np.float64)
        bits = np.frombuffer(validity, dtype=np.uint8)
        valid = np.unpackbits(bits, count=off + m, bitorder="little")[off:]
        out[valid == 0] = np.nan
    return out


def _finite_but_empty(a: np.ndarray, n_empty: int) -> bool:
    """True when the only NaN/inf values of ``a`` are its ``n_empty`` empty cells."""
    if n_empty == 0 and math.isfinite(float(np.add.reduce(a))):
        return True  # one sum is cheaper than isfinite on every value
    return a.size - np.count_nonzero(np.isfinite(a)) == n_empty


def _all_integral(a: np.ndarray) -> bool:
    """True when every value of a float array is a whole number (first rows looked at first)."""
    head = a[:1000]
    if not np.array_equal(head, np.trunc(head)):
        return False
    return bool(np.array_equal(a, np.trunc(a)))


def _pandas_read(
    path: Path, lay: TextLayout, encoding: str, row_bytes: float = 0.0, size: int = 0
) -> Any:
    """The data block as a DataFrame parsed by pandas' C engine."""
    import pandas as pd

    kw: dict[str, Any] = {
        "header": None,
        "names": lay.names,
        "skiprows": lay.first_data_line,
        "encoding": encoding,
    }
    kw.update(index_col=False, skip_blank_lines=True)
    if lay.comment:
        kw["comment"] = lay.comment
    if lay.n_data_lines is not None:
        kw["nrows"] = lay.n_data_lines
    if lay.decimal != ".":
        kw["decimal"] = lay.decimal
    sep = r"\s+" if lay.delimiter is None else lay.delimiter
    if size >= CHUNKED_MIN_BYTES and row_bytes > 0 and lay.n_data_lines is None:
        df = _chunked_read(path, sep, kw, int(1.25 * size / row_bytes) + 1024)
        if df is not None:
            return df
    # low_memory (pandas' default) parses in chunks: about 2x faster and leaner
    # than low_memory=False on large files. A column whose chunks disagree in
    # type (text in a numeric column) raises DtypeWarning: then that file is
    # read again in one piece, so each column gets one type (as before).
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.DtypeWarning)
        try:
            return pd.read_csv(path, engine="c", sep=sep, **kw)
        except pd.errors.DtypeWarning:
            pass
    return pd.read_csv(path, engine="c", sep=sep, low_memory=False, **kw)


def _chunked_read(path: Path, sep: str, kw: dict[str, Any], n_alloc: int) -> Any:
    """The C engine's table of a large numeric file, parsed in pieces straight into its columns.

    A one-piece parse holds the parser's buffers and the chunks it joins at
    the end: about 3.4x the table at peak. Here the data section is cut at
    line ends into pieces of ``PIECE_BYTES``, parsed by the same C engine on
    a few threads (its tokeniser releases the GIL) and copied in order into
    preallocated columns (``n_alloc`` rows; pages never written cost no
    memory): the peak is the table plus a few pieces, the values those of
    ``pd.read_csv``. Returns None (the caller parses in one piece, which also
    gives the right messages) for quoted fields or a lone ``\\r`` line end,
    when a piece fails to parse, or when a column is not int64/float64 in
    every piece (pandas would pick one type for the whole column).
    """
    import io
    import os
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor
    from itertools import pairwise

    import pandas as pd

    size = path.stat().st_size
    with open(path, "rb") as fh:
        for _ in range(int(kw["skiprows"])):
            fh.readline()
        start = fh.tell()
        fh.seek(0)
        head = fh.read(start + (1 << 16))  # preamble and the first data lines
        if b'"' in head or head.count(b"\r") != head.count(b"\r\n"):
            return None
        cuts = [start]
        for pos in range(start + PIECE_BYTES, size, PIECE_BYTES):
            fh.seek(pos)
            fh.readline()
            if fh.tell() > cuts[-1] and fh.tell() < size:
                cuts.append(fh.tell())
        cuts.append(size)
    pkw = {**kw, "skiprows": 0, "low_memory": False}

    def parse(span: tuple[int, int]) -> Any:
        try:
            with open(path, "rb") as f:
                f.seek(span[0])
                raw = f.read(span[1] - span[0])
            return pd.read_csv(io.BytesIO(raw), engine="c", sep=sep, **pkw)
        except Exception:  # the one-piece parse reports it with the right line number
            return None

    cols: dict[str, np.ndarray] = {}
    k = 0
    workers = max(1, min(4, os.cpu_count() or 1))
    spans = deque(pairwise(cuts))
    with ThreadPoolExecutor(workers) as pool:
        # at most `workers` + 1 pieces parsed ahead of the copy: bounded memory
        ahead = deque(
            pool.submit(parse, spans.popleft()) for _ in range(min(workers + 1, len(spans)))
        )
        while ahead:
            df = ahead.popleft().result()
            if spans:
                ahead.append(pool.submit(parse, spans.popleft()))
            if df is None:
                return None
            m = len(df)
            if m == 0:
                continue
            if not cols:
                if any(dt not in (np.float64, np.int64) for dt in df.dtypes):
                    return None
                cols = {c: np.empty(n_alloc, dtype=dt) for c, dt in df.dtypes.items()}
            if k + m > n_alloc:  # more rows than the head suggested: grow
                n_alloc = 2 * (k + m)
                cols = {
                    c: np.concatenate([a[:k], np.empty(n_alloc - k, a.dtype)])
                    for c, a in cols.items()
                }
            for c, a in cols.items():
                v = df[c].to_numpy()
                if v.dtype != a.dtype:
                    return None
                a[k : k + m] = v
            k += m
    if not cols:
        return None
    return pd.DataFrame({c: a[:k] for c, a in cols.items()}, copy=False)


def _trim_footer(df: Any, lay: TextLayout) -> tuple[Any, list[str]]:
    """Drop a short block of text rows at the end (instrument summaries)."""
    import pandas as pd

    if len(df) < 3:
        return df, []
    bad_any = np.zeros(len(df), dtype=bool)
    n_numeric_cols = 0
    for c in df.columns:
        s = df[c]
        if s.dtype.kind in "fiub":
            n_numeric_cols += 1
            continue
        st = s.astype("string").str.strip()
        num = pd.to_numeric(st, errors="coerce")
        ok = num.notna() | st.isna() | (st == "")
        frac = float(ok.mean())
        if frac >= 0.5:
            n_numeric_cols += 1
            bad_any |= ~ok.to_numpy(dtype=bool)
    if not bad_any.any() or n_numeric_cols == 0:
        return df, []
    first_bad = int(np.argmax(bad_any))
    k = len(df) - first_bad
    if k > 10 or not bad_any[first_bad:].all():
        return df, []
    rows = [" ".join(str(v) for v in r if pd.notna(v)) for r in df.iloc[first_bad:].to_numpy()]
    return df.iloc[:first_bad].reset_index(drop=True), rows


def read_text(
    path: Path,
    head: str,
    *,
    complete: bool,
    encoding: str,
    size: int,
    engine: str | None = None,
) -> tuple[Any, dict[str, Any], int]:
    """Read a delimited text table.

    Parameters
    ----------
    engine : {None, "pyarrow", "c"}
        None or ``"pyarrow"``: pyarrow when the layout is simple and it reads
        every column as the C engine would, else pandas' C engine; ``"c"``:
        the C engine.

    Returns
    -------
    columns : dict or DataFrame
        The table as written (original column names): a dict of numpy
        arrays when pyarrow read it, else a pandas DataFrame.
    meta : dict
        ``preamble``, ``footer``, ``delimiter``, ``engine`` (``"pyarrow"`` or
        ``"c"``) and, for TDI files, ``tdi``.
    first_line : int
        1-based line number of the first data row (for messages).
    """
    if engine not in (None, "pyarrow", "c"):
        raise ValueError(f"engine must be None, 'pyarrow' or 'c', got {engine!r}")
    lines = head.splitlines()
    name = path.name
    if len(lines) > SNIFF_LINES:  # the layout shows in the first lines; a footer is trimmed later
        lines, complete = lines[:SNIFF_LINES], False
    lay = sniff_layout(lines, complete=complete, source=name)
    meta: dict[str, Any] = {
        "delimiter": {"\t": "tab", None: "whitespace"}.get(lay.delimiter, lay.delimiter),
        "engine": "c",
    }
    if lay.preamble:
        meta["preamble"] = lay.preamble
    is_tdi = bool(lay.names) and str(lay.names[0]).startswith("TDI Format")
    offset = None if engine == "c" or is_tdi else _data_offset(path, lay, head, encoding)
    if offset is not None:
        cols = _arrow_read(path, lay, offset)
        if cols is not None:
            meta["engine"] = "pyarrow"
            return cols, meta, lay.first_data_line + 1
    df = _read_c(path, lay, lines, encoding, size)
    if len(df.columns) != len(lay.names):  # pragma: no cover - defensive
        raise FormatError(f"{name}: could not split the header into columns")
    footer = list(lay.footer)
    df, more = _trim_footer(df, lay)
    footer = more + footer
    if footer:
        meta["footer"] = footer
    if is_tdi:
        col0 = df.columns[0]
        tdi: dict[str, str] = {}
        for v in df[col0].dropna().astype(str):
            key, eq, val = v.partition("=")
            if eq:
                tdi[re.sub(r"\{.*\}$", "", key).strip()] = val.strip()
        meta["tdi"] = tdi
        meta["tdi_version"] = str(lay.names[0])
        df = df.drop(columns=[col0])
    if len(df) == 0:
        raise FormatError(
            f"{name} has a header but no data rows; record some data or check the file"
        )
    return df, meta, lay.first_data_line + 1


def _read_c(path: Path, lay: TextLayout, lines: list[str], encoding: str, size: int) -> Any:
    """The data block read by pandas' C engine; its errors turned into one-line messages."""
    import pandas as pd

    name = path.name
    data = lines[lay.first_data_line :]
    row_bytes = (sum(map(len, data)) + len(data)) / len(data) if data else 0.0
    try:
        try:
            return _pandas_read(path, lay, encoding, row_bytes, size)
        except UnicodeDecodeError:
            return _pandas_read(path, lay, "latin-1", row_bytes, size)
    except pd.errors.ParserError as exc:
        msg = " ".join(str(exc).split())
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", msg)
        if m:
            line = int(m.group(2))  # pandas counts lines of the whole file
            raise FormatError(
                f"{name}: line {line} has {m.group(3)} fields where the header has "
                f"{m.group(1)}; fix that line (a stray delimiter?) or remove it"
            ) from None
        raise FormatError(
            f"{name} cannot be parsed as a table ({msg[:200]}); check the file"
        ) from None
