"""Step 11 (the loss) broken: the sum over the batch, not its mean (right for a batch of one only)."""
REPLACE = {"cross_entropy_answer": [
    ("return -log_softmax(logits)[rows, target].mean()", "return -log_softmax(logits)[rows, target].sum()"),
]}
