"""Shared code for the course on the layers of a convolutional network.

The notebooks in ``source/`` and ``release/`` and the grader import from here:

- :mod:`course.device` picks the device a notebook trains on;
- :mod:`course.data` finds, verifies and loads Fashion-MNIST, and batches it on a device;
- :mod:`course.paths` knows where the project keeps its files;
- :mod:`course.checks` (with :mod:`course.rules`, :mod:`course.probes` and
  :mod:`course.softmax_checks`) holds the helpers of the notebooks' test cells;
- :mod:`course.models`, :mod:`course.training`, :mod:`course.plotting` and :mod:`course.diagrams`
  build, train and draw what the lessons show.

Solutions to graded exercises never live here: students can import this package.
"""

__version__ = "0.1.0"
