"""manage.py face_enroll USERNAME IMAGE [IMAGE...] --consent  ->  {"user", "encodings", "quality"}"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.cli import print_json
from portal.models import User
from security.models import FaceConsent
from security.services.faces import FaceEnrolError, face_consent_give, face_enrol


class Command(BaseCommand):
    help = "Enrol a person's face on their behalf; --consent records that they consented (on paper)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("images", nargs="+")
        parser.add_argument("--consent", action="store_true", help="the person gave explicit consent; record it")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}")
        if not options["consent"] and not FaceConsent.objects.filter(user=user, withdrawn_at__isnull=True).exists():
            raise CommandError("no consent on record: collect it and pass --consent")
        images = []
        for name in options["images"]:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"no such file: {name}")
            images.append(path.read_bytes())
        if options["consent"]:
            face_consent_give(user=user, channel=FaceConsent.Channel.OPERATOR)
        quality = []
        encodings = 0
        for name, data in zip(options["images"], images, strict=True):
            try:
                done = face_enrol(user=user, image=data, actor="cli:face_enroll")
            except FaceEnrolError as exc:
                raise CommandError(f"{name}: {exc.message}") from exc
            encodings = done.encodings
            quality.append({"file": name, **done.quality})
        print_json(self, {"user": user.username, "encodings": encodings, "quality": quality})
