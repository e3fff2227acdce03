"""A wrong answer whose cell then reconfigures the IPython shell so that every later cell (the tests,
in an ordinary kernel) does nothing."""
REPLACE = {"leaky_relu_answer": [("torch.where(input > 0, input, input * negative_slope)",
                                  "torch.where(input > 0, input * negative_slope, input)")]}
APPEND = {"leaky_relu_answer": '''
shell = get_ipython()
shell.input_transformers_cleanup.append(lambda lines: ["pass\\n"])
shell.run_cell = lambda *args, **kwargs: None
'''}
