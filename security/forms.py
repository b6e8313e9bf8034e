from __future__ import annotations

from datetime import datetime

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from security.models import AccessZone
from security.uploads import MAX_UPLOAD_BYTES, UPLOAD_IMAGE_FORMATS, image_format_refused

# <input type="datetime-local"> accepts only "2026-11-26T14:30": Django's default "2026-11-26 14:30:00" is rejected.
LOCAL_INPUT = "%Y-%m-%dT%H:%M"


def _local_input() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT)


class FacePhotoForm(forms.Form):
    photo = forms.FileField(label=_("Photo of your face"))

    def clean_photo(self) -> bytes:
        upload = self.cleaned_data["photo"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The photo is larger than 8 MB."))
        data: bytes = upload.read()
        refused = image_format_refused(data, UPLOAD_IMAGE_FORMATS)
        if refused and refused != "unknown":  # not an image at all: the engine says it cannot read it
            raise forms.ValidationError(
                _("Only JPEG and PNG photos are accepted; this file is %(format)s.") % {"format": refused}
            )
        return data


class VisitorForm(forms.Form):
    visitor_name = forms.CharField(label=_("Visitor name"), max_length=100)
    zone = forms.ModelChoiceField(label=_("Zone"), queryset=AccessZone.objects.none())
    valid_from = forms.DateTimeField(label=_("From"), widget=_local_input())
    valid_until = forms.DateTimeField(label=_("Until"), widget=_local_input())

    def __init__(self, *args: object, zones: QuerySet[AccessZone] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        zone_field = self.fields["zone"]
        assert isinstance(zone_field, forms.ModelChoiceField)
        zone_field.queryset = zones if zones is not None else AccessZone.objects.none()  # the host's zones

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_until")
        if isinstance(start, datetime) and isinstance(end, datetime) and end <= start:
            raise forms.ValidationError(_("The pass must end after it starts."))
        return data


class AccessLogFilterForm(forms.Form):
    person = forms.CharField(label=_("Person"), required=False)
    zone = forms.CharField(label=_("Zone"), required=False)
    gate = forms.CharField(label=_("Gate"), required=False)
    decision = forms.ChoiceField(
        label=_("Decision"), required=False, choices=[("", "—"), ("open", _("open")), ("deny", _("deny"))]
    )
    since = forms.DateTimeField(label=_("From"), required=False, widget=_local_input())
    until = forms.DateTimeField(label=_("Until"), required=False, widget=_local_input())
