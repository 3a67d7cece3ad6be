"""Demo and benchmark data: the top layer. It builds the demo organisation (`seed_demo`), the scale
data set (`seed_scale`), the data the benchmarks and the fault drill measure; nothing imports it."""
