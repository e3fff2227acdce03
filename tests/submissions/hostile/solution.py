"""The instructor's solution, unchanged: full marks."""
