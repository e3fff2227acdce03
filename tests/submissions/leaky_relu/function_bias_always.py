"""The Function's rule (step 12): a gradient for the bias even when the forward got bias=None, which
autograd refuses."""
REPLACE = {"linear_function_answer": [("return grad_input, grad_weight, grad_bias if ctx.has_bias else None",
                                       "return grad_input, grad_weight, grad_bias")]}
