"""Forbidden: the forward is torch's own F.linear. It costs the rules that run linear_forward (steps
8 and 9, and step 12, whose given forward calls it); the backward's rules keep their points."""
REPLACE = {"linear_answer": [("out = x @ weight.T\n    return out if bias is None else out + bias",
                              "return torch.nn.functional.linear(x, weight, bias)")]}
