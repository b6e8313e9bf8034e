from django.utils.translation import gettext_lazy as _

from core.registry import DeviceKindSpec, DomainConfig, LedgerAccountSpec, LedgerKindSpec, Tile
from core.roles import MANAGER, SECURITY, STAFF

BOOK = "booking.book_resource"
MANAGE = "booking.manage_bookings"
FRONT_DESK = "booking.register_parcel"
# One per back-office category (portal/booking/categories.py); lockers are the front desk's.
CATEGORY_PERMS = {"booking.manage_rooms", "booking.manage_vehicles", "booking.manage_laundry", "booking.manage_parking"}


class BookingConfig(DomainConfig):
    """Bookings (rooms, vehicles, laundry, car wash, visitor parking), visitor invitations, parcel lockers."""

    name = "portal.booking"
    label = "booking"
    verbose_name = _("Bookings")
    handlers_module = "portal.booking.handlers"
    modules = ("portal.booking.receivers",)
    device_kinds = (DeviceKindSpec("locker", _("parcel locker")),)
    ledger_kinds = (
        LedgerKindSpec("booking_fee", _("booking fee")),
        LedgerKindSpec("booking_refund", _("booking refund")),
    )
    ledger_accounts = (LedgerAccountSpec("booking_revenue", _("booking revenue")),)
    permissions = {
        STAFF: {BOOK},
        MANAGER: {BOOK, MANAGE, FRONT_DESK, *CATEGORY_PERMS},
        SECURITY: {FRONT_DESK},
    }
    tiles = (
        Tile(
            "booking", _("Bookings"), _("Meeting rooms, vehicles, laundry, car wash"), "calendar", "booking:home", BOOK, order=35
        ),
        Tile(
            "visitors",
            _("Visitors"),
            _("Invite a visitor: gate pass and parking"),
            "calendar",
            "booking:invitations",
            BOOK,
            order=37,
        ),
        Tile("parcels", _("Parcels"), _("Parcel lockers: your pickup codes"), "package", "booking:parcels", BOOK, order=38),
        Tile(
            "approvals",
            _("Approvals"),
            _("Requests waiting for you"),
            "check",
            "booking:office_home",
            MANAGE,
            order=27,
            group="work",
        ),
        Tile(
            "booking-office",
            _("Booking office"),
            _("Approvals, queues and utilisation"),
            "calendar",
            "booking:office_home",
            MANAGE,
            order=300,
            group="work",
        ),
        Tile(
            "front-desk",
            _("Parcel desk"),
            _("Register parcels into the lockers"),
            "package",
            "booking:front_desk",
            FRONT_DESK,
            order=310,
            group="work",
        ),
    )
    beat_schedule = {
        "booking-no-shows": {"task": "portal.booking.tasks.no_shows_release", "schedule": 60.0},
        "booking-parcel-reminders": {"task": "portal.booking.tasks.parcels_remind", "schedule": 3600.0},
    }
    urls = (("booking/", "portal.booking.urls"), ("api/booking/", "portal.booking.api_urls"))
    demo = "portal.booking.demo.demo_ensure"
    personal_data = "portal.booking.privacy.personal_data"
