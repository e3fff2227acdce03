"""The backward's batch-shape rule (step 11): written for (N, in) inputs only (.T reverses every
dimension of a 3-D tensor; a 1-D input makes gᵀx a dot product)."""
REPLACE = {"linear_answer": [("return grad_output @ weight, rows_of_g.T @ rows_of_x, rows_of_g.sum(0)",
                              "return grad_output @ weight, grad_output.T @ x, grad_output.sum(0)")]}
