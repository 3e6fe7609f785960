"""What the CRM derives from the shop's data: the webshop segment of every card."""

from dagster import AssetExecutionContext, MaterializeResult, asset

from srpipeline.crm.schema import crm_webshop_cards
from srpipeline.defs.assets.catalog import table_metadata
from srpipeline.defs.assets.freshness import SYNC_FRESHNESS
from srpipeline.defs.assets.run_context import materialized, sync_context
from srpipeline.defs.resources import CrmDatabaseResource, ShoprenterResource
from srpipeline.sync import sync_segments


@asset(
    group_name="crm",
    deps=["orders", "customers"],
    description="Webshop segments of every card (crm_webshop_cards.segment), recomputed from orders. "
    "Computed in the CRM: no call to the shop, so not in pool shoprenter_api.",
    metadata=table_metadata(crm_webshop_cards),
    freshness_policy=SYNC_FRESHNESS,
)
def webshop_segments(
    context: AssetExecutionContext, shop: ShoprenterResource, crm: CrmDatabaseResource
) -> MaterializeResult:
    # The shop resource only names the shop for the CRM's one-shop guard; nothing is requested.
    return materialized(sync_segments(sync_context(context, shop, crm)))
