"""The answer cell tries to fill the machine's memory before defining anything."""
PREPEND = {"leaky_relu_answer": "hog = [torch.ones(256, 1024, 1024) for _ in range(1000)]\n"}
