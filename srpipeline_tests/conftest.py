"""Shared fixtures live in plugins, one module per real part they start (sandbox shop, CRM database)."""

pytest_plugins = [
    "srpipeline_tests.plugins.sandbox_shop",
    "srpipeline_tests.plugins.crm_database",
]
