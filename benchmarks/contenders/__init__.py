"""What the benchmarks time: srpipeline (plain engine and Dagster job) and the baselines (naive, dlt).

Each runs in a child process started by :mod:`benchmarks.child`, one at a time, so its peak RSS is
its own and the sandbox shop (another process) does not share its GIL.
"""
