"""PIPL art. 45 export, portal's part: the person's profile (no password hash)."""

from __future__ import annotations

from typing import Any

from portal.models import User


def personal_data(user: User) -> dict[str, Any]:
    department = user.department
    return {
        "profile": {
            "id": user.pk,
            "username": user.username,
            "family_name": user.last_name,
            "given_name": user.first_name,
            "email": user.email,
            "phone": user.phone,
            "employee_no": user.employee_no,
            "department": department.name if department else None,
            "site": user.site.code if user.site else None,
            "roles": user.roles,
            "active": user.is_active,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        }
    }
