"""The three gradients' rule (step 10): the bias gradient averages the rows instead of summing them.
Steps 11 and 12 compare with the answer's own linear_backward: they keep their points."""
REPLACE = {"linear_answer": [("rows_of_g.sum(0)", "rows_of_g.mean(0)")]}
