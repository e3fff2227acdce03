"""The answer cell crashes the interpreter (a segmentation fault) after defining everything."""
APPEND = {"leaky_relu_answer": "import ctypes\nctypes.string_at(0)\n"}
