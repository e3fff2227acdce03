"""A correct answer whose cell then builds a 5000-deep chain of folders in its working folder
(a recursive cleanup would hit Python's recursion limit): graded, and nothing stays on the host."""
APPEND = {"leaky_relu_answer": '''
import os
home = os.getcwd()
for _ in range(5000):
    os.mkdir("d")
    os.chdir("d")
    with open("f", "w") as handle:
        handle.write("x" * 16000)
os.chdir(home)
'''}
