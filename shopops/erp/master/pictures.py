"""Item and item variant pictures (BC's Item Picture), kept as bytes or as a file, with their SHA-256.

    pictures = ItemPictures(ws.engine)
    pictures.set("1000", png_bytes)                               # the item's picture
    pictures.set("1000", path="pics/1000-red.jpg", variant_code="RED", content_type="image/jpeg")
    pictures.content("1000")                                      # the bytes
    pictures.hashes()                                             # {("1000", ""): ("ab12...", "image/png"), ...}

The hash is what sync-images compares, so an unchanged picture is never sent again. A picture kept as a file
is hashed when it is set; :meth:`ItemPictures.refresh_files` hashes the files again after they changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import Connection, Engine, and_, delete, insert, select, update

from shopops.erp._base import begin, reading
from shopops.errors import ConfigError, NotFound
from shopops.store import tables as t
from shopops.store.types import utcnow

PIC = t.erp_item_picture
Key = tuple[str, str]  # item no., variant code


def sha256(content: bytes) -> str:
    """The hex SHA-256 of a picture's bytes."""
    return hashlib.sha256(content).hexdigest()


@dataclass(frozen=True)
class Picture:
    """One picture, without its bytes."""

    item_no: str
    variant_code: str
    file_path: str | None
    content_type: str
    sha256: str
    updated_at: dt.datetime

    def __repr__(self) -> str:
        where = f" variant {self.variant_code}" if self.variant_code else ""
        return f"Picture of item {self.item_no}{where} ({self.content_type}, {self.sha256[:12]})"


def _key(item_no: str, variant_code: str) -> Key:
    return item_no.strip().upper(), variant_code.strip().upper()


class ItemPictures:
    """The pictures of items and item variants: ``set``, ``get``, ``content``, ``hashes``, ``frame``."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def set(
        self,
        item_no: str,
        content: bytes | None = None,
        *,
        path: str | Path | None = None,
        content_type: str = "image/png",
        variant_code: str = "",
        conn: Connection | None = None,
    ) -> str:
        """Store a picture (bytes, or a file to read them from): "inserted", "updated" or "unchanged"."""
        if (content is None) == (path is None):
            raise ConfigError("content", "give the picture's bytes or a path to its file, not both")
        if path is not None:
            content = Path(path).read_bytes()
        assert content is not None
        if not content_type.startswith("image/"):
            raise ConfigError("content_type", f"{content_type!r} is not an image type (e.g. image/png)")
        item, variant = _key(item_no, variant_code)
        values = {
            "content": None if path is not None else content,
            "file_path": str(path) if path is not None else None,
            "content_type": content_type,
            "sha256": sha256(content),
        }
        where = and_(PIC.c.item_no == item, PIC.c.variant_code == variant)
        with begin(self._engine, conn) as c:
            old = c.execute(select(PIC.c.sha256, PIC.c.file_path, PIC.c.content_type).where(where)).first()
            if old is None:
                c.execute(insert(PIC).values(item_no=item, variant_code=variant, updated_at=utcnow(), **values))
                return "inserted"
            if tuple(old) == (values["sha256"], values["file_path"], content_type):
                return "unchanged"
            c.execute(update(PIC).where(where).values(updated_at=utcnow(), **values))
            return "updated"

    def find(self, item_no: str, variant_code: str = "") -> Picture | None:
        """The picture, or None."""
        item, variant = _key(item_no, variant_code)
        columns = [PIC.c[f] for f in Picture.__dataclass_fields__]
        with reading(self._engine, None) as c:
            row = c.execute(select(*columns).where(PIC.c.item_no == item, PIC.c.variant_code == variant)).first()
        return Picture(*row) if row is not None else None

    def get(self, item_no: str, variant_code: str = "") -> Picture:
        """The picture; NotFound names it when there is none."""
        found = self.find(item_no, variant_code)
        if found is None:
            raise NotFound(f"item {item_no} {variant_code} has no picture".replace("  ", " "))
        return found

    def content(self, item_no: str, variant_code: str = "") -> bytes:
        """The picture's bytes (read from its file when it is kept as one)."""
        item, variant = _key(item_no, variant_code)
        query = select(PIC.c.content, PIC.c.file_path).where(PIC.c.item_no == item, PIC.c.variant_code == variant)
        with reading(self._engine, None) as c:
            row = c.execute(query).first()
        if row is None:
            raise NotFound(f"item {item_no} {variant_code} has no picture".replace("  ", " "))
        return bytes(row[0]) if row[0] is not None else Path(row[1]).read_bytes()

    def hashes(self) -> dict[Key, tuple[str, str]]:
        """(sha256, content type) of every picture by (item no., variant code); no bytes are read."""
        query = select(PIC.c.item_no, PIC.c.variant_code, PIC.c.sha256, PIC.c.content_type)
        with reading(self._engine, None) as c:
            return {(r[0], r[1]): (r[2], r[3]) for r in c.execute(query)}

    def refresh_files(self) -> int:
        """Hash pictures kept as files again; how many changed."""
        query = select(PIC.c.item_no, PIC.c.variant_code, PIC.c.file_path, PIC.c.content_type, PIC.c.sha256)
        with reading(self._engine, None) as c:
            rows = c.execute(query.where(PIC.c.file_path.is_not(None))).all()
        changed = 0
        for item, variant, path, ctype, old in rows:
            if Path(path).is_file() and sha256(Path(path).read_bytes()) != old:
                changed += self.set(item, path=path, content_type=ctype, variant_code=variant) == "updated"
        return changed

    def delete(self, item_no: str, variant_code: str = "") -> bool:
        """Remove a picture; False when there was none."""
        item, variant = _key(item_no, variant_code)
        with self._engine.begin() as c:
            gone = c.execute(delete(PIC).where(PIC.c.item_no == item, PIC.c.variant_code == variant)).rowcount
        return bool(gone)

    def frame(self) -> pd.DataFrame:
        """Every picture without its bytes, by item and variant."""
        columns = list(Picture.__dataclass_fields__)
        with reading(self._engine, None) as c:
            rows = c.execute(select(*[PIC.c[f] for f in columns]).order_by(PIC.c.item_no, PIC.c.variant_code))
            return pd.DataFrame([tuple(r) for r in rows], columns=columns)
