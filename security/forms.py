from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from security.models import AccessZone
from security.uploads import MAX_UPLOAD_BYTES


class FacePhotoForm(forms.Form):
    photo = forms.FileField(label=_("Photo of your face"))

    def clean_photo(self) -> bytes:
        upload = self.cleaned_data["photo"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The photo is larger than 8 MB."))
        data: bytes = upload.read()
        return data


class VisitorForm(forms.Form):
    visitor_name = forms.CharField(label=_("Visitor name"), max_length=100)
    zone = forms.ModelChoiceField(label=_("Zone"), queryset=AccessZone.objects.none())
    valid_from = forms.DateTimeField(label=_("From"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    valid_until = forms.DateTimeField(label=_("Until"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))

    def __init__(self, *args: object, site_id: int | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        zone_field = self.fields["zone"]
        assert isinstance(zone_field, forms.ModelChoiceField)
        zone_field.queryset = AccessZone.objects.filter(site_id=site_id or 0)

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
    since = forms.DateTimeField(label=_("From"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    until = forms.DateTimeField(label=_("Until"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
