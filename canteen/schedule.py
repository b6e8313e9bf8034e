"""Celery beat entries of this app, merged into CELERY_BEAT_SCHEDULE (plain data: no Django imports)."""

BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Hourly, not once on the 1st: a missed run (worker down at midnight) is caught up within the hour,
    # and the per-person-per-month key makes every later run a no-op.
    "canteen-subsidy-grant": {"task": "canteen.tasks.subsidy_grant", "schedule": 3600.0},
    "canteen-takeaway-expire": {"task": "canteen.tasks.takeaway_expire", "schedule": 300.0},
    "canteen-topup-query": {"task": "canteen.tasks.topup_query", "schedule": 120.0},
}
