from django.urls import path

from portal.booking import views, views_office

app_name = "booking"

urlpatterns = [
    path("", views.home, name="home"),
    path("r/<int:resource_id>/", views.resource_day, name="resource"),
    path("r/<int:resource_id>/book/", views.book, name="book"),
    path("r/<int:resource_id>/calendar/", views.resource_calendar_view, name="resource_calendar"),
    path("mine/", views.mine, name="mine"),
    path("calendar/", views.my_calendar, name="my_calendar"),
    path("b/<int:booking_id>/cancel/", views.cancel, name="cancel"),
    path("b/<int:booking_id>/check-in/", views.check_in, name="check_in"),
    path("b/<int:booking_id>/resubmit/", views.resubmit, name="resubmit"),
    path("feed/reset/", views.feed_reset, name="feed_reset"),
    path("feeds/<slug:token>.ics", views.person_feed, name="feed"),  # token_urlsafe: a slug
    path("feeds/rooms/<slug:token>.ics", views.room_feed, name="room_feed"),
    path("visitors/", views.invitations, name="invitations"),
    path("visitors/<int:invitation_id>/cancel/", views.invitation_cancel_view, name="invitation_cancel"),
    path("parcels/", views.parcels, name="parcels"),
    path("office/", views_office.office_home, name="office_home"),
    path("office/<str:category>/", views_office.office, name="office"),
    path("office/lockers/utilisation/", views_office.lockers_utilisation, name="lockers_utilisation"),
    path("office/b/<int:booking_id>/decide/", views_office.decide, name="decide"),
    path("office/b/<int:booking_id>/trip/", views_office.trip, name="trip"),
    path("office/r/<int:resource_id>/feed/reset/", views_office.room_feed_reset_view, name="room_feed_reset"),
    path("desk/", views_office.front_desk, name="front_desk"),
]
