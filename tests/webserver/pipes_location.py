"""A code location whose asset runs tests/pipes/external_script.py through Pipes."""

import sys
from pathlib import Path

import headwater as hw

SCRIPT = str(Path(__file__).resolve().parent.parent / "pipes" / "external_script.py")


@hw.asset(check_specs=[hw.AssetCheckSpec("rows_positive", asset="piped")])
def piped(context: hw.AssetExecutionContext, pipes_subprocess_client: hw.PipesSubprocessClient):
    return pipes_subprocess_client.run(command=[sys.executable, SCRIPT], context=context,
                                       extras={"mode": "report"}).get_materialize_result()


defs = hw.Definitions(assets=[piped],
                      resources={"pipes_subprocess_client": hw.PipesSubprocessClient()})
