"""Grades that do not depend on the grading machine: grading computes on the CPU, everywhere.

The student's sandboxed process has no GPU device, and a hidden test that branched on whether the
grader sees a GPU would grade the same notebook differently on an instructor's GPU machine. So the
grader's own process, its workers and the student's process all run with the GPU hidden from
CUDA (``CUDA_VISIBLE_DEVICES=""``) and with the course's device choice fixed to the CPU
(``COURSE_DEVICE=cpu``, read by :func:`course.device.choose_device` in the notebooks' setup cells).
"""

from __future__ import annotations

import os

CPU_ONLY_ENVIRONMENT = {"CUDA_VISIBLE_DEVICES": "", "COURSE_DEVICE": "cpu"}


def grade_on_cpu() -> None:
    """Hide GPUs from this process and the processes it starts (call before anything uses CUDA)."""
    os.environ.update(CPU_ONLY_ENVIRONMENT)
