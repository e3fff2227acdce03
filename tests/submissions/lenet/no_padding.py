"""Rule 1 (the layers) broken: the first convolution has no padding, and the flattened size and the
size check follow it consistently. With no padding the smallest image that survives is 16×16, so
12×12 is refused too: rule 4's boundary moves with the padding (rule 4 states 12×12)."""
REPLACE = {"lenet5_for_answer": [
    ("nn.Conv2d(in_channels, 6, kernel_size=5, padding=2)", "nn.Conv2d(in_channels, 6, kernel_size=5)"),
    ("h, w = ((height // 2) - 4) // 2, ((width // 2) - 4) // 2", "h, w = (((height - 4) // 2) - 4) // 2, (((width - 4) // 2) - 4) // 2"),
]}
