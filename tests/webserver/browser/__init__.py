"""Browser tests of the UI (Playwright driving the system Chromium)."""
