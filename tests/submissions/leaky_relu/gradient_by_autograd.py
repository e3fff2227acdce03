"""Forbidden: the "numerical" gradient is autograd's. It costs steps 14 and 15."""
REPLACE = {"gradient_check_answer": [("    grad = torch.zeros_like(x)\n", "    leaf = x.detach().clone().requires_grad_()\n"
                                      "    return torch.autograd.grad((f(leaf) * grad_output).sum(), leaf)[0]\n"
                                      "    grad = torch.zeros_like(x)\n")]}
