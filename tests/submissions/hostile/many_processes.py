"""A correct answer whose cell then starts up to 1000 processes that sleep: the sandbox's process
cap stops it; if all 1000 started, the cap did not hold and every call says so."""
APPEND = {"leaky_relu_answer": '''
import os, time
started = 0
try:
    for _ in range(1000):
        if os.fork() == 0:
            time.sleep(600)
            os._exit(0)
        started += 1
except OSError:
    pass
if started >= 1000:
    def leaky_relu(input, negative_slope=0.01, inplace=False):
        raise ValueError(f"started {started} processes: no process cap")
'''}
