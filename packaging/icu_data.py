"""A smaller ICU data library for the Linux bundle (32 MB → ~9 MB).

QtCore links ICU for four things: collation (QCollator), time-zone names, case mapping and
legacy text encodings (QStringConverter). ICU's data library carries far more: break
iteration dictionaries, transliteration, number spelling, units, currency, language and
region names, and formatting data for 860 locales, none of which Qt calls (it formats with
its own CLDR tables). This copies the data package that the wheel's libicudata holds, keeps
what Qt can reach, and links it into a library of the same name and symbol with binutils
(`as`, `ld`). Left out too: the legacy encodings' tables (LiveScribe reads only UTF-8;
UTF-16/32 and Latin-1 are built into ICU's code).

The package format (ICU's "common data", udatamem/ucmndata): a header, then a table of
contents (count, then name and data offsets from the table's start), the names, and the
items, each 16-byte aligned.
"""

from __future__ import annotations

import re
import struct
import subprocess
from pathlib import Path

LEFT_OUT_TREES = {"brkitr", "curr", "lang", "rbnf", "region", "translit", "unit"}
# A locale's own formatting data at the top level ("de.res", "sr_Latn_BA.res").
LOCALE_DATA = re.compile(r"^[a-z]{2,3}(_[A-Za-z0-9]+)*\.res$")
KEPT_TOP_LEVEL = {"root.res", "res_index.res"}


def kept(item: str) -> bool:
    """`item` is the name inside the package, without its "icudt73l/" prefix."""
    tree, _, rest = item.partition("/")
    if rest:
        return tree not in LEFT_OUT_TREES
    if item in KEPT_TOP_LEVEL:
        return True
    return not (LOCALE_DATA.match(item) or item.endswith(".cnv"))


def _data_symbol(library: Path) -> tuple[str, int, int]:
    """The data symbol's name, its offset in the file and its size."""
    symbols = subprocess.run(["readelf", "-Ws", "--dyn-syms", str(library)],
                             capture_output=True, text=True, check=True).stdout
    for line in symbols.splitlines():
        fields = line.split()
        if len(fields) == 8 and re.fullmatch(r"icudt\d+_dat", fields[7]) and fields[6] != "UND":
            address, size, name = int(fields[1], 16), int(fields[2], 0), fields[7]
            break
    else:
        raise RuntimeError(f"{library}: no ICU data symbol")
    sections = subprocess.run(["readelf", "-SW", str(library)],
                              capture_output=True, text=True, check=True).stdout
    for line in sections.splitlines():
        fields = line.split("]", 1)[-1].split()
        if len(fields) < 5 or not re.fullmatch(r"[0-9a-f]{16}", fields[2]):
            continue
        start, offset, length = int(fields[2], 16), int(fields[3], 16), int(fields[4], 16)
        if start <= address < start + length:
            return name, offset + address - start, size
    raise RuntimeError(f"{library}: the ICU data symbol is in no section")


def _filtered(package: bytes) -> bytes:
    header_size = struct.unpack_from("<H", package, 0)[0]
    if package[2:4] != b"\xda\x27" or package[12:16] != b"CmnD":
        raise RuntimeError("not an ICU common data package")
    toc = package[header_size:]
    count = struct.unpack_from("<I", toc, 0)[0]
    entries = [struct.unpack_from("<II", toc, 4 + 8 * i) for i in range(count)]
    ends = [offset for _, offset in entries[1:]] + [len(toc)]
    items = []
    for (name_at, data_at), end in zip(entries, ends, strict=True):
        name = toc[name_at:toc.index(b"\0", name_at)]
        if kept(name.decode("ascii").partition("/")[2]):
            items.append((name, toc[data_at:end]))
    name_offsets, at = [], 4 + 8 * len(items)
    for name, _ in items:
        name_offsets.append(at)
        at += len(name) + 1
    data_at = -(-at // 16) * 16
    table, blobs = [], b""
    for name_offset, (_, blob) in zip(name_offsets, items, strict=True):
        table.append(struct.pack("<II", name_offset, data_at + len(blobs)))
        blobs += blob + b"\0" * (-len(blob) % 16)
    body = (struct.pack("<I", len(items)) + b"".join(table)
            + b"".join(name + b"\0" for name, _ in items))
    return package[:header_size] + body + b"\0" * (data_at - len(body)) + blobs


def slim_icu_data(library: Path, workdir: Path) -> Path:
    """Build the smaller library in `workdir`; returns its path (same file name)."""
    symbol, offset, size = _data_symbol(library)
    with library.open("rb") as source:
        source.seek(offset)
        package = source.read(size)
    workdir.mkdir(parents=True, exist_ok=True)
    data = workdir / f"{symbol}.dat"
    data.write_bytes(_filtered(package))
    assembly = workdir / f"{symbol}.s"
    assembly.write_text(
        f'\t.section .rodata\n\t.globl {symbol}\n\t.type {symbol}, @object\n'
        f'\t.balign 16\n{symbol}:\n\t.incbin "{data.name}"\n'
        f'\t.size {symbol}, . - {symbol}\n\t.section .note.GNU-stack,"",@progbits\n'
    )
    subprocess.run(["as", "-o", f"{symbol}.o", assembly.name], cwd=workdir, check=True)
    slim = workdir / library.name
    subprocess.run(["ld", "-shared", "-soname", library.name, "-o", str(slim),
                    f"{symbol}.o"], cwd=workdir, check=True)
    return slim
