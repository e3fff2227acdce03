"""The numerical gradient's values rule (step 14): one-sided differences (f(x + h) − f(x)) / h, whose
error shrinks like h, not h². Its shape and x are right (step 15)."""
REPLACE = {"gradient_check_answer": [("flat[i] = kept - h\n        down = (f(x) * grad_output).sum()",
                                      "flat[i] = kept\n        down = (f(x) * grad_output).sum()"),
                                     ("flat_grad[i] = (up - down) / (2 * h)", "flat_grad[i] = (up - down) / h")]}
