"""Wrong: max pooling pads with zeros instead of -inf."""
REPLACE = {"max_pool2d_answer": [(
    'windows = pool_windows(x, *settings, fill=float("-inf"))',
    'windows = pool_windows(x, *settings, fill=0.0)',
)]}
