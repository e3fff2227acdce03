"""Step 11 (the loss) broken: torch's own F.cross_entropy, which the exercise forbids."""
REPLACE = {"cross_entropy_answer": [
    ("rows = torch.arange(logits.shape[0])\n    return -log_softmax(logits)[rows, target].mean()",
     "return F.cross_entropy(logits, target)"),
]}
