"""The bottom layer: plain data that user code and the host processes both need.

Run statuses, the run tag names headwater reads and writes, reserved job names, cron tick
math, the origins that say where a code location's code is, the frozen-record base and the
version. Everything here imports nothing of headwater but ``errors``, so the webserver, daemon
and workspace can use it without importing ``definitions`` (user-facing API) or ``loading``
(code that imports user code).
"""
