from security.models.access import (
    AccessGroup,
    AccessLog,
    AccessZone,
    Credential,
    Gate,
    Holiday,
    TimeWindow,
    VisitorPass,
)
from security.models.faces import FaceConsent, FaceEncoding, FaceIndexVersion

__all__ = [
    "AccessGroup",
    "AccessLog",
    "AccessZone",
    "Credential",
    "FaceConsent",
    "FaceEncoding",
    "FaceIndexVersion",
    "Gate",
    "Holiday",
    "TimeWindow",
    "VisitorPass",
]
