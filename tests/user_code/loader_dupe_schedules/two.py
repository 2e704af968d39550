from headwater import ScheduleDefinition, define_asset_job

nightly = ScheduleDefinition(
    name="nightly", cron_schedule="0 0 * * *", job=define_asset_job("nightly_job")
)
