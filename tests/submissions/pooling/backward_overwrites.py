"""Wrong backward: `scatter_` instead of `scatter_add_`, so where overlapping windows take the same
element, the last gradient overwrites the others instead of adding to them."""
REPLACE = {"max_pool2d_backward_answer": [("grad.scatter_add_(-1, indices.flatten(-2), grad_output.flatten(-2))",
                                           "grad.scatter_(-1, indices.flatten(-2), grad_output.flatten(-2))")]}
