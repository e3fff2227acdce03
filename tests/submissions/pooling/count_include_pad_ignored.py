"""Wrong: average pooling always counts the padding in the divisor."""
REPLACE = {"avg_pool2d_answer": [("if not count_include_pad:", "if False:")]}
