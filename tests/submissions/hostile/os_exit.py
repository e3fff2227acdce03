"""The answer cell ends the process with os._exit."""
APPEND = {"leaky_relu_answer": "import os\nos._exit(3)\n"}
