"""Server-rendered page shells for the browser UI; the pages render with vendored JS."""
