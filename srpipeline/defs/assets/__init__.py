"""Assets grouped by source: ``shoprenter`` (what the shop holds) and ``crm`` (what is derived)."""
