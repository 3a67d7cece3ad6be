"""Every write to match runs, proposals and self-match requests goes through these modules, one
per sub-domain: `runs`, `review`, `publishing`, `self_match`. This is where the ORM, the engine and
enqueueing meet: `loading.load_pool` turns the database into engine Persons, `engine.solve` pairs
them, and `runs` stores the results in bulk."""
