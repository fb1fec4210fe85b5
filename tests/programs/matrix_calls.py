"""Rows of the programmes permission matrix (see test_permission_matrix.py in this folder).

GET_MATRIX: URL name -> (kwargs, {role: expected GET status}); kwargs values may be "{key}" filled
from the selection_world objs. POST_ONLY: URL name -> kwargs for views that only change state; they
are checked to refuse anon/outsider/member_elsewhere (302/400/403/404/405).
"""

GET_MATRIX: dict[str, tuple[dict, dict[str, int]]] = {}
POST_ONLY: dict[str, dict] = {}
