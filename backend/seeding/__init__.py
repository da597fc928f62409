"""Bulk seeding for the demo district, the benchmarks and the tests: one kit, so each fact
about how a row is made (required fields, defaults, relations, values the constraints accept)
lives once.

- `rows.Seeder`: collects rows of every app's tables and writes them with `bulk_create`,
  parents first, in batches; seeded, so the same calls give the same rows.
- `districts.synthetic_district`: a district of any size for the network map.
- `bench/generate.py` builds the benchmark district with the same `Seeder`.

The API never calls this (it writes other apps' tables directly, without their services);
single objects in tests come from the factory_boy factories in `tests/`.
"""
