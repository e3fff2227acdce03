"""Wrong: counts ceil_mode windows without dropping a last window that starts in the right padding."""
REPLACE = {"pool_windows_answer": [(
    "out = [pool_output_size(n, k, s, p, d, ceil_mode)",
    "out = [(n + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)) // s + 1",
)]}
