"""The instructor's solution without the empty-window rule: a dilated ceil_mode window over padding
and gaps only is pooled (as torch 2.14.1 does, with an index outside the input) instead of
refused; it loses the visible pool_windows test (1 point), nothing else."""
REPLACE = {"pool_windows_answer": [(
    "            if not any(0 <= i * s - p + a * d < n for a in range(k)):",
    "            if False:",
)]}
