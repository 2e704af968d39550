"""A location whose config and resources read secrets from the environment (issue 16).

The code server's environment holds the secret in ``HW_SECRET_TOKEN`` (a string) and
``HW_SECRET_PORT`` (not a number, so reading it as an ``IntSource`` fails).
"""

import headwater as hw


class Api(hw.ConfigurableResource):
    token: str = hw.EnvVar("HW_SECRET_TOKEN")  # type: ignore[assignment]

    def describe(self) -> str:
        return f"api with a token of {len(self.token)} characters"


@hw.op(config_schema={"token": hw.StringSource, "port": hw.Field(hw.IntSource, default_value=1)})
def uses_token(context: hw.OpExecutionContext, api: Api) -> int:
    context.log.info(api.describe())
    token: str = context.op_config["token"]
    return len(token)


@hw.asset
def guarded(api: Api) -> int:
    return len(api.token)


@hw.job
def secret_job() -> None:
    uses_token()


defs = hw.Definitions(assets=[guarded], jobs=[secret_job], resources={"api": Api()})
