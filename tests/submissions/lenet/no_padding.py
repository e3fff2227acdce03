"""Wrong: the first convolution has no padding, so every later shape (and the flattened size) is off."""
REPLACE = {"lenet5_for_answer": [
    ("nn.Conv2d(in_channels, 6, kernel_size=5, padding=2)", "nn.Conv2d(in_channels, 6, kernel_size=5)"),
    ("h, w = ((height // 2) - 4) // 2, ((width // 2) - 4) // 2", "h, w = (((height - 4) // 2) - 4) // 2, (((width - 4) // 2) - 4) // 2"),
]}
