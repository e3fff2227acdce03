"""A correct answer whose cell then writes 1.5 GB into its working folder, in files under the
per-file limit: the folder's size cap stops it (nothing reaches the host's disk); if it all fit,
the cap did not hold and every call says so."""
APPEND = {"leaky_relu_answer": '''
import os
written = 0
try:
    for number in range(150):
        with open(f"fill-{number}.bin", "wb") as handle:
            handle.write(b"x" * (10 * 1024 * 1024 - 4096))
        written += 10 * 1024 * 1024 - 4096
except OSError:
    pass
if written >= 1024**3:
    def leaky_relu(input, negative_slope=0.01, inplace=False):
        raise ValueError(f"wrote {written} bytes: no size cap on the working folder")
'''}
