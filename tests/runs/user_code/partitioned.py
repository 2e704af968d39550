"""A statically partitioned asset and its downstream."""

from headwater import AssetExecutionContext, Definitions, StaticPartitionsDefinition, asset

letters_partitions = StaticPartitionsDefinition(["a", "b", "c"])


@asset(partitions_def=letters_partitions)
def letters(context: AssetExecutionContext) -> str:
    return context.partition_key.upper()


@asset(partitions_def=letters_partitions)
def doubled(letters: str) -> str:
    return letters * 2


defs = Definitions(assets=[letters, doubled])
