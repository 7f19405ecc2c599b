"""Fill in the ${KP_…} placeholders of a deploy/ template from the environment (or NAME=VALUE
arguments) and print the result. nginx's own variables ($host, …) are left alone; a placeholder
without a value is an error, never an empty string in a config.

    KP_SERVER_NAME=example.com … python deploy/render.py deploy/nginx/kontoportal.conf > site.conf
"""

import os
import re
import sys
from pathlib import Path

PLACEHOLDER = re.compile(r"\$\{(KP_[A-Z0-9_]+)\}")


def render(template: str, values: dict[str, str]) -> str:
    missing = sorted({name for name in PLACEHOLDER.findall(template) if not values.get(name)})
    if missing:
        raise KeyError(f"no value for {', '.join(missing)}")
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    values = dict(os.environ)
    values.update(arg.split("=", 1) for arg in argv[1:] if "=" in arg)
    try:
        sys.stdout.write(render(Path(argv[0]).read_text(), values))
    except KeyError as error:
        print(f"{argv[0]}: {error.args[0]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
