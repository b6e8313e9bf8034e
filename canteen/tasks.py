"""Celery tasks: ids in, idempotent, each calls one service."""

from __future__ import annotations

from celery import shared_task

from canteen.services.alipay import topup_query_pending
from canteen.services.shop import takeaway_expire_unclaimed
from canteen.services.wallet import subsidy_grant_month


@shared_task(name="canteen.tasks.subsidy_grant")
def subsidy_grant() -> dict[str, int]:
    """Safe to run any number of times a month: each person is granted once per month."""
    return subsidy_grant_month()


@shared_task(name="canteen.tasks.takeaway_expire")
def takeaway_expire() -> int:
    return takeaway_expire_unclaimed()


@shared_task(name="canteen.tasks.topup_query")
def topup_query() -> dict[str, int]:
    return topup_query_pending()
