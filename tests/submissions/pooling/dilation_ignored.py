"""Wrong: windows are cut as if dilation were 1 (the output size still uses it)."""
REPLACE = {"pool_windows_answer": [
    ("spans = [d * (k - 1) + 1 for k, d in zip(kernel, dil)]", "spans = list(kernel)"),
    ("windows[:, :, :out[0], :out[1], ::dil[0], ::dil[1]]", "windows[:, :, :out[0], :out[1]]"),
]}
