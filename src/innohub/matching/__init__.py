"""Pure engines (numpy, scipy, OR-Tools; nothing from Django): the Django apps adapt their models to them.

They take plain arrays and return plain arrays, so they can be property-tested and benchmarked alone.
"""

from innohub.matching.assignment import Assignment, InfeasibleAssignment, assign, solve_assignment

__all__ = ["Assignment", "InfeasibleAssignment", "assign", "solve_assignment"]
