"""The answer cell raises SystemExit before defining anything."""
PREPEND = {"leaky_relu_answer": "import sys\nsys.exit(0)\n"}
