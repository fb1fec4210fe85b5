"""What every app's ninja Router shares: authentication, the one error format, pagination, schemas.

An app's `api.py` imports from here; `innohub.config.api` assembles the routers into `/api/v1`.
"""

from innohub.core.api.auth import READ_AUTH, SESSION_ONLY, WRITE_AUTH, api_user
from innohub.core.api.errors import ErrorOut, install_error_handlers
from innohub.core.api.pagination import PageParams, page_of, paginate
from innohub.core.api.schemas import CenterRef, CountryRef, OrganisationRef, TermOut

__all__ = [
    "READ_AUTH",
    "SESSION_ONLY",
    "CenterRef",
    "CountryRef",
    "WRITE_AUTH",
    "ErrorOut",
    "OrganisationRef",
    "PageParams",
    "TermOut",
    "api_user",
    "install_error_handlers",
    "page_of",
    "paginate",
]
