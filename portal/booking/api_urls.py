from django.urls import path

from portal.booking import api, api_visitors

urlpatterns = [
    path("resources/", api.ResourceList.as_view(), name="api-booking-resources"),
    path("resources/<int:resource_id>/slots/", api.ResourceSlots.as_view(), name="api-booking-slots"),
    path("approvals/", api.ApprovalQueue.as_view(), name="api-booking-approvals"),
    path("bookings/", api.BookingListCreate.as_view(), name="api-booking-bookings"),
    path("bookings/<int:booking_id>/", api.BookingDetail.as_view(), name="api-booking-detail"),
    path("bookings/<int:booking_id>/cancel/", api.BookingCancel.as_view(), name="api-booking-cancel"),
    path("bookings/<int:booking_id>/check-in/", api.BookingCheckIn.as_view(), name="api-booking-check-in"),
    path("bookings/<int:booking_id>/approve/", api.BookingApprove.as_view(), name="api-booking-approve"),
    path("bookings/<int:booking_id>/reject/", api.BookingReject.as_view(), name="api-booking-reject"),
    path("bookings/<int:booking_id>/resubmit/", api.BookingResubmit.as_view(), name="api-booking-resubmit"),
    path("bookings/<int:booking_id>/trip/", api.TripCreate.as_view(), name="api-booking-trip"),
    path("series/<int:series_id>/cancel/", api.SeriesCancel.as_view(), name="api-booking-series-cancel"),
    path("calendar.ics", api.CalendarFeed.as_view(), name="api-booking-calendar"),
    path("feed/", api.FeedReset.as_view(), name="api-booking-feed"),
    path("invitations/", api_visitors.InvitationListCreate.as_view(), name="api-booking-invitations"),
    path(
        "invitations/<int:invitation_id>/cancel/", api_visitors.InvitationCancel.as_view(), name="api-booking-invitation-cancel"
    ),
    path("parcels/", api_visitors.ParcelListCreate.as_view(), name="api-booking-parcels"),
]
