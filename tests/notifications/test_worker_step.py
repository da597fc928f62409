"""The suite's worker step reads the notifications benchmark's table."""

from bench.worker import table_rows

OUTPUT = """\
Notifications delivered, 20,000 due at once, one phone each; batch 500.

| transport | workers | notifications/s | claim to last record (s) | outcome |
| --- | ---: | ---: | ---: | --- |
| sdk | 1 | 873 | 22.90 | 20000 SENT |
| pool | 1 | 6,299 | 3.17 | 20000 SENT |
| pool | 2 | 8,125 | 2.46 | 20000 SENT |
"""


def test_every_row_of_the_table_is_read_with_its_transport():
    assert table_rows(OUTPUT) == [
        {"transport": "sdk", "workers": 1, "per_second": 873},
        {"transport": "pool", "workers": 1, "per_second": 6299},
        {"transport": "pool", "workers": 2, "per_second": 8125},
    ]
