"""The one-off cost of the e-invoice validators in a fresh process (BIL-14): the first validation
of a UBL and of a CII document compiles the CEN EN 16931 XSLT (Saxon-HE) and loads the XSDs; the
next one only runs them. Also `validators_warm()` alone, in a process of its own. The figures
decide whether a worker warms them at start; see the README's e-invoicing section.
Needs no database.

    .venv/bin/python bench/bench_einvoice_validators.py [ROUNDS]
"""

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Minimal documents: the XSD rejects them, the schematron still runs over them in full.
CII = (
    b'<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"'
    b' xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"/>'
)
UBL = b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>'


def one_process() -> dict[str, float]:
    from einvoicing.validation import validate_cii, validate_ubl  # a fresh import is what is measured

    figures = {}
    for name, validate, xml in (("ubl", validate_ubl, UBL), ("cii", validate_cii, CII)):
        for run in ("first", "next"):
            start = time.perf_counter()
            validate(xml)
            figures[f"{name} {run}"] = (time.perf_counter() - start) * 1000
    return figures


def warm_process() -> float:
    from einvoicing.validation import validators_warm

    start = time.perf_counter()
    validators_warm()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    if sys.argv[1:2] == ["--one"]:
        print(repr(one_process()))
        return
    if sys.argv[1:2] == ["--warm"]:
        print(repr(warm_process()))
        return
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    runs, warms = [], []
    for _ in range(rounds):
        out = subprocess.run([sys.executable, __file__, "--one"], capture_output=True, text=True, check=True)
        runs.append(eval(out.stdout.strip().splitlines()[-1]))  # noqa: S307 - our own child's repr
        out = subprocess.run([sys.executable, __file__, "--warm"], capture_output=True, text=True, check=True)
        warms.append(float(out.stdout.strip().splitlines()[-1]))
    for key in runs[0]:
        print(f"{key:10s} median {statistics.median(r[key] for r in runs):8.1f} ms")
    print(f"validators_warm() median {statistics.median(warms):8.1f} ms ({rounds} fresh processes each)")


if __name__ == "__main__":
    main()
