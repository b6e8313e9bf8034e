"""The ledger's own invariants, through its public functions and the CLI contract."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from canteen import ledger
from canteen.models import Account, AccountKind, Entry, TransactionKind
from canteen.services.wallet import points_award, wallet_adjust
from tests.canteen.conftest import fund

pytestmark = pytest.mark.django_db


def run(*args: str) -> dict:
    out = StringIO()
    call_command(*args, stdout=out)
    return json.loads(out.getvalue())


def test_a_transaction_must_balance_and_carry_integer_fen(li_ming) -> None:
    cash = ledger.user_accounts(li_ming).cash
    other = ledger.system_account(AccountKind.ADJUSTMENT)
    with pytest.raises(ledger.LedgerError, match="unbalanced"):
        ledger.transaction_post(kind=TransactionKind.ADJUST, key="k1", legs=[(cash, 100), (other, -99)])
    with pytest.raises(ledger.LedgerError, match="bad_amount"):
        ledger.transaction_post(kind=TransactionKind.ADJUST, key="k1", legs=[(cash, 1.5), (other, -1.5)])  # type: ignore[list-item]
    assert Entry.objects.count() == 0


def test_the_same_key_posts_once(li_ming) -> None:
    cash = ledger.user_accounts(li_ming).cash
    other = ledger.system_account(AccountKind.ADJUSTMENT)
    first = ledger.transaction_post(kind=TransactionKind.ADJUST, key="once", legs=[(cash, 500), (other, -500)])
    again = ledger.transaction_post(kind=TransactionKind.ADJUST, key="once", legs=[(cash, 500), (other, -500)])
    assert first.created and not again.created and again.transaction.pk == first.transaction.pk
    assert ledger.account_balance(cash) == 500 and ledger.account_balance(other) == -500


def test_cash_never_goes_negative_in_code_or_in_the_database(li_ming) -> None:
    fund(li_ming, 100)
    cash = ledger.user_accounts(li_ming).cash
    with pytest.raises(ledger.LedgerError, match="insufficient_funds"):
        wallet_adjust(user=li_ming, amount_fen=-101, reason="too much", actor="test")
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=cash.pk).update(balance_fen=-1)
    assert ledger.account_balance(cash) == 100


def test_money_rows_are_protected(li_ming) -> None:
    fund(li_ming, 100)
    with pytest.raises(ProtectedError):
        ledger.user_accounts(li_ming).cash.delete()


def test_cli_adjust_balance_and_check(li_ming) -> None:
    assert run("wallet_adjust", "li_ming", "1250", "--reason", "opening balance") == {"user": "li_ming", "cash_fen": 1250}
    points_award(user=li_ming, points=30, source_key="bin:1")
    assert run("wallet_balance", "li_ming") == {"user": "li_ming", "cash_fen": 1250, "subsidy_fen": 0, "points": 30}
    report = run("ledger_check")
    assert report["ok"] is True and report["transactions"] == 2 and report["entries_total_fen"] == 0
    with pytest.raises(CommandError, match="no user"):
        run("wallet_balance", "nobody")
    with pytest.raises(CommandError, match="insufficient_funds"):
        run("wallet_adjust", "li_ming", "-5000", "--reason", "x")


def test_ledger_check_fails_when_a_balance_disagrees_with_its_entries(li_ming) -> None:
    fund(li_ming, 800)
    Account.objects.filter(user=li_ming, kind=AccountKind.CASH).update(balance_fen=900)  # corruption from outside
    out = StringIO()
    with pytest.raises(CommandError, match="broken"):
        call_command("ledger_check", stdout=out)
    report = json.loads(out.getvalue())
    assert report["ok"] is False and report["mismatched_accounts"][0]["entries_total"] == 800


def test_canteen_demo_is_idempotent(site) -> None:
    first = run("canteen_demo", site.code)
    assert run("canteen_demo", site.code) == first == {"site": site.code, "merchants": 3, "products": 3}
    with pytest.raises(CommandError, match="no site"):
        run("canteen_demo", "nowhere")
