"""A correct answer whose cell then holds more memory than the sandbox may, spread where a
per-process limit does not see it: three child processes of 1 GB each (they volunteer for the OOM
killer) and 300 MB each into /tmp and /dev/shm (tmpfs, backed by the host's memory). With the
whole-sandbox limit, writing the tmpfs files stops at their size cap and some children are killed;
if every child kept its memory, the limit did not hold and every call says how much was held."""
APPEND = {"leaky_relu_answer": '''
import os, signal, time
written = {}
for folder in ("/tmp", "/dev/shm"):
    written[folder] = 0
    try:
        for number in range(30):                     # files under the per-file size limit
            with open(os.path.join(folder, f"filler-{number}"), "wb") as handle:
                handle.write(b"x" * (10 * 1024 * 1024 - 4096))
            written[folder] += 10 * 1024 * 1024 - 4096
    except OSError:
        pass
children = []
for _ in range(3):
    pid = os.fork()
    if pid == 0:
        with open("/proc/self/oom_score_adj", "w") as adj:
            adj.write("1000")
        blob = b"x" * 1024**3
        time.sleep(1)
        os._exit(0)
    children.append(pid)
killed = sum(1 for pid in children if os.waitpid(pid, 0)[1] & 0x7f == signal.SIGKILL)
held = 1024 * (len(children) - killed) + sum(written.values()) // 2**20
if killed == 0 or max(written.values()) >= 300 * 2**20:
    def leaky_relu(input, negative_slope=0.01, inplace=False):
        raise ValueError(f"the sandbox held {held} MB: no whole-sandbox limit")
'''}
