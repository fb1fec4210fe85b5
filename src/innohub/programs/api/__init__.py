"""/api/v1/programs: programmes, calls, forms and applications (calls.py); review rounds, panels,
conflicts, assignment, scores and decisions (review.py)."""

from ninja import Router

from .calls import router as calls_router
from .review import router as review_router

router = Router(tags=["programs"])
router.add_router("", calls_router)
router.add_router("", review_router)
