"""Wrong: NaNs are replaced by -inf before taking the maximum, so a NaN never propagates."""
REPLACE = {"max_pool2d_answer": [(
    'windows = pool_windows(x, *settings, fill=float("-inf"))',
    'windows = pool_windows(x, *settings, fill=float("-inf")).nan_to_num(nan=float("-inf"))',
)]}
