"""Wrong: amax spreads the gradient over every tied maximum instead of the first one."""
REPLACE = {"max_pool2d_answer": [("values = windows.gather(-1, choice).squeeze(-1)", "values = windows.amax(-1)")]}
