"""The numerical gradient's shape rule (step 15): the right values, returned flat."""
REPLACE = {"gradient_check_answer": [("    return grad\n", "    return grad.reshape(-1)\n")]}
