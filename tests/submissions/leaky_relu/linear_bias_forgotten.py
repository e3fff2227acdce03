"""The linear layer's values rule (step 8): the bias is never added. Step 9 compares with the
answer's own 2-D results (and bias=None with a zero bias), so it keeps its points."""
REPLACE = {"linear_answer": [("return out if bias is None else out + bias", "return out")]}
