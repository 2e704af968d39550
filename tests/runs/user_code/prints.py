"""Steps that print to stdout and stderr, one of them failing with a chained cause."""

import sys

from headwater import Definitions, asset, define_asset_job, in_process_executor


@asset(code_version="v7")
def talkative() -> int:
    print("hello from talkative")
    for index in range(200):
        print(f"line {index}")
    print("a warning on stderr", file=sys.stderr)
    return 1


@asset
def broken(talkative: int) -> int:
    print("about to fail")
    try:
        {}["missing"]
    except KeyError as exc:
        raise ValueError("broken could not find its input") from exc
    return talkative


defs = Definitions(
    assets=[talkative, broken],
    jobs=[define_asset_job("in_process_job", selection=["talkative", "broken"],
                           executor_def=in_process_executor)],
)
