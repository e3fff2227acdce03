"""Wrong module: extra_repr always prints inplace, and forward ignores the module's inplace flag."""
REPLACE = {"leaky_relu_answer": [
    ("return leaky_relu(input, self.negative_slope, self.inplace)", "return leaky_relu(input, self.negative_slope)"),
    ('inplace = ", inplace=True" if self.inplace else ""\n        return f"negative_slope={self.negative_slope}{inplace}"',
     'return f"negative_slope={self.negative_slope}, inplace={self.inplace}"'),
]}
