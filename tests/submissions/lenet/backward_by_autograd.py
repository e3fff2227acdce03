"""Step 12 (the gradient) broken: the right numbers, but from autograd through the student's own
cross_entropy, where the exercise asks for the formula (and forbids autograd)."""
REPLACE = {"cross_entropy_answer": [
    ("    probabilities = log_softmax(logits).exp()\n    one_hot = torch.zeros_like(probabilities)\n"
     "    one_hot[torch.arange(logits.shape[0]), target] = 1.0\n    return (probabilities - one_hot) / logits.shape[0]",
     "    z = logits.detach().clone().requires_grad_()\n    return torch.autograd.grad(cross_entropy(z, target), z)[0]"),
]}
