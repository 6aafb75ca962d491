"""The catalog files moderators exchange: what `/catalog export` writes and what `/catalog import` reads.

Every file export writes, import reads back. A catalog file is YAML in the layout of data/. Up to 256 KB
(about 150 resources with tables of contents) it is sent as `.yaml`, to read and edit; a larger one is
packed with gzip, as `.yaml.gz`, which any archive tool opens (10,000 resources with tables of contents:
about 15 MB of YAML, 2 MB packed, inside the 10 MB Discord lets a file carry). Import takes a `.yaml` of
up to 256 KB, or a `.yaml.gz` of up to 8 MB that unpacks to at most 32 MB (a packed file is unpacked in
bounded steps, so one that claims more is refused before it is all in memory). Writing, packing and
unpacking run in a worker thread, a resource at a time: at 10,000 resources they take about a second, which
the event loop, and every other member, must not wait out.
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import Sequence
from io import BytesIO

import discord

from bot.catalog.schema import Resource
from bot.catalog.writer import resource_chunks
from bot.errors import InvalidInputError
from bot.ui.text import literal

MAX_IMPORT_BYTES = 256 * 1024  # a .yaml file, as uploaded
MAX_PACKED_BYTES = 8 * 1024 * 1024  # a .yaml.gz file, as uploaded
MAX_UNPACKED_BYTES = 32 * 1024 * 1024  # what a .yaml.gz file may unpack to
PACKED_SUFFIX = ".gz"
_GZIP_MAGIC = b"\x1f\x8b"


def catalog_file(resources: Sequence[Resource], name: str) -> tuple[str, bytes]:
    """The file export sends for these resources: `<name>.yaml`, or `<name>.yaml.gz` past the plain limit.

    Encoded and packed a resource at a time (see `resource_chunks`): no single call holds the interpreter long.
    """
    chunks = [chunk.encode("utf-8") for chunk in resource_chunks(resources)]
    if sum(map(len, chunks)) <= MAX_IMPORT_BYTES:
        return f"{name}.yaml", b"".join(chunks)
    packer = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)  # gzip's header and checksum
    packed = [packer.compress(chunk) for chunk in chunks]
    packed.append(packer.flush())
    return f"{name}.yaml{PACKED_SUFFIX}", b"".join(packed)


async def export_attachment(resources: Sequence[Resource], name: str) -> discord.File:
    """`catalog_file`, written in a worker thread, as an attachment."""
    filename, data = await asyncio.to_thread(catalog_file, resources, name)
    return discord.File(BytesIO(data), filename=filename)


async def read_upload(file: discord.Attachment) -> str:
    """The text of an uploaded catalog file (unpacked when packed); InvalidInputError when it is too big, not
    a valid packed file, or not UTF-8 text."""
    packed = file.filename.lower().endswith(PACKED_SUFFIX)
    if file.size > (MAX_PACKED_BYTES if packed else MAX_IMPORT_BYTES):
        raise InvalidInputError(
            f"That file is {file.size // 1024:,} KB; an import takes a .yaml file of up to "
            f"{MAX_IMPORT_BYTES // 1024} KB, or a .yaml.gz (what `/catalog export` sends for a larger catalog) "
            f"of up to {MAX_PACKED_BYTES // 2**20} MB."
        )
    try:
        raw = await file.read()
    except discord.HTTPException:
        raise InvalidInputError("I couldn't download that file from Discord; try attaching it again.") from None
    return await asyncio.to_thread(_text_of, file.filename, raw)


def _text_of(filename: str, raw: bytes) -> str:
    """The UTF-8 text of a catalog file's bytes, unpacked first when they are gzip's."""
    if raw[:2] == _GZIP_MAGIC:
        raw = _unpacked(filename, raw)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInputError(f"{literal(filename)} is not a UTF-8 text file; export the YAML as UTF-8.") from None


def _unpacked(filename: str, raw: bytes) -> bytes:
    """What a gzip file holds, never more than MAX_UNPACKED_BYTES of it; InvalidInputError otherwise."""
    unpacker = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # gzip's header and checksum
    try:
        data = unpacker.decompress(raw, MAX_UNPACKED_BYTES + 1)
    except zlib.error:
        raise InvalidInputError(f"{literal(filename)} is not a valid .gz file; export it again.") from None
    if len(data) > MAX_UNPACKED_BYTES or unpacker.unconsumed_tail:
        raise InvalidInputError(
            f"{literal(filename)} unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MB; split the catalog."
        )
    if not unpacker.eof:
        raise InvalidInputError(f"{literal(filename)} is cut short; attach the whole file again.")
    return data
