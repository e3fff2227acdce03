"""The wrong answer of edited_test_cell, handed in again with one more line (as a student who
copies values from the feedback would): the hidden tests draw other inputs for it, so its
feedback shows other values; the same code graded again shows the same ones."""
REPLACE = {"leaky_relu_answer": [("torch.where(input > 0, input, input * negative_slope)",
                                  "torch.where(input > 0, input * negative_slope, input)")]}
APPEND = {"leaky_relu_answer": "# handed in again after reading the feedback\n"}
