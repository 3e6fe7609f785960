"""What the `srpipeline` command does beyond one sync: the Dagster home, runs, the web UI, the demo.

Below the CLI, above the code location (`srpipeline.defs`): nothing here is a Dagster definition.
"""
