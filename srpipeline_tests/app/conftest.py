"""The app runs the code location: the Dagster layer's pipeline fixtures serve here too."""

from srpipeline_tests.defs.conftest import instance, make_pipeline, pipeline  # noqa: F401
