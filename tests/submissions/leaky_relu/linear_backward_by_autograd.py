"""Forbidden: linear_backward asks autograd for the gradients instead of using the formulas. It costs
steps 10 and 11 only (step 12 accepts torch's gradients or this same linear_backward's)."""
REPLACE = {"linear_answer": [("rows_of_g = grad_output.reshape(-1, weight.shape[0])        # every leading position is one row\n"
                              "    rows_of_x = x.reshape(-1, weight.shape[1])\n"
                              "    return grad_output @ weight, rows_of_g.T @ rows_of_x, rows_of_g.sum(0)",
                              "x, weight = x.detach().requires_grad_(), weight.detach().requires_grad_()\n"
                              "    bias = torch.zeros(weight.shape[0], dtype=x.dtype, requires_grad=True)\n"
                              "    with torch.enable_grad():\n"
                              "        out = x @ weight.T + bias\n"
                              "    return torch.autograd.grad(out, (x, weight, bias), grad_output)")]}
