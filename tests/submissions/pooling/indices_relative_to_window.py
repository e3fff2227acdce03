"""Wrong: return_indices gives the position inside the window, not in the input plane."""
REPLACE = {"max_pool2d_answer": [("indices = origin.gather(-1, choice).squeeze(-1)", "indices = choice.squeeze(-1)")]}
