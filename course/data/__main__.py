"""``python -m course.data prepare``: find, verify and cache Fashion-MNIST; print where it came from."""

import argparse
import sys

from course.data.fashion_mnist import MARKER_NAME, FashionMNISTError, prepare, raw_folder


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course.data", description=__doc__)
    parser.add_argument("command", choices=["prepare"])
    parser.add_argument("--root", help="a folder holding the four Fashion-MNIST files")
    parser.add_argument("--no-download", action="store_true", help="never try the network")
    args = parser.parse_args(argv)
    try:
        cache = prepare(args.root, download=not args.no_download)
    except FashionMNISTError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    import json
    marker = json.loads((raw_folder(cache) / MARKER_NAME).read_text())
    print(f"Fashion-MNIST ready in {raw_folder(cache)} (from {marker['label']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
