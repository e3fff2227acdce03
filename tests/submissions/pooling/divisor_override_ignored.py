"""Wrong: divisor_override is accepted but never used."""
REPLACE = {"avg_pool2d_answer": [("    if divisor_override is not None:\n        result", "    if False:\n        result")]}
