import os

from celery import Celery
from celery.beat import PersistentScheduler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("smartoffice")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class RegistryScheduler(PersistentScheduler):
    """Beat with the schedules the installed apps contribute (DomainConfig.beat_schedule).

    Read when the scheduler starts, after Django is set up: settings cannot know them, since the
    apps are not loaded when settings are."""

    def setup_schedule(self) -> None:
        from django.apps import apps

        if not apps.ready:
            import django

            django.setup()
        from core.registry import beat_schedule

        self.app.conf.beat_schedule = {**beat_schedule(), **(self.app.conf.beat_schedule or {})}
        super().setup_schedule()
