"""Every write of programmes and selection (CONVENTIONS.md §2), one module per part of the workflow."""
