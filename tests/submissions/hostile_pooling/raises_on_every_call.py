"""max_pool2d and avg_pool2d raise a ValueError that names every argument, on every call: the
invalid-argument test used to give it its points; now it first asks for valid calls computed
right. Only the untouched pool_windows earns (1 point)."""
CODE = {
    "max_pool2d_answer": '''
def max_pool2d(*args, **kwargs):
    raise ValueError("bad pad, stride, output, divisor or window")
''',
    "avg_pool2d_answer": '''
def avg_pool2d(*args, **kwargs):
    raise ValueError("bad pad, stride, output, divisor or window")
''',
}
