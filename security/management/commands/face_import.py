"""manage.py face_import PATH (folder or .zip of photos named by employee number, e.g. E00012.jpg)

Progress bar on stderr, JSON report on stdout: {"enrolled": [...], "rejected": [...]}.
Run it only for people whose consent was collected on paper; it is recorded as channel "import".
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from core.cli import print_json
from security.services.faces import face_import

SUFFIXES = (".jpg", ".jpeg", ".png")
MAX_FILE_BYTES = 8_000_000


def _from_zip(path: Path) -> tuple[int, Iterator[tuple[str, bytes]]]:
    archive = zipfile.ZipFile(path)
    names = [i for i in archive.infolist() if not i.is_dir() and i.filename.lower().endswith(SUFFIXES)]

    def items() -> Iterator[tuple[str, bytes]]:
        with archive:
            for info in names:
                # the declared size guards against zip bombs before anything is inflated
                yield Path(info.filename).name, archive.read(info) if info.file_size <= MAX_FILE_BYTES else b""

    return len(names), items()


def _from_folder(path: Path) -> tuple[int, Iterator[tuple[str, bytes]]]:
    files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
    return len(files), ((p.name, p.read_bytes() if p.stat().st_size <= MAX_FILE_BYTES else b"") for p in files)


class Command(BaseCommand):
    help = "Bulk-enrol faces from a folder or zip of photos named by employee number."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--consent-collected", action="store_true", required=True,
                            help="confirm everyone in the batch gave explicit consent")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if path.is_dir():
            total, items = _from_folder(path)
        elif path.is_file() and zipfile.is_zipfile(path):
            total, items = _from_zip(path)
        else:
            raise CommandError(f"{path} is neither a folder nor a zip file")
        stream = cast(TextIO, cast(Any, self.stderr)._out)  # the raw stream: OutputWrapper adds newlines
        with tqdm(total=total, unit="photo", file=stream, disable=False) as bar:

            def advance(_name: str) -> None:
                bar.update(1)

            report = face_import(items=items, actor="cli:face_import", on_progress=advance)
        print_json(self, {"enrolled": report.enrolled, "rejected": report.rejected})
